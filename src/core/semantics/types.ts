/** What AI Trace Lens understands of one span, whatever convention produced it. */
import type { AiKind } from '../../shared/aiKinds';

/** The conventions the classifier recognises, for display ("recognised as OpenInference LLM"). */
export type Convention = 'otel-genai' | 'otel-mcp' | 'openinference' | 'traceloop' | 'vercel-ai' | 'heuristic';

export interface CodeLocation {
  file: string | undefined;
  line: number | undefined;
  function: string | undefined;
}

/** Every field is undefined when the span does not carry it. Times are milliseconds. */
export interface AiSpanInfo {
  kind: AiKind;
  convention: Convention | undefined;
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cachedTokens: number | undefined;
  reasoningTokens: number | undefined;
  streaming: boolean | undefined;
  ttftMs: number | undefined;
  tpotMs: number | undefined;
  toolName: string | undefined;
  agentName: string | undefined;
  code: CodeLocation | undefined;
}

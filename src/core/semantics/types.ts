/** What AI Trace Lens understands of one span, whatever convention produced it. */
import type { AiKind } from '../../shared/aiKinds';
import type { FigureSource } from '../../shared/figures';

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
  /** Input tokens read from the provider's prompt cache. */
  cachedTokens: number | undefined;
  /** Input tokens written to the provider's prompt cache (Anthropic's cache creation), priced apart. */
  cacheWriteTokens: number | undefined;
  reasoningTokens: number | undefined;
  streaming: boolean | undefined;
  ttftMs: number | undefined;
  tpotMs: number | undefined;
  /** Who measured `ttftMs`, `tpotMs` and the token counts; undefined where the figure is. */
  ttftSource: FigureSource | undefined;
  tpotSource: FigureSource | undefined;
  tokensSource: FigureSource | undefined;
  /** The gateway counted the input or output tokens with a tokenizer: the provider reported no usage. */
  tokensEstimated: boolean | undefined;
  /** Gateway figures: to the first visible text (after any reasoning), the longest wait between chunks, and the
   * number of waits over a second. */
  firstTextMs: number | undefined;
  longestGapMs: number | undefined;
  stalls: number | undefined;
  toolName: string | undefined;
  agentName: string | undefined;
  code: CodeLocation | undefined;
}

/**
 * Agent runs for the findings tests, built as their producers record them (OTel GenAI attributes, MCP client and
 * server spans, gateway spans): `agentSpan`, then `llmSpan` and `toolSpan` calls under it, each a step later in time.
 */
import { GATEWAY_SCOPE } from '../../src/core/gateway/spanAttributes';
import { StatusCode, type Span } from '../../src/core/model';
import { DEFAULT_START_MS, makeScope, makeSpan, type PlainAttributes } from './spanBuilder';

export const FINDINGS_TRACE = 'f1'.repeat(16);

export interface CallInit {
  parent?: Span;
  /** Milliseconds after the trace start. */
  at: number;
  durationMs?: number;
  traceId?: string;
  spanId?: string;
  error?: string;
  attributes?: PlainAttributes;
}

const failure = (error: string | undefined) =>
  error === undefined ? undefined : { code: StatusCode.Error, message: error };

export function agentSpan(name: string, init: CallInit): Span {
  return makeSpan({
    traceId: init.traceId ?? FINDINGS_TRACE,
    spanId: init.spanId,
    parentSpanId: init.parent?.spanId,
    name: `invoke_agent ${name}`,
    startMs: DEFAULT_START_MS + init.at,
    durationMs: init.durationMs ?? 100_000,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name, ...init.attributes },
  });
}

export interface LlmInit extends CallInit {
  model?: string;
  provider?: string;
  input?: number;
  output?: number;
  cached?: number;
  ttftS?: number;
  finish?: string;
  /** A system prompt recorded as OpenLLMetry's indexed prompt attributes. */
  prompt?: string;
  gateway?: boolean;
}

export function llmSpan(init: LlmInit): Span {
  const model = init.model ?? 'gpt-4o';
  const attributes: PlainAttributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': init.provider ?? 'openai',
    'gen_ai.request.model': model,
  };
  if (init.input !== undefined) attributes['gen_ai.usage.input_tokens'] = init.input;
  if (init.output !== undefined) attributes['gen_ai.usage.output_tokens'] = init.output;
  if (init.cached !== undefined) attributes['gen_ai.usage.cache_read.input_tokens'] = init.cached;
  if (init.ttftS !== undefined) {
    attributes['gen_ai.request.stream'] = true;
    attributes['gen_ai.response.time_to_first_chunk'] = init.ttftS;
  }
  if (init.finish !== undefined) attributes['gen_ai.response.finish_reasons'] = [init.finish];
  if (init.prompt !== undefined) {
    attributes['gen_ai.prompt.0.role'] = 'system';
    attributes['gen_ai.prompt.0.content'] = init.prompt;
  }
  return makeSpan({
    traceId: init.traceId ?? FINDINGS_TRACE,
    spanId: init.spanId,
    parentSpanId: init.parent?.spanId,
    name: `chat ${model}`,
    startMs: DEFAULT_START_MS + init.at,
    durationMs: init.durationMs ?? 1000,
    attributes: { ...attributes, ...init.attributes },
    status: failure(init.error),
    scope: init.gateway ? makeScope(GATEWAY_SCOPE) : undefined,
  });
}

export interface ToolInit extends CallInit {
  tool: string;
  args?: string;
  result?: string;
  /** An MCP `tools/call` client span; `server` adds its server span below it. */
  mcp?: 'client' | 'server';
}

export function toolSpan(init: ToolInit): Span {
  const attributes: PlainAttributes =
    init.mcp === undefined
      ? { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': init.tool }
      : { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': init.tool };
  if (init.args !== undefined) attributes['gen_ai.tool.call.arguments'] = init.args;
  if (init.result !== undefined) attributes['gen_ai.tool.call.result'] = init.result;
  return makeSpan({
    traceId: init.traceId ?? FINDINGS_TRACE,
    spanId: init.spanId,
    parentSpanId: init.parent?.spanId,
    name: init.mcp === undefined ? `execute_tool ${init.tool}` : `tools/call ${init.tool}`,
    startMs: DEFAULT_START_MS + init.at,
    durationMs: init.durationMs ?? 50,
    attributes: { ...attributes, ...init.attributes },
    status: failure(init.error),
  });
}

/** `count` LLM calls under `parent`, one a second, with `input(i)` input tokens. */
export function llmCalls(parent: Span, count: number, input: (i: number) => number = () => 500): Span[] {
  return Array.from({ length: count }, (_, i) => llmSpan({ parent, at: 1000 * (i + 1), input: input(i) }));
}

/**
 * The traces the flame graph webview tests open: an agent with an LLM call, a tool, and a span named like markup; and
 * the same agent whose LLM call recorded no figures, with the gateway span of that call beneath it.
 */
import { GATEWAY_SCOPE, GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { SpanKind, StatusCode } from '../../src/core/model';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';
import { snapshotOf } from './flamePage';

export const XSS = '<img src=x onerror="window.__xss=1">';
export const ID = {
  root: 'a000000000000001',
  llm: 'a000000000000002',
  tool: 'a000000000000003',
  xss: 'a000000000000004',
  late: 'a000000000000005',
};

export function traceSpans() {
  const at = (ms: number) => DEFAULT_START_MS + ms;
  return [
    makeSpan({
      spanId: ID.root,
      name: 'invoke_agent planner',
      startMs: at(0),
      durationMs: 1000,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    }),
    makeSpan({
      spanId: ID.llm,
      parentSpanId: ID.root,
      name: 'chat gpt-4o',
      startMs: at(100),
      durationMs: 500,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 340,
        'gen_ai.usage.cache_read.input_tokens': 800,
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 0.25,
      },
    }),
    makeSpan({
      spanId: ID.tool,
      parentSpanId: ID.root,
      name: 'execute_tool get_weather',
      startMs: at(650),
      durationMs: 200,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
      status: { code: StatusCode.Error, message: 'timeout' },
    }),
    makeSpan({ spanId: ID.xss, parentSpanId: ID.root, name: XSS, startMs: at(870), durationMs: 120 }),
  ];
}

export const SNAPSHOT = snapshotOf(traceSpans());

/** The agent's LLM call without usage or TTFT, and beneath it the gateway's span of it, with estimated tokens. */
function gatewayTraceSpans() {
  const [root, llm] = traceSpans();
  const uninstrumented = new Map([...llm!.attributes].filter(([key]) => key.startsWith('gen_ai.request.')));
  return [
    root!,
    { ...llm!, attributes: uninstrumented.set('gen_ai.operation.name', 'chat') },
    makeSpan({
      spanId: 'a000000000000006',
      parentSpanId: ID.llm,
      name: 'chat gpt-4o',
      kind: SpanKind.Client,
      scopeName: GATEWAY_SCOPE,
      startMs: DEFAULT_START_MS + 110,
      durationMs: 480,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.stream': true,
        'gen_ai.usage.input_tokens': 1234,
        'gen_ai.usage.output_tokens': 345,
        'gen_ai.response.time_to_first_chunk': 0.42,
        [GatewayAttributes.timePerOutputToken]: 0.012,
        [GatewayAttributes.inputTokensEstimated]: true,
        [GatewayAttributes.outputTokensEstimated]: true,
        [GatewayAttributes.longestChunkGap]: 2.1,
        [GatewayAttributes.stalls]: 3,
      },
    }),
  ];
}

export const GATEWAY_SNAPSHOT = snapshotOf(gatewayTraceSpans());

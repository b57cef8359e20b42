/** Spans as the gateway records them (scope GATEWAY_SCOPE, OTel GenAI plus GatewayAttributes), for the join tests. */
import { GATEWAY_SCOPE, GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { SpanKind, type Span } from '../../src/core/model';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

export interface GatewayCall {
  trace: string;
  id: string;
  parent?: string;
  model?: string;
  /** Milliseconds from the builder's default epoch. */
  start: number;
  end: number;
  input?: number;
  output?: number;
  /** Seconds, as the gateway writes them. */
  ttft?: number;
  tpot?: number;
  attributes?: PlainAttributes;
}

/** A streamed chat call through the gateway, with usage and timing unless the test overrides them. */
export function gatewaySpan(call: GatewayCall): Span {
  const model = call.model ?? 'gpt-4o';
  return makeSpan({
    traceId: call.trace,
    spanId: call.id,
    parentSpanId: call.parent,
    name: `chat ${model}`,
    kind: SpanKind.Client,
    scopeName: GATEWAY_SCOPE,
    serviceName: 'OpenAI/JS 6.1.0',
    startMs: call.start,
    durationMs: call.end - call.start,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.response.model': `${model}-2024-08-06`,
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': call.input ?? 1200,
      'gen_ai.usage.output_tokens': call.output ?? 345,
      'gen_ai.response.time_to_first_chunk': call.ttft ?? 0.42,
      [GatewayAttributes.timePerOutputToken]: call.tpot ?? 0.012,
      'server.address': 'api.openai.com',
      ...call.attributes,
    },
  });
}

/**
 * One model call through the gateway as an OTel GenAI client span (`chat gpt-4o`, kind CLIENT): what the request
 * asked, what the response reported, and the timings the meter took at the wire. Only what the provider's reader
 * extracted from the bodies (and, with content, the request body itself, credentials dropped: recordedRequest.ts), the
 * client's User-Agent and the upstream's address reach it: never a header that could hold a key.
 */
import {
  SERVICE_NAME,
  SpanKind,
  StatusCode,
  type AttributeMap,
  type AttributeValue,
  type InstrumentationScope,
  type Span,
} from '../model';
import type { CallMeter } from './meter';
import { GATEWAY_SCOPE, GatewayAttributes } from './spanAttributes';
import { newSpanId, newTraceId, type SpanContext } from './traceContext';
import type { ModelCall, ProviderWire, RequestParameters } from './wire';

export interface CallOutcome {
  /** The upstream's status; undefined when no response came (unreachable). */
  status: number | undefined;
  /** Why the call failed beyond its status: `upstream_unreachable`, `upstream_disconnected`, `client_disconnected`. */
  failure: { type: string; message: string } | undefined;
}

/** Token counts the gateway counted itself, because the provider reported none. */
export interface EstimatedTokens {
  input?: number;
  output?: number;
}

export interface CallRecord {
  provider: ProviderWire;
  call: ModelCall;
  meter: CallMeter;
  outcome: CallOutcome;
  startUnixNano: bigint;
  endUnixNano: bigint;
  endMs: number;
  upstream: URL;
  userAgent: string | undefined;
  parent: SpanContext | undefined;
  estimated: EstimatedTokens;
  recordContent: boolean;
  /** The request's path and body as recordedRequest.ts keeps them (with content only), or none. */
  recordedRequest?: readonly [string, string][];
}

const SCOPE: InstrumentationScope = {
  name: GATEWAY_SCOPE,
  version: '',
  attributes: new Map(),
  droppedAttributesCount: 0,
};

const PARAMETER_ATTRIBUTES: readonly [keyof RequestParameters, string][] = [
  ['temperature', 'gen_ai.request.temperature'],
  ['topP', 'gen_ai.request.top_p'],
  ['topK', 'gen_ai.request.top_k'],
  ['maxTokens', 'gen_ai.request.max_tokens'],
  ['frequencyPenalty', 'gen_ai.request.frequency_penalty'],
  ['presencePenalty', 'gen_ai.request.presence_penalty'],
  ['seed', 'gen_ai.request.seed'],
  ['stopSequences', 'gen_ai.request.stop_sequences'],
  ['choiceCount', 'gen_ai.request.choice.count'],
];

const seconds = (ms: number): number => ms / 1000;

export function callSpan(record: CallRecord): Span {
  const { provider, call, meter, outcome, estimated } = record;
  const attributes: AttributeMap = new Map();
  const set = (key: string, value: AttributeValue | undefined) => {
    if (value !== undefined) attributes.set(key, value);
  };
  set('gen_ai.operation.name', call.operation);
  set('gen_ai.provider.name', provider.providerName);
  set('gen_ai.request.model', call.model);
  set('gen_ai.request.stream', call.stream);
  for (const [field, key] of PARAMETER_ATTRIBUTES) set(key, call.parameters[field]);
  set('gen_ai.response.model', meter.model);
  set('gen_ai.response.id', meter.id);
  const finishReasons = meter.finishReasons();
  if (finishReasons.length > 0) set('gen_ai.response.finish_reasons', finishReasons);

  const usage = meter.usageReported;
  set('gen_ai.usage.input_tokens', usage.inputTokens ?? estimated.input);
  set('gen_ai.usage.output_tokens', usage.outputTokens ?? estimated.output);
  set('gen_ai.usage.cache_read.input_tokens', usage.cacheReadTokens);
  set('gen_ai.usage.cache_creation.input_tokens', usage.cacheWriteTokens);
  set('gen_ai.usage.reasoning.output_tokens', usage.reasoningTokens);
  if (usage.inputTokens === undefined && estimated.input !== undefined)
    set(GatewayAttributes.inputTokensEstimated, true);
  if (usage.outputTokens === undefined && estimated.output !== undefined)
    set(GatewayAttributes.outputTokensEstimated, true);

  setTimings(set, record, usage.outputTokens ?? estimated.output);

  set('http.response.status_code', outcome.status);
  set('server.address', record.upstream.hostname);
  set('server.port', upstreamPort(record.upstream));
  set('user_agent.original', record.userAgent);
  const error = errorOf(outcome, meter);
  set('error.type', error?.type);

  if (call.toolDefinitions !== undefined) set('gen_ai.tool.definitions', JSON.stringify(call.toolDefinitions));
  if (record.recordContent) {
    if (call.systemInstructions !== undefined)
      set('gen_ai.system_instructions', JSON.stringify(call.systemInstructions));
    set('gen_ai.input.messages', JSON.stringify(call.inputMessages));
    const output = meter.outputMessages();
    if (output.length > 0) set('gen_ai.output.messages', JSON.stringify(output));
    for (const [key, value] of record.recordedRequest ?? []) set(key, value);
  }

  return {
    traceId: record.parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    parentSpanId: record.parent?.spanId,
    traceState: '',
    flags: 1,
    name: call.model === undefined ? call.operation : `${call.operation} ${call.model}`,
    kind: SpanKind.Client,
    startTimeUnixNano: record.startUnixNano,
    endTimeUnixNano: record.endUnixNano,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: error ? { code: StatusCode.Error, message: error.message } : { code: StatusCode.Unset, message: '' },
    resource: {
      attributes: new Map([[SERVICE_NAME, clientName(record.userAgent) ?? `${provider.id} client`]]),
      droppedAttributesCount: 0,
    },
    scope: SCOPE,
  };
}

/** TTFT, time to first visible text, TPOT and the gaps, for a streamed answer that carried content. */
function setTimings(
  set: (key: string, value: AttributeValue | undefined) => void,
  { call, meter }: CallRecord,
  outputTokens: number | undefined,
): void {
  if (!call.stream) return;
  const { startMs, firstContentMs, firstTextMs, lastContentMs } = meter;
  if (firstContentMs !== undefined) set('gen_ai.response.time_to_first_chunk', seconds(firstContentMs - startMs));
  if (firstTextMs !== undefined) set(GatewayAttributes.timeToFirstText, seconds(firstTextMs - startMs));
  if (firstContentMs !== undefined && lastContentMs !== undefined && outputTokens !== undefined && outputTokens > 1) {
    set(GatewayAttributes.timePerOutputToken, seconds((lastContentMs - firstContentMs) / (outputTokens - 1)));
  }
  set(GatewayAttributes.chunks, meter.chunks);
  if (meter.chunks > 1) {
    set(GatewayAttributes.longestChunkGap, seconds(meter.longestGapMs));
    set(GatewayAttributes.stalls, meter.stalls);
  }
}

/** The failure that explains the call best: the gateway's own, the provider's words, or the status alone. */
function errorOf(outcome: CallOutcome, meter: CallMeter): { type: string; message: string } | undefined {
  if (outcome.failure) return outcome.failure;
  if (meter.providerError) return meter.providerError;
  const status = outcome.status;
  if (status !== undefined && status >= 400) return { type: String(status), message: `HTTP ${status}` };
  return undefined;
}

function upstreamPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

const MAX_CLIENT_NAME = 60;

/** `ollama-js/0.6.4 (x64 linux Node.js/v22.1.0)` → `ollama-js/0.6.4`; `OpenAI/JS 6.1.0` stays as it is. */
export function clientName(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined) return undefined;
  const name = userAgent
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name === '' ? undefined : name.slice(0, MAX_CLIENT_NAME);
}

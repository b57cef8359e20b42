/**
 * Sends one model request through a route and traces it like any captured call: the request goes through a private
 * gateway (core/gateway/gateway.ts on 127.0.0.1:0, upstream set to the route's URL), so TTFT, TPOT, tokens and cost
 * are measured at the wire by the same code as every gateway span, with no second measuring client. The call span
 * sits under a root span of its own trace and service (`ai-trace-lens replay`, `ai-trace-lens judge`), which says
 * what made the call and, by a span link and an attribute, which span it stands for. The answer is read from the
 * response by the provider's own reader (core/gateway/providers), so replay and judge get its text too.
 *
 * The API key travels only in a request header: the gateway never records headers (callSpan.ts).
 */
import { performance } from 'node:perf_hooks';
import { SERVICE_NAME, SpanKind, StatusCode, type Span, type SpanLink } from '../model';
import type { ReceiverLog } from '../receiver/options';
import { AiGateway } from '../gateway/gateway';
import { CallMeter } from '../gateway/meter';
import { DEFAULT_GATEWAY_MAX_BODY_BYTES, type ProxySettings } from '../gateway/options';
import { PROVIDERS } from '../gateway/providers';
import { newSpanId, newTraceId } from '../gateway/traceContext';
import type { GenAiMessage, ProviderId } from '../gateway/wire';
import type { ModelRequest } from './modelRequest';
import { authHeaders, type HttpModelRoute } from './routes';
import { toWireRequest, type WireRequest } from './wireRequest';

export interface TracedCallOptions {
  /** `service.name` of the call's trace, saying what made it: `ai-trace-lens replay`. */
  readonly service: string;
  /** The root span's name. */
  readonly name: string;
  /** The instrumentation scope of the root span: the feature that made the call. */
  readonly scope: string;
  /** The span this call stands for: linked from the root and the call span, its id in attribute `attribute`. */
  readonly linkTo?: { readonly traceId: string; readonly spanId: string; readonly attribute: string };
  /**
   * The request as its provider takes it, when the calling feature knows it better than the provider-neutral form
   * does (a replay of a gateway call: the recorded body with the edits applied); undefined to use that form.
   */
  readonly wireRequest?: (routed: ModelRequest) => WireRequest | undefined;
}

export interface TracedCallContext {
  /** Receives the call's spans (root and model call) once the call has ended; awaited before the call resolves. */
  onSpans(spans: Span[]): Promise<void> | void;
  /** Whether prompts and answers go into the call span (`aiTraceLens.gateway.recordContent`). */
  readonly recordContent: boolean;
  readonly proxy: ProxySettings | undefined;
  readonly log?: ReceiverLog;
  /** Aborts the request (the user cancelled): the call is recorded as failed. */
  readonly signal?: AbortSignal;
}

export interface TracedCallResult {
  readonly traceId: string;
  readonly rootSpanId: string;
  /** The answer's visible text (its first choice). */
  readonly text: string;
  /** The model call span; undefined when the gateway could not read the request as a model call. */
  readonly callSpan: Span | undefined;
  /** Why the call failed, in the provider's words; undefined when it answered. */
  readonly error: string | undefined;
}

/** `request` as `route` runs it: an OpenAI-compatible endpoint speaks OpenAI's API and may name its model. */
export function routedRequest(route: HttpModelRoute, request: ModelRequest): ModelRequest {
  if (route.kind === 'provider') return { ...request, provider: route.provider };
  return { ...request, provider: 'openai', model: route.model ?? request.model };
}

/** What `route` is sent for `request`. */
export function wireRequestFor(route: HttpModelRoute, request: ModelRequest): WireRequest {
  return toWireRequest(routedRequest(route, request));
}

/** Sends `modelRequest` along `route`, waits for the whole answer and for its spans to be handed to `context`. */
export async function sendTraced(
  route: HttpModelRoute,
  modelRequest: ModelRequest,
  options: TracedCallOptions,
  context: TracedCallContext,
): Promise<TracedCallResult> {
  const routed = routedRequest(route, modelRequest);
  const request = options.wireRequest?.(routed) ?? toWireRequest(routed);
  const provider: ProviderId = route.kind === 'endpoint' ? 'openai' : route.provider;
  let callSpan: Span | undefined;
  const gateway = new AiGateway({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: DEFAULT_GATEWAY_MAX_BODY_BYTES,
    upstreams: upstreamsOf(route),
    recordContent: context.recordContent,
    proxy: context.proxy,
    onSpan: (span) => (callSpan = span),
    log: context.log,
  });
  const trace = newCallTrace();
  const { traceId, rootSpanId } = trace;
  let answer: { text: string; error: string | undefined };
  try {
    const { port } = await gateway.start();
    const headers = {
      'content-type': 'application/json',
      'user-agent': options.service,
      traceparent: `00-${traceId}-${rootSpanId}-01`,
      ...authHeaders(provider, route.apiKey),
    };
    answer = await post(
      `http://127.0.0.1:${port}/${provider}${request.path}`,
      provider,
      request,
      headers,
      context.signal,
    );
  } catch (error) {
    answer = { text: '', error: error instanceof Error ? error.message : String(error) };
  } finally {
    // Waits for the call's span, which the gateway records once the response has ended.
    await gateway.stop();
  }
  await context.onSpans(callTraceSpans(trace, options, callSpan, answer.error));
  return { traceId, rootSpanId, text: answer.text, callSpan, error: answer.error };
}

/** The ids and start of a call's own trace, taken before the call starts. */
export interface CallTrace {
  readonly traceId: string;
  readonly rootSpanId: string;
  readonly startUnixNano: bigint;
}

export function newCallTrace(): CallTrace {
  return { traceId: newTraceId(), rootSpanId: newSpanId(), startUnixNano: nowUnixNano() };
}

/**
 * A call's trace once it ended: its root span (the calling feature's service, linked to the span it stands for) and
 * the model call span beneath it, in that service too and linked the same way.
 */
export function callTraceSpans(
  trace: CallTrace,
  options: TracedCallOptions,
  callSpan: Span | undefined,
  error: string | undefined,
): Span[] {
  const root = rootSpan(trace, options, error);
  return callSpan === undefined ? [root] : [root, asPartOfCall(callSpan, options)];
}

function upstreamsOf(route: HttpModelRoute): Partial<Record<ProviderId, string>> {
  if (route.kind === 'endpoint') return { openai: route.url };
  return route.upstream === undefined ? {} : { [route.provider]: route.upstream };
}

/** Posts the request and reads its answer with the provider's reader, as the gateway reads its copy. */
async function post(
  url: string,
  provider: ProviderId,
  request: WireRequest,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<{ text: string; error: string | undefined }> {
  const wire = PROVIDERS[provider];
  const call = wire.parseRequest('POST', wire.upstreamPath(request.path), request.body);
  if (call === undefined) throw new Error(`${request.path} is not a model call of the ${wire.providerName} API.`);
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(request.body), signal });
  const meter = new CallMeter(performance.now());
  const reader = wire.responseReader(call, response.status, response.headers.get('content-type') ?? '', meter);
  if (response.body !== null) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) reader.push(chunk);
  }
  reader.end();
  const text = visibleText(meter.outputMessages()[0]);
  const failed = response.status >= 400 ? `HTTP ${response.status}` : undefined;
  const error = meter.providerError === undefined ? failed : meter.providerError.message;
  return { text, error };
}

function visibleText(message: GenAiMessage | undefined): string {
  return (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.content] : [])).join('');
}

function linksOf(options: TracedCallOptions): SpanLink[] {
  const target = options.linkTo;
  if (target === undefined) return [];
  return [
    {
      traceId: target.traceId,
      spanId: target.spanId,
      traceState: '',
      attributes: new Map(),
      droppedAttributesCount: 0,
      flags: 1,
    },
  ];
}

/** The gateway's span of the call, in the calling feature's service, linked to the span it stands for. */
function asPartOfCall(span: Span, options: TracedCallOptions): Span {
  const attributes = new Map(span.attributes);
  if (options.linkTo) attributes.set(options.linkTo.attribute, options.linkTo.spanId);
  return {
    ...span,
    attributes,
    links: linksOf(options),
    resource: { attributes: new Map([[SERVICE_NAME, options.service]]), droppedAttributesCount: 0 },
  };
}

function rootSpan(
  { traceId, rootSpanId, startUnixNano }: CallTrace,
  options: TracedCallOptions,
  error: string | undefined,
): Span {
  const attributes = new Map<string, string>();
  if (options.linkTo) attributes.set(options.linkTo.attribute, options.linkTo.spanId);
  return {
    traceId,
    spanId: rootSpanId,
    parentSpanId: undefined,
    traceState: '',
    flags: 1,
    name: options.name,
    kind: SpanKind.Internal,
    startTimeUnixNano: startUnixNano,
    endTimeUnixNano: nowUnixNano(),
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: linksOf(options),
    droppedLinksCount: 0,
    status: error === undefined ? { code: StatusCode.Unset, message: '' } : { code: StatusCode.Error, message: error },
    resource: { attributes: new Map([[SERVICE_NAME, options.service]]), droppedAttributesCount: 0 },
    scope: { name: options.scope, version: '', attributes: new Map(), droppedAttributesCount: 0 },
  };
}

function nowUnixNano(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

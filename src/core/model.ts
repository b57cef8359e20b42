/**
 * The one normalised span shape every decoder produces and every consumer reads.
 * Ids are lowercase hex, times are nanoseconds since the epoch as bigint (a Number of ms loses precision),
 * attributes are Maps so that keys such as "__proto__" are ordinary keys.
 */

/** An OTLP AnyValue. Integers outside the safe range stay bigint; an AnyValue with no value set is null. */
export type AttributeValue = string | number | boolean | bigint | Uint8Array | null | AttributeValue[] | AttributeMap;

export type AttributeMap = Map<string, AttributeValue>;

/** OTLP `Span.SpanKind`. */
export const SpanKind = {
  Unspecified: 0,
  Internal: 1,
  Server: 2,
  Client: 3,
  Producer: 4,
  Consumer: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP `Status.StatusCode`. */
export const StatusCode = { Unset: 0, Ok: 1, Error: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface Resource {
  attributes: AttributeMap;
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: AttributeMap;
  droppedAttributesCount: number;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: AttributeMap;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: AttributeMap;
  droppedAttributesCount: number;
  flags: number;
}

export interface SpanStatus {
  code: StatusCode;
  message: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** Undefined for a root span (absent or empty `parent_span_id`). */
  parentSpanId: string | undefined;
  traceState: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: AttributeMap;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  /** Shared by every span of one ResourceSpans. */
  resource: Resource;
  /** Shared by every span of one ScopeSpans. */
  scope: InstrumentationScope;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

/** A decoded `ExportTraceServiceRequest`. */
export interface TraceRequest {
  resourceSpans: ResourceSpans[];
}

export function spansOf(request: TraceRequest): Span[] {
  const spans: Span[] = [];
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) spans.push(span);
    }
  }
  return spans;
}

/** A request carrying one span, under its own resource and scope (how the gateway's spans are written as OTLP). */
export function traceRequestOf(span: Span): TraceRequest {
  const scopeSpans: ScopeSpans = { scope: span.scope, schemaUrl: '', spans: [span] };
  return { resourceSpans: [{ resource: span.resource, schemaUrl: '', scopeSpans: [scopeSpans] }] };
}

/**
 * `items` grouped by their resource object, then by their scope object (items made together share them), each group
 * in the order first met: how an OTLP request nests what this extension writes itself.
 */
export function byResourceAndScope<T extends { resource: Resource; scope: InstrumentationScope }>(
  items: readonly T[],
): [Resource, [InstrumentationScope, T[]][]][] {
  const byResource = new Map<Resource, Map<InstrumentationScope, T[]>>();
  for (const item of items) {
    const byScope = byResource.get(item.resource) ?? new Map<InstrumentationScope, T[]>();
    byResource.set(item.resource, byScope);
    const grouped = byScope.get(item.scope);
    if (grouped === undefined) byScope.set(item.scope, [item]);
    else grouped.push(item);
  }
  return [...byResource].map(([resource, byScope]) => [resource, [...byScope]]);
}

/**
 * One request carrying `spans`, grouped under their resource and scope objects, as this extension writes the spans it
 * makes itself (replays, judge calls) to the durable store.
 */
export function traceRequestOfSpans(spans: readonly Span[]): TraceRequest {
  return {
    resourceSpans: byResourceAndScope(spans).map(([resource, byScope]) => ({
      resource,
      schemaUrl: '',
      scopeSpans: byScope.map(([scope, inScope]) => ({ scope, schemaUrl: '', spans: inScope })),
    })),
  };
}

export const SERVICE_NAME = 'service.name';

export function serviceNameOf(span: Span): string | undefined {
  const value = span.resource.attributes.get(SERVICE_NAME);
  return typeof value === 'string' ? value : undefined;
}

export function durationNanos(span: Span): bigint {
  const duration = span.endTimeUnixNano - span.startTimeUnixNano;
  return duration > 0n ? duration : 0n;
}

export function nanosToMillis(nanos: bigint): number {
  return Number(nanos) / 1e6;
}

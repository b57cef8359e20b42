/**
 * Builds `Span`s for tests from plain objects: `makeSpan({ name: 'chat gpt-4o', attributes: { 'gen_ai.operation.name': 'chat' } })`.
 * Times are given in milliseconds and converted to bigint nanoseconds without going through a lossy Number of ns.
 */
import type {
  AttributeMap,
  AttributeValue,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanKind,
  StatusCode,
} from '../../src/core/model';
import { SpanKind as Kinds, StatusCode as Codes } from '../../src/core/model';

/** A plain attribute value: nested plain objects become attribute Maps. */
export type PlainValue = AttributeValue | PlainValue[] | { [key: string]: PlainValue };
export type PlainAttributes = Record<string, PlainValue>;

export interface EventInit {
  name: string;
  /** Milliseconds after the span start (default 0). */
  offsetMs?: number;
  attributes?: PlainAttributes;
}

export interface SpanInit {
  name?: string;
  kind?: SpanKind;
  attributes?: PlainAttributes;
  events?: EventInit[];
  /** Milliseconds since the epoch (default 2025-01-01T00:00:00Z). */
  startMs?: number;
  durationMs?: number;
  status?: { code: StatusCode; message?: string };
  traceId?: string;
  /** Default: a fresh id per call. */
  spanId?: string;
  parentSpanId?: string;
  /** Instrumentation scope name, e.g. `ai` for the Vercel AI SDK. */
  scopeName?: string;
  scope?: InstrumentationScope;
  resource?: Resource;
  serviceName?: string;
}

export const DEFAULT_START_MS = Date.UTC(2025, 0, 1);
export const DEFAULT_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

let nextSpanId = 1;

/** A fresh 16-hex-digit span id. */
export function newSpanId(): string {
  return (nextSpanId++).toString(16).padStart(16, '0');
}

/** Milliseconds (possibly fractional) to bigint nanoseconds, exact to the nanosecond. */
export function msToNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

export function toAttributeMap(attributes: PlainAttributes = {}): AttributeMap {
  const map: AttributeMap = new Map();
  for (const [key, value] of Object.entries(attributes)) map.set(key, toAttributeValue(value));
  return map;
}

function toAttributeValue(value: PlainValue): AttributeValue {
  if (Array.isArray(value)) return value.map(toAttributeValue);
  if (value !== null && typeof value === 'object' && !(value instanceof Map) && !(value instanceof Uint8Array)) {
    return toAttributeMap(value);
  }
  return value;
}

export function makeScope(name = 'test', version = ''): InstrumentationScope {
  return { name, version, attributes: new Map(), droppedAttributesCount: 0 };
}

export function makeResource(serviceName = 'test-service'): Resource {
  return { attributes: new Map([['service.name', serviceName]]), droppedAttributesCount: 0 };
}

export function makeSpan(init: SpanInit = {}): Span {
  const startNanos = msToNanos(init.startMs ?? DEFAULT_START_MS);
  const events: SpanEvent[] = (init.events ?? []).map((event) => ({
    name: event.name,
    timeUnixNano: startNanos + msToNanos(event.offsetMs ?? 0),
    attributes: toAttributeMap(event.attributes),
    droppedAttributesCount: 0,
  }));
  return {
    traceId: init.traceId ?? DEFAULT_TRACE_ID,
    spanId: init.spanId ?? newSpanId(),
    parentSpanId: init.parentSpanId,
    traceState: '',
    flags: 0,
    name: init.name ?? 'span',
    kind: init.kind ?? Kinds.Internal,
    startTimeUnixNano: startNanos,
    endTimeUnixNano: startNanos + msToNanos(init.durationMs ?? 100),
    attributes: toAttributeMap(init.attributes),
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: init.status?.code ?? Codes.Unset, message: init.status?.message ?? '' },
    resource: init.resource ?? makeResource(init.serviceName),
    scope: init.scope ?? makeScope(init.scopeName),
  };
}

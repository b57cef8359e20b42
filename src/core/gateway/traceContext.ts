/**
 * W3C Trace Context for gateway spans: a request that carries `traceparent` (the OTel HTTP client instrumentations add
 * it) makes the gateway's span a child of the caller's span; any other request starts a trace of its own.
 */
import { randomBytes } from 'node:crypto';

export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
}

// version-traceid-parentid-flags; versions above 00 may append fields, which are ignored (W3C §3.2.4).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-|$)/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The caller's span from a `traceparent` header, or undefined when absent or invalid (an invalid one is ignored). */
export function parseTraceparent(header: string | string[] | undefined): SpanContext | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, rest] = match;
  if (version === 'ff' || (version === '00' && rest === '-')) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  return { traceId: traceId!, spanId: spanId! };
}

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

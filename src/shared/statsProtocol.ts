/**
 * The Statistics view's rows and messages: what core/stats computes, the scope it was computed over, and what the page
 * asks of the host. Browser-safe, so core, the host and the page (webview/stats) share one definition; messages from
 * the page are untrusted and go through `parseFromStatsView`, which checks each field and rejects unknown ones.
 */
import type { CostTotals } from './cost';
import { isSpanId, isTraceId } from './ids';

/** A span a row opens. */
export interface SpanRef {
  traceId: string;
  spanId: string;
}

/** p50 and p95 of a figure in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
}

export interface ModelStats {
  model: string;
  provider: string | undefined;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** The priced calls' sum and the unpriced calls' count; no call with token counts, no call to price. */
  cost: CostTotals;
  /** Undefined without a TTFT sample. */
  ttftMs: Percentiles | undefined;
  durationMs: Percentiles;
  slowest: SpanRef;
  latest: SpanRef;
}

export interface ToolStats {
  tool: string;
  /** The MCP server a call went to (its address, or its service when the server reported the span); else undefined. */
  mcpServer: string | undefined;
  calls: number;
  errors: number;
  durationMs: Percentiles;
  /** The largest result recorded, in characters; undefined when no call recorded its result. */
  largestResultChars: number | undefined;
  slowest: SpanRef;
  latest: SpanRef;
}

export interface AiStats {
  /** Most calls first. */
  models: ModelStats[];
  /** Most calls first. */
  tools: ToolStats[];
}

/** Which traces the figures cover: every trace held, a conversation's turns, or the trace selected in Traces. */
export type StatsScope =
  | { readonly kind: 'all'; readonly traces: number }
  | { readonly kind: 'session'; readonly sessionId: string; readonly traces: number }
  | { readonly kind: 'trace'; readonly traceId: string; readonly name: string };

export type ToStatsView = { readonly type: 'stats'; readonly scope: StatsScope; readonly stats: AiStats };

export type FromStatsView =
  /** The page listens: send it the figures. */
  | { readonly type: 'ready' }
  /** Open the flame graph at a row's slowest or latest span. */
  | { readonly type: 'openSpan'; readonly traceId: string; readonly spanId: string }
  /** Leave the Traces view's selection: cover every trace until it changes. */
  | { readonly type: 'showAllTraces' }
  /** An uncaught error in the page, for the extension's log. */
  | { readonly type: 'reportError'; readonly message: string };

/** Longest error report accepted from the page. */
export const MAX_STATS_REPORT_LENGTH = 4096;

type FieldCheck = (value: unknown) => boolean;

/** One check per field of each message: a field added to `FromStatsView` and not here fails to compile. */
const SCHEMA: {
  readonly [T in FromStatsView['type']]: {
    readonly [K in Exclude<keyof Extract<FromStatsView, { type: T }>, 'type'>]-?: FieldCheck;
  };
} = {
  ready: {},
  openSpan: { traceId: isTraceId, spanId: isSpanId },
  showAllTraces: {},
  reportError: { message: (value) => typeof value === 'string' && value.length <= MAX_STATS_REPORT_LENGTH },
};

/** The message if it is exactly one of `FromStatsView` (known type, every field valid, no other field), else undefined. */
export function parseFromStatsView(value: unknown): FromStatsView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMA, type)) return undefined;
  const fields: Readonly<Record<string, FieldCheck>> = SCHEMA[type as FromStatsView['type']];
  const keys = Object.keys(message).filter((key) => key !== 'type');
  if (keys.length !== Object.keys(fields).length) return undefined;
  for (const key of keys) {
    const check = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (check === undefined || !check(message[key])) return undefined;
  }
  return message as unknown as FromStatsView;
}

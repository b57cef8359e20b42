/**
 * What the flame graph webview receives of a trace: the layout columns and the per-span text its labels and
 * tooltips need, with no bigint, Map or class instance, so it survives JSON (inlined into the page) and structured
 * clone (postMessage). Colours are not in it: the webview takes them from the active theme.
 */
import type { ModelTotals, TokenTotals, TraceRecord, TraceSummary } from '../store/types';
import { decodeColumn, encodeColumn } from './columns';
import { buildFlameLayout, buildLevels, clipToParents, type FlameLayout } from './flameLayout';

/** The figures of the flame graph's header line. */
export interface TraceHeader {
  readonly rootName: string;
  readonly service: string | null;
  /** Milliseconds since the epoch. */
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly llmCalls: number;
  readonly toolCalls: number;
  readonly mcpCalls: number;
  /** Summed over llm and embedding spans, as the store counts them. */
  readonly tokens: Readonly<TokenTotals>;
  /** Most tokens first. */
  readonly byModel: readonly Readonly<ModelTotals>[];
}

export function traceHeader(summary: TraceSummary): TraceHeader {
  return {
    rootName: summary.rootName,
    service: summary.service ?? null,
    startUnixMs: Number(summary.startTimeUnixNano / 1_000_000n),
    durationMs: summary.durationMs,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    llmCalls: summary.callCounts.llm,
    toolCalls: summary.callCounts.tool,
    mcpCalls: summary.callCounts.mcp,
    tokens: { ...summary.tokens },
    byModel: summary.byModel.map((totals) => ({ ...totals })),
  };
}

/**
 * Base64 typed-array columns (see columns.ts), one element per span in layout order. The drawn (clipped) bars are not
 * sent: the webview derives them from the true times with the same `clipToParents`, which keeps the page smaller.
 */
export interface SnapshotColumns {
  readonly trueStart: string;
  readonly trueDuration: string;
  readonly depth: string;
  readonly kind: string;
  readonly flags: string;
  readonly parent: string;
  readonly ttft: string;
  readonly tokens: string;
  /** Float64, NaN when the span does not report it. */
  readonly inputTokens: string;
  readonly outputTokens: string;
  readonly cachedTokens: string;
  /** Float32 ms, NaN when unknown. */
  readonly tpot: string;
}

export interface TraceSnapshot {
  readonly traceId: string;
  /** The store's version of the trace: a webview drops a snapshot older than the one it shows. */
  readonly version: number;
  readonly header: TraceHeader;
  readonly count: number;
  readonly totalMs: number;
  readonly spanIds: readonly string[];
  readonly names: readonly string[];
  /** Response model, else request model, else ''. */
  readonly models: readonly string[];
  /** '' when the span's status carries no message. */
  readonly statusMessages: readonly string[];
  readonly columns: SnapshotColumns;
}

function optional(value: number | undefined): number {
  return value ?? NaN;
}

export function serializeTrace(record: TraceRecord): TraceSnapshot {
  const nodes = record.spans();
  const layout = buildFlameLayout(record, nodes);
  const count = layout.count;
  const names = new Array<string>(count);
  const models = new Array<string>(count);
  const statusMessages = new Array<string>(count);
  const inputTokens = new Float64Array(count);
  const outputTokens = new Float64Array(count);
  const cachedTokens = new Float64Array(count);
  const tpot = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const { span, ai } = nodes[i]!;
    names[i] = span.name;
    models[i] = ai.responseModel ?? ai.requestModel ?? '';
    statusMessages[i] = span.status.message;
    inputTokens[i] = optional(ai.inputTokens);
    outputTokens[i] = optional(ai.outputTokens);
    cachedTokens[i] = optional(ai.cachedTokens);
    tpot[i] = optional(ai.tpotMs);
  }
  return {
    traceId: layout.traceId,
    version: record.summary.version,
    header: traceHeader(record.summary),
    count,
    totalMs: layout.totalMs,
    spanIds: layout.spanIds.slice(),
    names,
    models,
    statusMessages,
    columns: {
      trueStart: encodeColumn(layout.trueStart),
      trueDuration: encodeColumn(layout.trueDuration),
      depth: encodeColumn(layout.depth),
      kind: encodeColumn(layout.kind),
      flags: encodeColumn(layout.flags),
      parent: encodeColumn(layout.parent),
      ttft: encodeColumn(layout.ttft),
      tokens: encodeColumn(layout.tokens),
      inputTokens: encodeColumn(inputTokens),
      outputTokens: encodeColumn(outputTokens),
      cachedTokens: encodeColumn(cachedTokens),
      tpot: encodeColumn(tpot),
    },
  };
}

/** The webview's side of a snapshot: the layout again, plus the per-span numbers only tooltips read. */
export interface DecodedSnapshot {
  readonly layout: FlameLayout;
  readonly inputTokens: Float64Array;
  readonly outputTokens: Float64Array;
  readonly cachedTokens: Float64Array;
  readonly tpot: Float32Array;
}

/** Rebuilds the layout from a snapshot without the store. Throws a RangeError when a column has the wrong length. */
export function decodeSnapshot(snapshot: TraceSnapshot): DecodedSnapshot {
  const { count, columns } = snapshot;
  const trueStart = decodeColumn(columns.trueStart, Float64Array, count);
  const trueDuration = decodeColumn(columns.trueDuration, Float64Array, count);
  const parent = decodeColumn(columns.parent, Int32Array, count);
  const flags = decodeColumn(columns.flags, Uint8Array, count);
  const depth = decodeColumn(columns.depth, Uint16Array, count);
  const { start, duration } = clipToParents(trueStart, trueDuration, parent, flags);
  let maxDepth = 0;
  for (let i = 0; i < count; i++) maxDepth = Math.max(maxDepth, depth[i]!);
  const { levels, levelMaxEnd } = buildLevels(start, duration, depth, count === 0 ? 0 : maxDepth + 1);
  const layout: FlameLayout = {
    traceId: snapshot.traceId,
    count,
    spanIds: snapshot.spanIds,
    start,
    duration,
    trueStart,
    trueDuration,
    depth,
    kind: decodeColumn(columns.kind, Uint8Array, count),
    flags,
    parent,
    ttft: decodeColumn(columns.ttft, Float32Array, count),
    tokens: decodeColumn(columns.tokens, Float64Array, count),
    maxDepth,
    totalMs: snapshot.totalMs,
    levels,
    levelMaxEnd,
  };
  return {
    layout,
    inputTokens: decodeColumn(columns.inputTokens, Float64Array, count),
    outputTokens: decodeColumn(columns.outputTokens, Float64Array, count),
    cachedTokens: decodeColumn(columns.cachedTokens, Float64Array, count),
    tpot: decodeColumn(columns.tpot, Float32Array, count),
  };
}

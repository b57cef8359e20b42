/**
 * What the flame graph webview receives of a trace: typed-array columns (the layout and the per-span numbers its
 * tooltips need) and the per-span text as indexes into one table of unique strings. No bigint, Map or class instance,
 * so it survives structured clone: the host posts it after the page says `ready`, and VS Code (engines >= 1.57) sends
 * the typed arrays' bytes as binary rather than as JSON. Span names repeat (`chat gpt-4o` thousands of times), so the
 * string table keeps the text part small. Colours are not in it: the webview takes them from the active theme.
 */
import type { ModelTotals, TokenTotals, TraceRecord, TraceSummary } from '../store/types';
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
 * One element per span in layout order. The drawn (clipped) bars and the per-depth levels are not sent: the webview
 * derives them from the true times with the same `clipToParents` and `buildLevels`, which keeps the message smaller.
 */
export interface SnapshotColumns {
  readonly trueStart: Float64Array;
  readonly trueDuration: Float64Array;
  readonly depth: Uint16Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly parent: Int32Array;
  readonly ttft: Float32Array;
  readonly tokens: Float64Array;
  /** NaN when the span does not report it. */
  readonly inputTokens: Float64Array;
  readonly outputTokens: Float64Array;
  readonly cachedTokens: Float64Array;
  /** Ms, NaN when unknown. */
  readonly tpot: Float32Array;
  /** Indexes into `TraceSnapshot.strings`. */
  readonly name: Uint32Array;
  /** Response model, else request model, else ''. */
  readonly model: Uint32Array;
  /** '' when the span's status carries no message. */
  readonly statusMessage: Uint32Array;
}

export interface TraceSnapshot {
  readonly traceId: string;
  /** The store's version of the trace: a webview drops a snapshot older than the one it shows. */
  readonly version: number;
  readonly header: TraceHeader;
  readonly count: number;
  readonly totalMs: number;
  /**
   * Every span id in layout order, concatenated: SPAN_ID_LENGTH characters each (the receivers keep only 8-byte ids).
   * One string instead of 100k clones and parses as one copy.
   */
  readonly spanIds: string;
  /** The distinct texts the `name`, `model` and `statusMessage` columns point into. */
  readonly strings: readonly string[];
  readonly columns: SnapshotColumns;
}

export const SPAN_ID_LENGTH = 16;

/** Interns strings into a table, returning each one's index. */
class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();

  index(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.indexes.set(text, index);
    }
    return index;
  }
}

function optional(value: number | undefined): number {
  return value ?? NaN;
}

export function serializeTrace(record: TraceRecord): TraceSnapshot {
  const nodes = record.spans();
  const layout = buildFlameLayout(record, nodes);
  const count = layout.count;
  const table = new StringTable();
  const name = new Uint32Array(count);
  const model = new Uint32Array(count);
  const statusMessage = new Uint32Array(count);
  const inputTokens = new Float64Array(count);
  const outputTokens = new Float64Array(count);
  const cachedTokens = new Float64Array(count);
  const tpot = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const { span, ai } = nodes[i]!;
    name[i] = table.index(span.name);
    model[i] = table.index(ai.responseModel ?? ai.requestModel ?? '');
    statusMessage[i] = table.index(span.status.message);
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
    spanIds: layout.spanIds.join(''),
    strings: table.strings,
    columns: {
      trueStart: layout.trueStart,
      trueDuration: layout.trueDuration,
      depth: layout.depth,
      kind: layout.kind,
      flags: layout.flags,
      parent: layout.parent,
      ttft: layout.ttft,
      tokens: layout.tokens,
      inputTokens,
      outputTokens,
      cachedTokens,
      tpot,
      name,
      model,
      statusMessage,
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

type ColumnType =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/** The column as a `type` of `length` elements; a RangeError names the column when it is not one. */
function column<T extends ColumnType>(columns: SnapshotColumns, key: keyof SnapshotColumns, type: T, length: number): InstanceType<T> {
  const value: unknown = columns[key];
  if (!(value instanceof type)) throw new RangeError(`column ${key} holds no ${type.name}`);
  if (value.length !== length) throw new RangeError(`column ${key} holds ${value.length} elements, expected ${length}`);
  return value as InstanceType<T>;
}

/** Largest value of an index column; -1 when empty. */
function maxOf(values: Uint32Array | Uint16Array): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * Rebuilds the layout from a snapshot without the store. Checks what came over the wire, since the page must not
 * draw from a column of another length: throws a RangeError when a column is missing, of another type or length, or
 * points outside the string table.
 */
export function decodeSnapshot(snapshot: TraceSnapshot): DecodedSnapshot {
  const { count, columns } = snapshot;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`span count ${String(count)} is not a count`);
  if (typeof columns !== 'object' || columns === null) throw new RangeError('the snapshot has no columns');
  if (typeof snapshot.spanIds !== 'string' || snapshot.spanIds.length !== count * SPAN_ID_LENGTH) {
    throw new RangeError(`span id column holds ${String(snapshot.spanIds?.length)} characters, expected ${count} × ${SPAN_ID_LENGTH}`);
  }
  if (!Array.isArray(snapshot.strings) || !snapshot.strings.every((text) => typeof text === 'string')) {
    throw new RangeError('the string table is not a list of strings');
  }
  for (const key of ['name', 'model', 'statusMessage'] as const) {
    if (maxOf(column(columns, key, Uint32Array, count)) >= snapshot.strings.length) {
      throw new RangeError(`column ${key} points outside the string table`);
    }
  }
  const trueStart = column(columns, 'trueStart', Float64Array, count);
  const trueDuration = column(columns, 'trueDuration', Float64Array, count);
  const parent = column(columns, 'parent', Int32Array, count);
  const flags = column(columns, 'flags', Uint8Array, count);
  const depth = column(columns, 'depth', Uint16Array, count);
  // A parent after its child would read an unclipped range, or one out of bounds.
  for (let i = 0; i < count; i++) {
    if (parent[i]! >= i || parent[i]! < -1) throw new RangeError(`span ${i} has parent ${parent[i]}, not an earlier span`);
  }
  const { start, duration } = clipToParents(trueStart, trueDuration, parent, flags);
  const maxDepth = Math.max(0, maxOf(depth));
  const { levels, levelMaxEnd } = buildLevels(start, duration, depth, count === 0 ? 0 : maxDepth + 1);
  const layout: FlameLayout = {
    traceId: snapshot.traceId,
    count,
    start,
    duration,
    trueStart,
    trueDuration,
    depth,
    kind: column(columns, 'kind', Uint8Array, count),
    flags,
    parent,
    ttft: column(columns, 'ttft', Float32Array, count),
    tokens: column(columns, 'tokens', Float64Array, count),
    maxDepth,
    totalMs: snapshot.totalMs,
    levels,
    levelMaxEnd,
  };
  return {
    layout,
    inputTokens: column(columns, 'inputTokens', Float64Array, count),
    outputTokens: column(columns, 'outputTokens', Float64Array, count),
    cachedTokens: column(columns, 'cachedTokens', Float64Array, count),
    tpot: column(columns, 'tpot', Float32Array, count),
  };
}

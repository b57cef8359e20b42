/**
 * What the flame graph webview receives of a trace: typed-array columns (the layout and the per-span numbers its
 * tooltips need) and the per-span text as indexes into one table of unique strings. No bigint, Map or class instance,
 * so it survives structured clone: the host posts it after the page says `ready`, and VS Code (engines >= 1.57) sends
 * the typed arrays' bytes as binary rather than as JSON. Span names repeat (`chat gpt-4o` thousands of times), so the
 * string table keeps the text part small. Colours are not in it: the webview takes them from the active theme.
 */
import type { CostTotals } from '../cost';
import { SPAN_ID_BYTES, spanIdHexAt } from '../ids';
import type { ModelTotals, TokenTotals } from '../tokens';
import { splitLevels, SUMMARY_RESOLUTIONS, type FlameLayout, type LevelSummary } from './layout';

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
  /** What the model calls cost; null when the host priced nothing. */
  readonly cost: HeaderCost | null;
}

export interface HeaderCost {
  readonly total: Readonly<CostTotals>;
  /** Each model's cost in the order of `TraceHeader.byModel`; null for a model with no call to price. */
  readonly byModel: readonly (Readonly<CostTotals> | null)[];
  /** Which prices: `prices from genai-prices 0.1.8, 2026-09-23; …`. */
  readonly source: string;
}

/** Bits of `SnapshotColumns.figureFlags`: which of a span's figures the gateway measured, and estimated tokens. */
export const FigureFlag = {
  TtftAtGateway: 1,
  TpotAtGateway: 2,
  TokensAtGateway: 4,
  TokensEstimated: 8,
} as const;

/** Indexes into `TraceSnapshot.strings`: 16-bit while the table has at most 65536 entries, as it nearly always has. */
export type StringIndexes = Uint16Array | Uint32Array;

/**
 * The layout as the page draws it, so that the page does no per-span work before its first paint: the drawn (clipped)
 * bars, the levels in order with their running ends, and the level summaries. The per-span columns hold one element
 * per span in layout order; the per-level ones are each level's array one after the other (`concatLevels`).
 */
export interface SnapshotColumns {
  /** Drawn start and duration in ms (`FlameLayout.start` and `duration`). */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  /**
   * The spans drawn clipped into their parent (`FlameFlag.Clipped`), with their own start and duration; every other
   * span's own range is the drawn one.
   */
  readonly clipped: Int32Array;
  readonly clippedTrueStart: Float64Array;
  readonly clippedTrueDuration: Float64Array;
  readonly depth: Uint16Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly parent: Int32Array;
  readonly ttft: Float32Array;
  /** NaN when the span does not report it. Float32 holds every count up to 16.7M exactly, far above any context. */
  readonly inputTokens: Float32Array;
  readonly outputTokens: Float32Array;
  readonly cachedTokens: Float32Array;
  /** Ms, NaN when unknown. */
  readonly tpot: Float32Array;
  /** `FigureFlag` bits; 0 for a span whose figures are all its own. */
  readonly figureFlags: Uint8Array;
  /** The gateway's stream figures: ms to the first visible text, the longest gap between chunks in ms, and the gaps
   * over a second; NaN when unknown. */
  readonly firstText: Float32Array;
  readonly longestGap: Float32Array;
  readonly stalls: Float32Array;
  readonly name: StringIndexes;
  /** Response model, else request model, else ''. */
  readonly model: StringIndexes;
  /** '' when the span's status carries no message. */
  readonly statusMessage: StringIndexes;
  /** How many spans each depth holds: the lengths of the levels in `levelOrder` and `levelMaxEnd`. */
  readonly levelSizes: Int32Array;
  /** `FlameLayout.levels`: span indexes by depth, then by start. */
  readonly levelOrder: Int32Array;
  readonly levelMaxEnd: Float64Array;
  /**
   * Per depth, then per `SUMMARY_RESOLUTIONS`, the number of wide bars of that `LevelSummary`, or -1 where the level
   * has none.
   */
  readonly summaryWideSizes: Int32Array;
  /** The summaries' `best`, `rank` and `end` (as many as their resolution has buckets), `wide` and `wideMaxEnd`, in that order. */
  readonly summaryBest: Int32Array;
  readonly summaryRank: Uint8Array;
  readonly summaryEnd: Float64Array;
  readonly summaryWide: Int32Array;
  readonly summaryWideMaxEnd: Float64Array;
}

export interface TraceSnapshot {
  readonly traceId: string;
  /** The store's version of the trace: a webview drops a snapshot older than the one it shows. */
  readonly version: number;
  readonly header: TraceHeader;
  readonly count: number;
  readonly totalMs: number;
  /**
   * Every span id in layout order as its 8 bytes (the receivers keep only 8-byte ids, as 16 hex digits): binary like
   * the columns, and half the size of the hex text.
   */
  readonly spanIds: Uint8Array;
  /** The distinct texts the `name`, `model` and `statusMessage` columns point into. */
  readonly strings: readonly string[];
  /** What the legend lists: bit i set when a span is of kind `AI_KINDS[i]`, and every `FlameFlag` some span has. */
  readonly presentKinds: number;
  readonly presentFlags: number;
  readonly columns: SnapshotColumns;
}

/** The hex span id at `index` of a snapshot's `spanIds`. */
export function spanIdAt(spanIds: Uint8Array, index: number): string {
  return spanIdHexAt(spanIds, index * SPAN_ID_BYTES);
}

/** A trace of no spans: what the webview shows while the host's snapshot is on its way. */
export function emptySnapshot(traceId: string): TraceSnapshot {
  const none = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const header: TraceHeader = {
    rootName: '',
    service: null,
    startUnixMs: 0,
    durationMs: 0,
    spanCount: 0,
    errorCount: 0,
    llmCalls: 0,
    toolCalls: 0,
    mcpCalls: 0,
    tokens: none,
    byModel: [],
    cost: null,
  };
  const columns: SnapshotColumns = {
    start: new Float64Array(0),
    duration: new Float64Array(0),
    clipped: new Int32Array(0),
    clippedTrueStart: new Float64Array(0),
    clippedTrueDuration: new Float64Array(0),
    depth: new Uint16Array(0),
    kind: new Uint8Array(0),
    flags: new Uint8Array(0),
    parent: new Int32Array(0),
    ttft: new Float32Array(0),
    inputTokens: new Float32Array(0),
    outputTokens: new Float32Array(0),
    cachedTokens: new Float32Array(0),
    tpot: new Float32Array(0),
    figureFlags: new Uint8Array(0),
    firstText: new Float32Array(0),
    longestGap: new Float32Array(0),
    stalls: new Float32Array(0),
    name: new Uint16Array(0),
    model: new Uint16Array(0),
    statusMessage: new Uint16Array(0),
    levelSizes: new Int32Array(0),
    levelOrder: new Int32Array(0),
    levelMaxEnd: new Float64Array(0),
    summaryWideSizes: new Int32Array(0),
    summaryBest: new Int32Array(0),
    summaryRank: new Uint8Array(0),
    summaryEnd: new Float64Array(0),
    summaryWide: new Int32Array(0),
    summaryWideMaxEnd: new Float64Array(0),
  };
  return {
    traceId,
    version: -1,
    header,
    count: 0,
    totalMs: 0,
    spanIds: new Uint8Array(0),
    strings: [],
    presentKinds: 0,
    presentFlags: 0,
    columns,
  };
}

/** The webview's side of a snapshot: the layout again, plus the per-span numbers only tooltips read. */
export interface DecodedSnapshot {
  readonly layout: FlameLayout;
  readonly inputTokens: Float32Array;
  readonly outputTokens: Float32Array;
  readonly cachedTokens: Float32Array;
  readonly tpot: Float32Array;
  readonly figureFlags: Uint8Array;
  readonly firstText: Float32Array;
  readonly longestGap: Float32Array;
  readonly stalls: Float32Array;
}

type ColumnType =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/** The column as a `type` of `length` elements (of any length when undefined); a RangeError names the column when it is not one. */
function column<T extends ColumnType>(
  columns: SnapshotColumns,
  key: keyof SnapshotColumns,
  type: T,
  length: number | undefined,
): InstanceType<T> {
  const value: unknown = columns[key];
  if (!(value instanceof type)) throw new RangeError(`column ${key} holds no ${type.name}`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`column ${key} holds ${value.length} elements, expected ${length}`);
  }
  return value as InstanceType<T>;
}

function indexColumn(columns: SnapshotColumns, key: 'name' | 'model' | 'statusMessage', length: number): void {
  const value: unknown = columns[key];
  if (!(value instanceof Uint16Array || value instanceof Uint32Array))
    throw new RangeError(`column ${key} holds no string indexes`);
  if (value.length !== length) throw new RangeError(`column ${key} holds ${value.length} elements, expected ${length}`);
}

/** The sum of `sizes`, throwing a RangeError that names `key` when one is negative (-1 allowed with `allowNone`). */
function total(sizes: Int32Array, key: keyof SnapshotColumns, allowNone = false): number {
  let sum = 0;
  for (const size of sizes) {
    if (size < (allowNone ? -1 : 0)) throw new RangeError(`column ${key} holds the size ${size}`);
    if (size > 0) sum += size;
  }
  return sum;
}

/**
 * Rebuilds the layout from a snapshot without the store, in time that does not grow with the spans (the page's first
 * paint waits for it): it copies two columns and makes views of the others. It checks what the page's reads depend
 * on, the type and length of every column, and throws a RangeError when one is wrong. The values are the host's
 * layout and are not checked again: an index out of range reads `undefined` from a typed array, never other memory,
 * and at worst draws a wrong bar.
 */
export function decodeSnapshot(snapshot: TraceSnapshot): DecodedSnapshot {
  const { count, columns } = snapshot;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`span count ${String(count)} is not a count`);
  if (typeof columns !== 'object' || columns === null) throw new RangeError('the snapshot has no columns');
  if (!(snapshot.spanIds instanceof Uint8Array) || snapshot.spanIds.length !== count * SPAN_ID_BYTES) {
    throw new RangeError(
      `span id column holds ${String(snapshot.spanIds?.length)} bytes, expected ${count} × ${SPAN_ID_BYTES}`,
    );
  }
  if (!Array.isArray(snapshot.strings) || !snapshot.strings.every((text) => typeof text === 'string')) {
    throw new RangeError('the string table is not a list of strings');
  }
  for (const key of ['name', 'model', 'statusMessage'] as const) indexColumn(columns, key, count);
  const start = column(columns, 'start', Float64Array, count);
  const duration = column(columns, 'duration', Float64Array, count);
  const clipped = column(columns, 'clipped', Int32Array, undefined);
  const clippedTrueStart = column(columns, 'clippedTrueStart', Float64Array, clipped.length);
  const clippedTrueDuration = column(columns, 'clippedTrueDuration', Float64Array, clipped.length);
  // Clipping is rare: without it the drawn ranges are the spans' own, and 100k-element copies are not free.
  const trueStart = clipped.length === 0 ? start : start.slice();
  const trueDuration = clipped.length === 0 ? duration : duration.slice();
  for (let k = 0; k < clipped.length; k++) {
    trueStart[clipped[k]!] = clippedTrueStart[k]!;
    trueDuration[clipped[k]!] = clippedTrueDuration[k]!;
  }

  const levelSizes = column(columns, 'levelSizes', Int32Array, undefined);
  if (total(levelSizes, 'levelSizes') !== count) throw new RangeError(`the levels hold other than ${count} spans`);
  const levelCount = levelSizes.length;
  const levels = splitLevels(column(columns, 'levelOrder', Int32Array, count), levelSizes);
  const levelMaxEnd = splitLevels(column(columns, 'levelMaxEnd', Float64Array, count), levelSizes);
  const resolutions = SUMMARY_RESOLUTIONS.length;
  const wideSizes = column(columns, 'summaryWideSizes', Int32Array, levelCount * resolutions);
  let bucketCount = 0;
  for (let i = 0; i < wideSizes.length; i++)
    if (wideSizes[i]! >= 0) bucketCount += SUMMARY_RESOLUTIONS[i % resolutions]!;
  const wideCount = total(wideSizes, 'summaryWideSizes', true);
  const best = column(columns, 'summaryBest', Int32Array, bucketCount);
  const bucketRanks = column(columns, 'summaryRank', Uint8Array, bucketCount);
  const bucketEnds = column(columns, 'summaryEnd', Float64Array, bucketCount);
  const wide = column(columns, 'summaryWide', Int32Array, wideCount);
  const wideMaxEnd = column(columns, 'summaryWideMaxEnd', Float64Array, wideCount);
  let bucketOffset = 0;
  let wideOffset = 0;
  const summaries = Array.from({ length: levelCount }, (_, level) => {
    const summaries: LevelSummary[] = [];
    SUMMARY_RESOLUTIONS.forEach((buckets, r) => {
      const size = wideSizes[level * resolutions + r]!;
      if (size < 0) return;
      const bucketRange = [bucketOffset, (bucketOffset += buckets)] as const;
      const wideRange = [wideOffset, (wideOffset += size)] as const;
      summaries.push({
        bucketUnits: snapshot.totalMs / buckets,
        best: best.subarray(...bucketRange),
        rank: bucketRanks.subarray(...bucketRange),
        end: bucketEnds.subarray(...bucketRange),
        wide: wide.subarray(...wideRange),
        wideMaxEnd: wideMaxEnd.subarray(...wideRange),
      });
    });
    return summaries;
  });

  const layout: FlameLayout = {
    traceId: snapshot.traceId,
    count,
    start,
    duration,
    trueStart,
    trueDuration,
    depth: column(columns, 'depth', Uint16Array, count),
    kind: column(columns, 'kind', Uint8Array, count),
    flags: column(columns, 'flags', Uint8Array, count),
    parent: column(columns, 'parent', Int32Array, count),
    ttft: column(columns, 'ttft', Float32Array, count),
    maxDepth: Math.max(0, levelCount - 1),
    totalMs: snapshot.totalMs,
    levels,
    levelMaxEnd,
    summaries,
  };
  return {
    layout,
    inputTokens: column(columns, 'inputTokens', Float32Array, count),
    outputTokens: column(columns, 'outputTokens', Float32Array, count),
    cachedTokens: column(columns, 'cachedTokens', Float32Array, count),
    tpot: column(columns, 'tpot', Float32Array, count),
    figureFlags: column(columns, 'figureFlags', Uint8Array, count),
    firstText: column(columns, 'firstText', Float32Array, count),
    longestGap: column(columns, 'longestGap', Float32Array, count),
    stalls: column(columns, 'stalls', Float32Array, count),
  };
}

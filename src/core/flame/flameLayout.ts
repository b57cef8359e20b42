/**
 * The flame chart's geometry as typed arrays, one slot per span in pre-order: built once per trace version, read on
 * every frame. x is milliseconds from the trace's earliest start, y is the depth in the span tree.
 *
 * Live traces rebuild the whole layout on each change rather than patching it: a late parent re-parents its orphans
 * and moves every descendant down a level, which a patch would have to chase, and a rebuild of 100k spans costs tens of
 * milliseconds (bench/flameLayout.bench.ts), far less than the debounced refresh interval.
 */
import { StatusCode } from '../model';
import type { SpanNode, TraceRecord } from '../store/types';
import { AI_KINDS, type AiKind } from '../semantics/types';

/** Bits of `FlameLayout.flags`. */
export const FlameFlag = {
  Error: 1,
  /** The span names a parent that has not arrived; it is drawn as a root. */
  Orphan: 2,
  HasTtft: 4,
  /** The span starts before or ends after its parent: `start`/`duration` are clipped, `trueStart`/`trueDuration` are not. */
  Clipped: 8,
} as const;

const KIND_INDEX = Object.fromEntries(AI_KINDS.map((kind, index) => [kind, index])) as Record<AiKind, number>;

/**
 * One axis of bars per depth: the time layout itself, or the token layout. `levels[d]` lists the span indexes at depth
 * d sorted by `start`; `levelMaxEnd[d][i]` is the largest `start + duration` among the first i+1 of them, which is
 * non-decreasing and so lets a binary search skip every bar that ends before the viewport even when bars overlap.
 */
export interface FlameAxis {
  readonly start: Float64Array;
  readonly duration: Float64Array;
  /** Index into `AI_KINDS`; a pixel column of sub-pixel bars takes the colour of its best-ranked kind (`KIND_RANK`). */
  readonly kind: Uint8Array;
  /** `FlameFlag` bits: a pixel column holding a failed bar is drawn as that bar. */
  readonly flags: Uint8Array;
  readonly levels: readonly Int32Array[];
  readonly levelMaxEnd: readonly Float64Array[];
  /**
   * Per depth, the level's bars at each of `SUMMARY_RESOLUTIONS` (`summarizeLevels`), finest first; none for a level
   * culled bar by bar.
   */
  readonly summaries: readonly (readonly LevelSummary[])[];
}

/**
 * A level at a fixed number of buckets across the axis, for views zoomed out so far that a pixel holds many bars: a
 * frame then reads the buckets in view instead of every bar, so that its cost follows the pixels, not the spans. Bars
 * narrower than a bucket are kept per bucket (the one that colours it, and where the last of them ends); wider ones
 * are listed as they are, and are few, since the bars of one level rarely overlap.
 */
export interface LevelSummary {
  /** Axis units per bucket: bucket b covers [b, b + 1) × bucketUnits. */
  readonly bucketUnits: number;
  /** One element per bucket. */
  /** Per bucket, the best-ranked bar narrower than a bucket that starts in it (an error first, then `KIND_RANK`, then the earliest); -1 when none. */
  readonly best: Int32Array;
  /** Per bucket, the rank of `best` (`rankOf`). */
  readonly rank: Uint8Array;
  /** Per bucket, the latest end among the bars narrower than a bucket that start in it. */
  readonly end: Float64Array;
  /** The bars a bucket wide or wider, in start order, and their running largest end (as `levelMaxEnd`). */
  readonly wide: Int32Array;
  readonly wideMaxEnd: Float64Array;
}

/**
 * Buckets per level summary, finest first. A frame reads the coarsest whose buckets are at most a pixel wide, two
 * buckets a pixel at most, as long as the view is no wider than the finest: a 1200-pixel chart up to a 6.8x zoom,
 * where bar-by-bar culling takes over with an eighth of the trace in view.
 */
export const SUMMARY_RESOLUTIONS = [8192, 4096, 2048, 1024] as const;
/** Levels of fewer bars are culled bar by bar, which costs no more than reading the buckets. */
export const SUMMARY_MIN_BARS = 4096;

export interface FlameLayout extends FlameAxis {
  readonly traceId: string;
  readonly count: number;
  /** Drawn start, ms from the trace start, clipped into the parent's drawn range. */
  readonly start: Float64Array;
  /** Drawn duration in ms, clipped like `start`; zero-duration spans stay zero (the renderer gives them a minimum width). */
  readonly duration: Float64Array;
  /** The span's own start and duration in ms, for tooltips. */
  readonly trueStart: Float64Array;
  readonly trueDuration: Float64Array;
  readonly depth: Uint16Array;
  /** Index of the parent span, -1 for roots and orphans. */
  readonly parent: Int32Array;
  /** Time to first token in ms from the span start; NaN when the span has none. */
  readonly ttft: Float32Array;
  readonly maxDepth: number;
  /** End of the latest span, ms from the trace start. */
  readonly totalMs: number;
}

/** The host's layout, with the span id of each slot (the webview reads them from the snapshot's id string). */
export interface HostFlameLayout extends FlameLayout {
  readonly spanIds: readonly string[];
}

/** Deeper than a Uint16Array holds only through a malformed parent chain; such spans are drawn on the last row. */
const MAX_DEPTH = 0xffff;

/** `nodes` is `record.spans()`, passed when the caller already has it (each call walks the whole tree). */
export function buildFlameLayout(record: TraceRecord, nodes: readonly SpanNode[] = record.spans()): HostFlameLayout {
  const count = nodes.length;
  const traceStart = record.summary.startTimeUnixNano;
  const trueStart = new Float64Array(count);
  const trueDuration = new Float64Array(count);
  const depth = new Uint16Array(count);
  const kind = new Uint8Array(count);
  const flags = new Uint8Array(count);
  const parent = new Int32Array(count);
  const ttft = new Float32Array(count);
  const spanIds: string[] = new Array<string>(count);

  // Pre-order means a node's parent is on the stack of open ancestors; popping to it gives the parent's index
  // without a node → index map.
  const ancestors: SpanNode[] = [];
  const ancestorIndexes: number[] = [];
  let maxDepth = 0;
  let totalMs = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i]!;
    const span = node.span;
    const ai = node.ai;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== node.parent) {
      ancestors.pop();
      ancestorIndexes.pop();
    }
    const parentIndex = ancestors.length > 0 ? ancestorIndexes[ancestorIndexes.length - 1]! : -1;
    ancestors.push(node);
    ancestorIndexes.push(i);

    // Epoch nanoseconds exceed a double's exact range, offsets from the trace start do not (up to 104 days):
    // subtract as bigint, then work in doubles, which also keeps bigint arithmetic to two operations per span.
    const startNs = Number(span.startTimeUnixNano - traceStart);
    const endNs = Number(span.endTimeUnixNano - traceStart);
    const offsetMs = startNs / 1e6;
    const ownMs = endNs > startNs ? (endNs - startNs) / 1e6 : 0;
    trueStart[i] = offsetMs;
    trueDuration[i] = ownMs;
    if (offsetMs + ownMs > totalMs) totalMs = offsetMs + ownMs;

    let flag = 0;
    if (parentIndex >= 0) {
      const level = Math.min(depth[parentIndex]! + 1, MAX_DEPTH);
      depth[i] = level;
      if (level > maxDepth) maxDepth = level;
    }
    parent[i] = parentIndex;
    kind[i] = KIND_INDEX[ai.kind];
    if (span.status.code === StatusCode.Error) flag |= FlameFlag.Error;
    if (node.orphan) flag |= FlameFlag.Orphan;
    if (ai.ttftMs !== undefined) {
      flag |= FlameFlag.HasTtft;
      ttft[i] = ai.ttftMs;
    } else {
      ttft[i] = NaN;
    }
    flags[i] = flag;
    spanIds[i] = span.spanId;
  }

  const { start, duration } = clipToParents(trueStart, trueDuration, parent, flags);
  const { levels, levelMaxEnd } = buildLevels(start, duration, depth, count === 0 ? 0 : maxDepth + 1);
  const summaries = summarizeLevels({ start, duration, kind, flags, levels }, totalMs);
  return {
    traceId: record.summary.traceId,
    count,
    spanIds,
    start,
    duration,
    trueStart,
    trueDuration,
    depth,
    kind,
    flags,
    parent,
    ttft,
    maxDepth,
    totalMs,
    levels,
    levelMaxEnd,
    summaries,
  };
}

/**
 * The drawn bars: each span's range clamped into its parent's drawn range, so that a child that starts early or ends
 * late (clock skew between services, or a span kept open past its parent) stays under it. A child wholly outside its
 * parent becomes a zero-width bar at the nearer edge. Sets `FlameFlag.Clipped` where a range changed. Parents precede
 * their children (pre-order), so one pass suffices.
 */
export function clipToParents(
  trueStart: Float64Array,
  trueDuration: Float64Array,
  parent: Int32Array,
  flags: Uint8Array,
): { start: Float64Array; duration: Float64Array } {
  const count = trueStart.length;
  const start = new Float64Array(count);
  const duration = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const ownStart = trueStart[i]!;
    const ownEnd = ownStart + trueDuration[i]!;
    const parentIndex = parent[i]!;
    if (parentIndex < 0) {
      start[i] = ownStart;
      duration[i] = trueDuration[i]!;
      continue;
    }
    const parentStart = start[parentIndex]!;
    const parentEnd = parentStart + duration[parentIndex]!;
    const clippedStart = Math.min(Math.max(ownStart, parentStart), parentEnd);
    const clippedEnd = Math.min(Math.max(ownEnd, parentStart), parentEnd);
    if (clippedStart !== ownStart || clippedEnd !== ownEnd) {
      flags[i]! |= FlameFlag.Clipped;
      start[i] = clippedStart;
      duration[i] = clippedEnd - clippedStart;
    } else {
      // The exact duration, not a difference of two rounded offsets.
      start[i] = ownStart;
      duration[i] = trueDuration[i]!;
    }
  }
  return { start, duration };
}

/**
 * Per-depth index lists sorted by start. Each level is filled in pre-order, which is already sorted unless bars of an
 * earlier parent start after those of a later one (overlapping siblings); only then is it sorted. `omitEmpty` leaves
 * out zero-width bars (the token axis, where spans without tokens have no place).
 */
export function buildLevels(
  start: Float64Array,
  duration: Float64Array,
  depth: Uint16Array,
  levelCount: number,
  omitEmpty = false,
): { levels: Int32Array[]; levelMaxEnd: Float64Array[] } {
  const sizes = new Int32Array(levelCount);
  for (let i = 0; i < depth.length; i++) {
    if (!omitEmpty || duration[i]! > 0) sizes[depth[i]!]!++;
  }
  const levels = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(levelCount);
  for (let i = 0; i < depth.length; i++) {
    if (omitEmpty && !(duration[i]! > 0)) continue;
    const level = depth[i]!;
    levels[level]![filled[level]!++] = i;
  }
  for (const level of levels) {
    if (!isSortedByStart(level, start)) {
      // Array sort is a TimSort, which merges the long ascending runs a level is made of; sorting the Int32Array in
      // place with a comparator was ten times slower on a 100k-span trace.
      level.set(Array.from(level).sort((a, b) => start[a]! - start[b]! || a - b));
    }
  }
  return { levels, levelMaxEnd: levels.map((level) => maxEnds(level, start, duration)) };
}

/** The running maximum of the bars' ends along a level, which `visibleRange` searches. */
function maxEnds(level: Int32Array, start: Float64Array, duration: Float64Array): Float64Array {
  const maxEnd = new Float64Array(level.length);
  let running = -Infinity;
  for (let k = 0; k < level.length; k++) {
    const index = level[k]!;
    running = Math.max(running, start[index]! + duration[index]!);
    maxEnd[k] = running;
  }
  return maxEnd;
}

/** Per-level arrays one after the other: how the host sends levels, so that the page neither sorts nor scans. */
export function concatLevels<T extends Uint8Array | Int32Array | Float64Array>(
  levels: readonly T[],
  make: (length: number) => T,
): T {
  const all = make(levels.reduce((sum, level) => sum + level.length, 0));
  let offset = 0;
  for (const level of levels) {
    all.set(level, offset);
    offset += level.length;
  }
  return all;
}

/** Views of `concatenated`, one per level of `sizes`, as `concatLevels` laid them out. */
export function splitLevels<T extends Uint8Array | Int32Array | Float64Array>(concatenated: T, sizes: Int32Array): T[] {
  const parts: T[] = [];
  let offset = 0;
  for (const size of sizes) {
    parts.push(concatenated.subarray(offset, offset + size) as T);
    offset += size;
  }
  return parts;
}

function isSortedByStart(level: Int32Array, start: Float64Array): boolean {
  for (let k = 1; k < level.length; k++) {
    if (start[level[k]!]! < start[level[k - 1]!]!) return false;
  }
  return true;
}

/** Positions `[first, end)` in `levels[depth]`; reused by the caller so that culling allocates nothing per frame. */
export interface LevelRange {
  first: number;
  end: number;
}

/**
 * Narrows `levels[depth]` to the bars that can intersect `[from, to]`: every bar before `first` ends before `from`,
 * every bar from `end` on starts after `to`. Bars in between may still end before `from` when bars overlap.
 */
export function visibleRange(axis: FlameAxis, depth: number, from: number, to: number, out: LevelRange): LevelRange {
  const level = axis.levels[depth];
  if (level === undefined) {
    out.first = out.end = 0;
    return out;
  }
  return rangeOf(level, axis.levelMaxEnd[depth]!, axis.start, from, to, out);
}

/** `visibleRange` over any list of bars in start order with its running largest end. */
function rangeOf(
  bars: Int32Array,
  maxEnd: Float64Array,
  start: Float64Array,
  from: number,
  to: number,
  out: LevelRange,
): LevelRange {
  let low = 0;
  let high = bars.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (maxEnd[middle]! < from) low = middle + 1;
    else high = middle;
  }
  out.first = low;
  high = bars.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (start[bars[middle]!]! <= to) low = middle + 1;
    else high = middle;
  }
  out.end = low;
  return out;
}

/**
 * Receives one rectangle in viewport pixels. `index` is the span it stands for; `merged` > 1 when it stands for
 * several bars narrower than a pixel, and `index` is then the one whose kind colours it (see `forEachDrawable`).
 */
export type DrawableCallback = (index: number, x: number, width: number, merged: number) => void;

/**
 * Which sub-pixel bar colours a pixel column it shares with others, lower first: the calls a user looks for (model
 * calls, then tools) before the wrappers around them (agents, chains), whose own bars are usually wide on the rows
 * above. Errors come before all of these, so that a failure stays visible at any zoom.
 */
const KIND_RANK = Uint8Array.from(AI_KINDS, (kind) =>
  ['llm', 'embedding', 'tool', 'mcp', 'retriever', 'agent', 'chain', 'other'].indexOf(kind),
);

/** A bar's rank for colouring a pixel column, lower first: an error, then its kind's `KIND_RANK`. */
function rankOf({ kind, flags }: Pick<FlameAxis, 'kind' | 'flags'>, index: number): number {
  return flags[index]! & FlameFlag.Error ? 0 : 1 + KIND_RANK[kind[index]!]!;
}

/**
 * The summaries (`LevelSummary`) of each level of `SUMMARY_MIN_BARS` bars or more, one per `SUMMARY_RESOLUTIONS`,
 * over an axis `extent` units wide; none for the other levels, and for all of them when the axis has no width.
 */
export function summarizeLevels(axis: Omit<FlameAxis, 'levelMaxEnd' | 'summaries'>, extent: number): LevelSummary[][] {
  return axis.levels.map((level) =>
    level.length < SUMMARY_MIN_BARS || !(extent > 0)
      ? []
      : SUMMARY_RESOLUTIONS.map((buckets) => summarize(axis, level, extent / buckets, buckets)),
  );
}

function summarize(
  axis: Omit<FlameAxis, 'levelMaxEnd' | 'summaries'>,
  level: Int32Array,
  bucketUnits: number,
  buckets: number,
): LevelSummary {
  const { start, duration } = axis;
  const best = new Int32Array(buckets).fill(-1);
  const rank = new Uint8Array(buckets);
  const end = new Float64Array(buckets);
  const wide: number[] = [];
  for (let k = 0; k < level.length; k++) {
    const index = level[k]!;
    if (duration[index]! >= bucketUnits) {
      wide.push(index);
      continue;
    }
    const bucket = Math.min(buckets - 1, Math.max(0, Math.floor(start[index]! / bucketUnits)));
    const barRank = rankOf(axis, index);
    const barEnd = start[index]! + duration[index]!;
    if (best[bucket]! < 0) {
      best[bucket] = index;
      rank[bucket] = barRank;
      end[bucket] = barEnd;
      continue;
    }
    // The level is in start order, so the first bar of the best rank is the earliest.
    if (barRank < rank[bucket]!) {
      best[bucket] = index;
      rank[bucket] = barRank;
    }
    if (barEnd > end[bucket]!) end[bucket] = barEnd;
  }
  const wideBars = Int32Array.from(wide);
  return { bucketUnits, best, rank, end, wide: wideBars, wideMaxEnd: maxEnds(wideBars, start, duration) };
}

/**
 * Whether a sub-pixel bar `[left, right)` ends under the painted edge of the wide bars drawn before it, and is hidden;
 * a zero-duration bar on the edge is not.
 */
function endsUnder(left: number, right: number, paintedUntil: number): boolean {
  return right < paintedUntil || (right === paintedUntil && left < right);
}

/** Module-level scratch state, so that a frame allocates nothing (no closures, no result objects). */
const scratchRange: LevelRange = { first: 0, end: 0 };
/** The pixel column being filled by sub-pixel bars: its best-ranked bar and how many bars it holds. */
const column = { at: -1, index: -1, rank: 0, count: 0 };
/** Adjacent finished columns with the same colour and error state, drawn as one rectangle `[left, right)`. */
const run = { index: -1, left: 0, right: 0, count: 0, look: -1, drawn: 0, paintedUntil: -Infinity, freeColumn: 0 };

function flushRun(draw: DrawableCallback): void {
  draw(run.index, run.left, run.right - run.left, run.count);
  run.drawn++;
  run.paintedUntil = Math.max(run.paintedUntil, run.right);
  run.freeColumn = run.right;
  run.index = -1;
}

/** Ends the current column: it extends the run when it touches it and looks the same, or starts a new run. */
function closeColumn(draw: DrawableCallback, axis: FlameAxis): void {
  const index = column.index;
  const look = axis.kind[index]! * 2 + (axis.flags[index]! & FlameFlag.Error ? 1 : 0);
  if (run.index >= 0 && run.right === column.at && run.look === look) {
    run.right++;
    run.count += column.count;
  } else {
    if (run.index >= 0) flushRun(draw);
    run.index = index;
    run.left = column.at;
    run.right = column.at + 1;
    run.count = column.count;
    run.look = look;
  }
  column.index = -1;
}

/**
 * Calls `draw` for the rectangles of one level in the viewport that starts at `x0` (axis units) and is `viewWidthPx`
 * wide at `unitsPerPx`, in start order. Bars at least a pixel wide are drawn exactly as they are. Narrower bars
 * (zero-duration ones included) fall into the pixel column where they start, and each column gets one rectangle in
 * the colour of its best-ranked bar: an error first, then by kind (`KIND_RANK`), the earliest on a tie. Adjacent
 * columns of the same colour share one rectangle, and a narrow bar under a wide one is skipped, so that sub-pixel
 * bars cost at most one rectangle per pixel column however many spans and kinds a level holds.
 *
 * While a bucket of one of the level's summaries is no wider than a pixel, the buckets in view stand for their
 * sub-pixel bars, each placed where its colouring bar starts: the frame then reads at most two buckets a pixel, not
 * every bar.
 * The picture differs from the bar-by-bar one only where a bucket's bars straddle two pixel columns, by one pixel.
 * Returns the number of rectangles.
 */
export function forEachDrawable(
  axis: FlameAxis,
  depth: number,
  x0: number,
  unitsPerPx: number,
  viewWidthPx: number,
  draw: DrawableCallback,
): number {
  const level = axis.levels[depth];
  if (level === undefined) return 0;
  const to = x0 + viewWidthPx * unitsPerPx;
  column.index = -1;
  run.index = -1;
  run.drawn = 0;
  run.paintedUntil = -Infinity;
  run.freeColumn = 0;
  const { start, duration } = axis;
  const range = visibleRange(axis, depth, x0, to, scratchRange);
  for (let k = range.first; k < range.end; k++) {
    const index = level[k]!;
    const left = (start[index]! - x0) / unitsPerPx;
    const right = left + duration[index]! / unitsPerPx;
    // Overlapping bars that ended left of the viewport are not excluded by the binary search.
    if (right < 0) continue;
    if (right - left >= 1) {
      // Rectangles stay in start order (the renderer's labels stop where the next bar of the row begins).
      if (column.index >= 0) closeColumn(draw, axis);
      if (run.index >= 0) flushRun(draw);
      draw(index, left, right - left, 1);
      run.drawn++;
      if (right > run.paintedUntil) run.paintedUntil = right;
      continue;
    }
    // Hidden under a wide bar, or inside a column drawn before a wide bar interrupted it.
    if (endsUnder(left, right, run.paintedUntil)) continue;
    // A column is drawn once: a bar that starts in one already drawn but reaches past it moves to the next.
    const at = Math.max(Math.floor(left), run.freeColumn);
    if (at !== column.at || column.index < 0) {
      if (column.index >= 0) closeColumn(draw, axis);
      column.at = at;
      column.count = 0;
    }
    const rank = rankOf(axis, index);
    if (column.index < 0 || rank < column.rank) {
      column.index = index;
      column.rank = rank;
    }
    column.count++;
  }
  if (column.index >= 0) closeColumn(draw, axis);
  if (run.index >= 0) flushRun(draw);
  return run.drawn;
}

/** The coarsest summary whose buckets are at most a pixel wide, if any. */
function coarsestWithin(summaries: readonly LevelSummary[] | undefined, unitsPerPx: number): LevelSummary | undefined {
  if (summaries === undefined) return undefined;
  for (let r = summaries.length - 1; r >= 0; r--) if (summaries[r]!.bucketUnits <= unitsPerPx) return summaries[r];
  return undefined;
}

/**
 * Draws one level as `forEachDrawable` does, for a view zoomed out so far that one of its summaries has buckets of at
 * most a pixel: reads at most two buckets a pixel and the bars wider than a bucket, not every bar. Bars of a pixel or
 * more go to `draw` as rectangles, in start order. The sub-pixel bars are written into `columns`, one entry per pixel
 * column of the view: the span that colours the column (an error first, then by kind as in `forEachDrawable`), or -1.
 * Each bucket stands for its bars where its colouring bar starts, which puts a bar at most one pixel from where
 * `forEachDrawable` draws it. A bucket whose bars all end under a wide bar is hidden, as such bars are; when only its
 * colouring bar is, the column is where the wide bar ends. Returns false, and draws and writes nothing, when no
 * summary applies at this zoom.
 */
export function drawSummarized(
  axis: FlameAxis,
  depth: number,
  x0: number,
  unitsPerPx: number,
  viewWidthPx: number,
  columns: Int32Array,
  draw: DrawableCallback,
): boolean {
  const summary = coarsestWithin(axis.summaries[depth], unitsPerPx);
  if (summary === undefined) return false;
  const width = Math.min(columns.length, Math.ceil(viewWidthPx));
  columns.fill(-1, 0, width);
  const { start, duration } = axis;
  const { best, rank, end, wide, bucketUnits } = summary;
  const to = x0 + viewWidthPx * unitsPerPx;
  const range = rangeOf(wide, summary.wideMaxEnd, start, x0, to, scratchRange);
  let k = range.first;
  let nextWideStart = k < range.end ? start[wide[k]!]! : Infinity;
  let paintedUntil = -Infinity;
  // The column written last and the rank of its span: columns come mostly in order, so a change is rarely a revisit.
  let columnAt = -1;
  let columnRank = 0;
  const mark = (index: number, left: number, barRank: number): void => {
    // A bucket at the view's right edge may stand for bars inside it.
    const at = left < 0 ? 0 : Math.min(width - 1, Math.floor(left));
    if (at !== columnAt) {
      columnAt = at;
      columnRank = columns[at]! < 0 ? 255 : rankOf(axis, columns[at]!);
    }
    if (barRank < columnRank) {
      columns[at] = index;
      columnRank = barRank;
    }
  };
  const drawWide = (limit: number): void => {
    while (k < range.end && !(start[wide[k]!]! > limit)) {
      const index = wide[k++]!;
      const left = (start[index]! - x0) / unitsPerPx;
      const right = left + duration[index]! / unitsPerPx;
      if (right < 0) continue;
      if (right - left >= 1) {
        draw(index, left, right - left, 1);
        if (right > paintedUntil) paintedUntil = right;
      } else if (!endsUnder(left, right, paintedUntil)) {
        mark(index, left, rankOf(axis, index));
      }
    }
    nextWideStart = k < range.end ? start[wide[k]!]! : Infinity;
  };
  const lastBucket = Math.min(best.length - 1, Math.floor(to / bucketUnits));
  for (let bucket = Math.max(0, Math.floor(x0 / bucketUnits)); bucket <= lastBucket; bucket++) {
    const index = best[bucket]!;
    if (index < 0) continue;
    const barStart = start[index]!;
    if (!(barStart < nextWideStart)) drawWide(barStart);
    let left = (barStart - x0) / unitsPerPx;
    // Only a bucket that starts under a wide bar or left of the view can be hidden, wholly or but for some bars.
    if (left < paintedUntil || left < 0) {
      const latestEnd = (end[bucket]! - x0) / unitsPerPx;
      if (latestEnd < 0 || endsUnder(left, latestEnd, paintedUntil)) continue;
      // Some of its bars show, but not the one that colours it: they come out where the wide bar ends.
      if (endsUnder(left, left + duration[index]! / unitsPerPx, paintedUntil)) left = paintedUntil;
    }
    mark(index, left, rank[bucket]!);
  }
  drawWide(Infinity);
  return true;
}

/**
 * The flame chart's geometry as both sides hold it: typed arrays, one slot per span in pre-order, and per depth the
 * bars sorted by start with their running ends and their summaries for zoomed-out frames. The host builds it from the
 * store (core/flame/layout.ts) and sends it in a snapshot; the page rebuilds it from the snapshot, and builds the
 * token axis (tokenLayout.ts) with the same level functions. Frames read it through cull.ts.
 */
import { AI_KINDS } from '../aiKinds';

/** Bits of `FlameLayout.flags`. */
export const FlameFlag = {
  Error: 1,
  /** The span names a parent that has not arrived; it is drawn as a root. */
  Orphan: 2,
  HasTtft: 4,
  /** The span starts before or ends after its parent: `start`/`duration` are clipped, `trueStart`/`trueDuration` are not. */
  Clipped: 8,
} as const;

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

/**
 * Which sub-pixel bar colours a pixel column it shares with others, lower first: the calls a user looks for (model
 * calls, then tools) before the wrappers around them (agents, chains), whose own bars are usually wide on the rows
 * above. Errors come before all of these, so that a failure stays visible at any zoom.
 */
const KIND_RANK = Uint8Array.from(AI_KINDS, (kind) =>
  ['llm', 'embedding', 'tool', 'mcp', 'retriever', 'agent', 'chain', 'other'].indexOf(kind),
);

/** A bar's rank for colouring a pixel column, lower first: an error, then its kind's `KIND_RANK`. */
export function rankOf({ kind, flags }: Pick<FlameAxis, 'kind' | 'flags'>, index: number): number {
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

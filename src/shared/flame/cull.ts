/**
 * What a frame of the flame chart draws of a level: the bars in view, found by binary search, and for bars narrower
 * than a pixel one rectangle per pixel column, read from the level's summaries when zoomed out far enough. Runs on
 * every frame in the page, so nothing here allocates.
 */
import * as layout from './layout';
import type { FlameAxis, LevelSummary } from './layout';

/**
 * Module constants rather than the imports themselves: compiled to CommonJS (tsx, the tests, the benchmark), every
 * use of an imported binding is a getter call, which the per-bar loops would pay each time.
 */
const rankOf = layout.rankOf;
const ERROR_FLAG = layout.FlameFlag.Error;

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
 * Whether a sub-pixel bar `[left, right)` ends under the painted edge of the wide bars drawn before it, and is hidden;
 * a zero-duration bar on the edge is not.
 */
function endsUnder(left: number, right: number, paintedUntil: number): boolean {
  return right < paintedUntil || (right === paintedUntil && left < right);
}

/**
 * Culls the levels of one frame: which rectangles to draw for the bars in view, at most one per pixel column for bars
 * narrower than a pixel. Holds its scratch state, so that a frame allocates nothing (no closures, no result objects);
 * each renderer has its own.
 */
export class LevelCuller {
  private readonly range: LevelRange = { first: 0, end: 0 };
  /** The pixel column being filled by sub-pixel bars: its best-ranked bar and how many bars it holds. */
  private readonly column = { at: -1, index: -1, rank: 0, count: 0 };
  /** Adjacent finished columns with the same colour and error state, drawn as one rectangle `[left, right)`. */
  private readonly run = {
    index: -1,
    left: 0,
    right: 0,
    count: 0,
    look: -1,
    drawn: 0,
    paintedUntil: -Infinity,
    freeColumn: 0,
  };

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
  forEachDrawable(
    axis: FlameAxis,
    depth: number,
    x0: number,
    unitsPerPx: number,
    viewWidthPx: number,
    draw: DrawableCallback,
  ): number {
    const level = axis.levels[depth];
    if (level === undefined) return 0;
    const { column, run } = this;
    const to = x0 + viewWidthPx * unitsPerPx;
    column.index = -1;
    run.index = -1;
    run.drawn = 0;
    run.paintedUntil = -Infinity;
    run.freeColumn = 0;
    const { start, duration } = axis;
    const range = visibleRange(axis, depth, x0, to, this.range);
    for (let k = range.first; k < range.end; k++) {
      const index = level[k]!;
      const left = (start[index]! - x0) / unitsPerPx;
      const right = left + duration[index]! / unitsPerPx;
      // Overlapping bars that ended left of the viewport are not excluded by the binary search.
      if (right < 0) continue;
      if (right - left >= 1) {
        // Rectangles stay in start order (the renderer's labels stop where the next bar of the row begins).
        if (column.index >= 0) this.closeColumn(draw, axis);
        if (run.index >= 0) this.flushRun(draw);
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
        if (column.index >= 0) this.closeColumn(draw, axis);
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
    if (column.index >= 0) this.closeColumn(draw, axis);
    if (run.index >= 0) this.flushRun(draw);
    return run.drawn;
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
  drawSummarized(
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
    const range = rangeOf(wide, summary.wideMaxEnd, start, x0, to, this.range);
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

  private flushRun(draw: DrawableCallback): void {
    const run = this.run;
    draw(run.index, run.left, run.right - run.left, run.count);
    run.drawn++;
    run.paintedUntil = Math.max(run.paintedUntil, run.right);
    run.freeColumn = run.right;
    run.index = -1;
  }

  /** Ends the current column: it extends the run when it touches it and looks the same, or starts a new run. */
  private closeColumn(draw: DrawableCallback, axis: FlameAxis): void {
    const { column, run } = this;
    const index = column.index;
    const look = axis.kind[index]! * 2 + (axis.flags[index]! & ERROR_FLAG ? 1 : 0);
    if (run.index >= 0 && run.right === column.at && run.look === look) {
      run.right++;
      run.count += column.count;
    } else {
      if (run.index >= 0) this.flushRun(draw);
      run.index = index;
      run.left = column.at;
      run.right = column.at + 1;
      run.count = column.count;
      run.look = look;
    }
    column.index = -1;
  }
}

/** The coarsest summary whose buckets are at most a pixel wide, if any. */
function coarsestWithin(summaries: readonly LevelSummary[] | undefined, unitsPerPx: number): LevelSummary | undefined {
  if (summaries === undefined) return undefined;
  for (let r = summaries.length - 1; r >= 0; r--) if (summaries[r]!.bucketUnits <= unitsPerPx) return summaries[r];
  return undefined;
}

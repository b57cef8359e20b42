import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AI_KINDS } from '../../src/shared/aiKinds';
import { LevelCuller } from '../../src/shared/flame/cull';
import {
  FlameFlag,
  SUMMARY_MIN_BARS,
  SUMMARY_RESOLUTIONS,
  type FlameAxis,
  type LevelSummary,
} from '../../src/shared/flame/layout';
import { axisOf, drawables, random, type Rect } from '../support/flameSpans';

const culler = new LevelCuller();

describe('level summaries', () => {
  const kindOf = (kind: (typeof AI_KINDS)[number]) => AI_KINDS.indexOf(kind);
  const FINEST = SUMMARY_RESOLUTIONS[0];

  test('keep per bucket the bar that colours it (an error, then an LLM call, then the earliest) and list wide bars', () => {
    const bars: [number, number, number, number][] = [];
    // Bucket 0 of the finest summary: a tool, an LLM call and a failed agent; bucket 5: two tools; a bar 3 buckets wide.
    bars.push(
      [0.1, 0.2, kindOf('tool'), 0],
      [0.4, 0.2, kindOf('llm'), 0],
      [0.7, 0.2, kindOf('agent'), FlameFlag.Error],
    );
    bars.push([5.1, 0.1, kindOf('tool'), 0], [5.5, 0.1, kindOf('tool'), 0], [10, 3, kindOf('chain'), 0]);
    while (bars.length < FINEST) bars.push([100 + bars.length * 0.5, 0.25, kindOf('other'), 0]);
    const summaries = axisOf(bars, FINEST).summaries[0]!;
    assert.deepEqual(
      summaries.map((summary) => [summary.best.length, summary.bucketUnits]),
      SUMMARY_RESOLUTIONS.map((buckets) => [buckets, FINEST / buckets]),
      'one summary per resolution, finest first',
    );
    const [finest, half] = summaries as [LevelSummary, LevelSummary];
    assert.deepEqual(
      [finest.best[0], finest.end[0]],
      [2, 0.7 + 0.2],
      'the error colours its bucket, which ends with its last bar',
    );
    assert.deepEqual([finest.best[5], finest.end[5]], [3, 5.5 + 0.1], 'the earliest of equal rank');
    assert.equal(finest.best[1], -1);
    assert.deepEqual([...finest.wide], [5]);
    assert.deepEqual([...finest.wideMaxEnd], [13]);
    assert.deepEqual([half.best[2], half.end[2]], [3, 5.5 + 0.1], 'buckets 4 and 5 make bucket 2 of the next');
    for (const summary of summaries) {
      bars.forEach(([start, duration], index) => {
        if (duration >= summary.bucketUnits)
          return assert.ok(summary.wide.includes(index), `bar ${index} is listed as wide`);
        const bucket = Math.floor(start / summary.bucketUnits);
        assert.ok(
          summary.best[bucket]! >= 0 && summary.end[bucket]! >= start + duration,
          `bar ${index} is in its bucket`,
        );
      });
    }
  });

  test('are left out for levels of too few bars, and for an axis of no width', () => {
    const bars = Array.from({ length: SUMMARY_MIN_BARS - 1 }, (_, i): [number, number] => [i, 0.5]);
    assert.deepEqual(axisOf(bars, FINEST).summaries, [[]]);
    assert.deepEqual(axisOf([...bars, [0, 0]], 0).summaries, [[]]);
    assert.equal(axisOf([...bars, [0, 0]], FINEST).summaries[0]!.length, SUMMARY_RESOLUTIONS.length);
  });

  const lookOf = (axis: FlameAxis, index: number) =>
    axis.kind[index]! * 2 + (axis.flags[index]! & FlameFlag.Error ? 1 : 0);

  /** Paints a rectangle with the look (kind × 2 + error) of its span, its edges rounded to pixels as the renderer does. */
  function paint(looks: Int16Array, axis: FlameAxis, { index, x, width }: Rect): void {
    const left = Math.max(0, Math.round(x));
    const end = Math.min(looks.length, Math.max(left + 1, Math.round(x + width)));
    for (let p = left; p < end; p++) looks[p] = lookOf(axis, index);
  }

  /** The look of each pixel column as drawn bar by bar, -1 where nothing is. */
  function rasterBarByBar(axis: FlameAxis, x0: number, unitsPerPx: number, width: number): Int16Array {
    const looks = new Int16Array(width).fill(-1);
    for (const rect of drawables(axis, x0, unitsPerPx, width)) paint(looks, axis, rect);
    return looks;
  }

  /** The same from a summary, painted as the renderer does: its columns, its rectangles, then its failed columns. */
  function rasterSummarized(axis: FlameAxis, x0: number, unitsPerPx: number, width: number): Int16Array {
    const columns = new Int32Array(width);
    const rects: Rect[] = [];
    const drawn = culler.drawSummarized(axis, 0, x0, unitsPerPx, width, columns, (index, x, rectWidth, merged) =>
      rects.push({ index, x, width: rectWidth, merged }),
    );
    assert.ok(drawn, `a summary applies at ${unitsPerPx} units/px`);
    assert.ok(
      rects.every((rect) => rect.width >= 1 && rect.merged === 1),
      'rectangles only for bars of a pixel or more',
    );
    const looks = new Int16Array(width).fill(-1);
    const paintColumns = (failed: boolean) =>
      columns.forEach((index, p) => {
        if (index >= 0 && (axis.flags[index]! & FlameFlag.Error) === (failed ? FlameFlag.Error : 0))
          looks[p] = lookOf(axis, index);
      });
    paintColumns(false);
    for (const rect of rects) paint(looks, axis, rect);
    paintColumns(true);
    return looks;
  }

  test('draw a zoomed-out level as bar-by-bar culling does, give or take a pixel, and are not used zoomed in', () => {
    const next = random(11);
    const extent = 100_000;
    for (let round = 0; round < 10; round++) {
      const bars: [number, number, number, number][] = [];
      for (let at = next() * 5; at < extent; at += next() * (round + 1) * 4) {
        const wide = next() < 0.01;
        bars.push([
          at,
          wide ? next() * 2000 : next() * 10,
          Math.floor(next() * 8),
          next() < 0.02 ? FlameFlag.Error : 0,
        ]);
      }
      const summarized = axisOf(bars, extent);
      assert.equal(summarized.summaries[0]!.length, SUMMARY_RESOLUTIONS.length, `round ${round}: ${bars.length} bars`);
      const barByBar = axisOf(bars);
      const width = 400 + Math.floor(next() * 1200);
      const finestUnits = extent / FINEST;
      // The whole axis, then zooms that read each resolution, the finest at exactly a pixel per bucket.
      for (const unitsPerPx of [extent / width, finestUnits * (1 + next() * 7), finestUnits]) {
        const x0 = next() * (extent - unitsPerPx * width);
        const exact = rasterBarByBar(barByBar, x0, unitsPerPx, width);
        const read = rasterSummarized(summarized, x0, unitsPerPx, width);
        const near = (looks: Int16Array, p: number, pick: (look: number) => boolean) =>
          [p - 1, p, p + 1].some((q) => q >= 0 && q < width && pick(looks[q]!));
        for (let p = 0; p < width; p++) {
          const where = `round ${round}, ${unitsPerPx.toFixed(2)} units/px, pixel ${p}`;
          if (exact[p]! >= 0)
            assert.ok(
              near(read, p, (look) => look >= 0),
              `${where}: a bar is missing`,
            );
          // A bucket across the right edge is drawn on the last pixel, though its bars may all lie past it.
          if (read[p]! >= 0 && p < width - 1)
            assert.ok(
              near(exact, p, (look) => look >= 0),
              `${where}: a bar is made up`,
            );
          if (exact[p]! >= 0 && exact[p]! % 2 === 1)
            assert.ok(
              near(read, p, (look) => look % 2 === 1),
              `${where}: an error is hidden`,
            );
        }
      }
      // Zoomed in past a bucket a pixel, no summary applies.
      const columns = new Int32Array(1000).fill(7);
      assert.equal(
        culler.drawSummarized(summarized, 0, next() * extent * 0.9, finestUnits / 2, 1000, columns, () =>
          assert.fail(),
        ),
        false,
      );
      assert.ok(
        columns.every((index) => index === 7),
        'nothing written',
      );
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlameLayout, type HostFlameLayout } from '../../src/core/flame/layout';
import { serializeTrace, traceHeader } from '../../src/core/flame/snapshot';
import { StatusCode, type Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { AI_KINDS } from '../../src/shared/aiKinds';
import { LevelCuller, visibleRange, type LevelRange } from '../../src/shared/flame/cull';
import {
  FlameFlag,
  SUMMARY_MIN_BARS,
  SUMMARY_RESOLUTIONS,
  buildLevels,
  summarizeLevels,
  type FlameAxis,
  type LevelSummary,
} from '../../src/shared/flame/layout';
import { decodeSnapshot, emptySnapshot, spanIdAt, type TraceSnapshot } from '../../src/shared/flame/snapshot';
import { ownTokens, tokenLayout } from '../../src/shared/flame/tokenLayout';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeSpan, type PlainAttributes } from '../support/spanBuilder';
import { deserializeWebviewMessage, serializeWebviewMessage } from '../webview/webviewWire';

const T0 = DEFAULT_START_MS;
const culler = new LevelCuller();

function chat(model: string, input: number, output: number): PlainAttributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

const TOOL: PlainAttributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' };

/** A span id that spells its label (up to 8 characters): `id('a1')` → `0000000000006131`. */
function id(label: string): string {
  return Buffer.from(label).toString('hex').padStart(16, '0').slice(-16);
}

function span(
  label: string,
  parent: string | undefined,
  startMs: number,
  durationMs: number,
  attributes: PlainAttributes = {},
): Span {
  return makeSpan({
    name: label,
    spanId: id(label),
    parentSpanId: parent === undefined ? undefined : id(parent),
    startMs: T0 + startMs,
    durationMs,
    attributes,
  });
}

function recordOf(spans: Span[]): TraceRecord {
  const store = new TraceStore({ maxSpans: 1_000_000 });
  store.ingest(spans);
  return store.getTrace(DEFAULT_TRACE_ID)!;
}

function names(layout: HostFlameLayout): string[] {
  return layout.spanIds.map((spanId) => Buffer.from(spanId, 'hex').toString().replace(/^\0+/, ''));
}

function indexOf(layout: HostFlameLayout, label: string): number {
  const index = layout.spanIds.indexOf(id(label));
  assert.ok(index >= 0, `no span ${label}`);
  return index;
}

describe('buildFlameLayout', () => {
  test('lays spans out in pre-order with depth, parent and times relative to the trace start', () => {
    // Shuffled arrival: the store links them, the layout follows its pre-order.
    const layout = buildFlameLayout(
      recordOf([
        span('b1', 'b', 600, 100, TOOL),
        span('a1', 'a', 150, 150, chat('gpt-4o', 120, 30)),
        span('root', undefined, 0, 1000),
        span('b', 'root', 500, 400),
        span('a', 'root', 100, 300),
      ]),
    );
    assert.equal(layout.count, 5);
    assert.deepEqual(names(layout), ['root', 'a', 'a1', 'b', 'b1']);
    assert.deepEqual([...layout.depth], [0, 1, 2, 1, 2]);
    assert.deepEqual([...layout.parent], [-1, 0, 1, 0, 3]);
    assert.deepEqual([...layout.start], [0, 100, 150, 500, 600]);
    assert.deepEqual([...layout.duration], [1000, 300, 150, 400, 100]);
    assert.deepEqual([...layout.trueStart], [...layout.start]);
    assert.equal(layout.maxDepth, 2);
    assert.equal(layout.totalMs, 1000);
    assert.equal(AI_KINDS[layout.kind[indexOf(layout, 'a1')]!], 'llm');
    assert.equal(AI_KINDS[layout.kind[indexOf(layout, 'b1')]!], 'tool');
    assert.deepEqual([...layout.levels[1]!], [1, 3]);
  });

  test('keeps nanosecond offsets from epoch-scale start times', () => {
    const child = span('c', 'r', 0, 0);
    child.startTimeUnixNano += 1n;
    child.endTimeUnixNano += 3n;
    const layout = buildFlameLayout(recordOf([span('r', undefined, 0, 1), child]));
    // A double of epoch nanoseconds would round these to multiples of 256 ns.
    assert.equal(layout.start[1], 0.000001);
    assert.equal(layout.duration[1], 0.000002);
  });

  test('clips children to their parent for drawing and keeps the true times', () => {
    const layout = buildFlameLayout(
      recordOf([
        span('root', undefined, 100, 100),
        span('wide', 'root', 50, 200), // starts before and ends after its parent
        span('inner', 'wide', 60, 20), // inside its parent's true range, before its drawn range
        span('after', 'root', 300, 10), // wholly after its parent
      ]),
    );
    // The trace starts at the earliest span, the child that starts before its parent: offsets count from it.
    const root = indexOf(layout, 'root');
    assert.equal(layout.start[root], 50);
    assert.equal(layout.flags[root]! & FlameFlag.Clipped, 0);

    const wide = indexOf(layout, 'wide');
    assert.equal(layout.start[wide], 50);
    assert.equal(layout.duration[wide], 100);
    assert.equal(layout.trueStart[wide], 0);
    assert.equal(layout.trueDuration[wide], 200);
    assert.ok(layout.flags[wide]! & FlameFlag.Clipped);

    const inner = indexOf(layout, 'inner');
    assert.equal(layout.start[inner], 50, 'clipped to the drawn parent, so it stays under it');
    assert.equal(layout.duration[inner], 0);
    assert.equal(layout.trueStart[inner], 10);
    assert.equal(layout.trueDuration[inner], 20);

    const after = indexOf(layout, 'after');
    assert.equal(layout.start[after], 150);
    assert.equal(layout.duration[after], 0);
    assert.ok(layout.flags[after]! & FlameFlag.Clipped);
    assert.equal(layout.totalMs, 260);
  });

  test('draws orphans as roots at depth 0 until their parent arrives', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([span('orphan', 'missing', 10, 50), span('child', 'orphan', 20, 10), span('root', undefined, 0, 100)]);
    let layout = buildFlameLayout(store.getTrace(DEFAULT_TRACE_ID)!);
    assert.deepEqual(names(layout), ['root', 'orphan', 'child']);
    assert.deepEqual([...layout.depth], [0, 0, 1]);
    assert.deepEqual([...layout.parent], [-1, -1, 1]);
    assert.ok(layout.flags[1]! & FlameFlag.Orphan);
    assert.equal(layout.flags[2]! & FlameFlag.Orphan, 0);

    store.ingest([span('missing', 'root', 5, 90)]);
    layout = buildFlameLayout(store.getTrace(DEFAULT_TRACE_ID)!);
    assert.deepEqual(names(layout), ['root', 'missing', 'orphan', 'child']);
    assert.deepEqual([...layout.depth], [0, 1, 2, 3]);
    assert.equal(layout.flags[2]! & FlameFlag.Orphan, 0);
  });

  test('flags errors and TTFT, with NaN where a span has no TTFT', () => {
    const failing = makeSpan({
      name: 'fails',
      spanId: id('fails'),
      startMs: T0,
      durationMs: 10,
      status: { code: StatusCode.Error, message: 'boom' },
    });
    const streamed = span('stream', undefined, 0, 2000, {
      ...chat('gpt-4o', 10, 10),
      'gen_ai.response.time_to_first_chunk': 0.25,
    });
    const layout = buildFlameLayout(recordOf([failing, streamed]));
    const fails = indexOf(layout, 'fails');
    const stream = indexOf(layout, 'stream');
    assert.ok(layout.flags[fails]! & FlameFlag.Error);
    assert.equal(layout.flags[fails]! & FlameFlag.HasTtft, 0);
    assert.ok(Number.isNaN(layout.ttft[fails]));
    assert.ok(layout.flags[stream]! & FlameFlag.HasTtft);
    assert.equal(layout.ttft[stream], 250);
  });

  test('sorts a level by start when overlapping siblings put later children first in pre-order', () => {
    const layout = buildFlameLayout(
      recordOf([
        span('root', undefined, 0, 100),
        span('p', 'root', 0, 100),
        span('q', 'root', 10, 50),
        span('p1', 'p', 80, 10),
        span('q1', 'q', 20, 10),
      ]),
    );
    assert.deepEqual(names(layout), ['root', 'p', 'p1', 'q', 'q1']);
    const level = [...layout.levels[2]!].map((index) => names(layout)[index]);
    assert.deepEqual(level, ['q1', 'p1']);
    assert.deepEqual([...layout.levelMaxEnd[2]!], [30, 90]);
  });

  test('sorts levels of many runs and equal starts like a stable sort by start', () => {
    const next = random(7);
    for (let round = 0; round < 20; round++) {
      const count = 1 + Math.floor(next() * 400);
      // Few distinct starts, so that ties are common; runs of every length.
      const start = Float64Array.from({ length: count }, () => Math.floor(next() * 50));
      const { levels } = buildLevels(start, new Float64Array(count), new Uint16Array(count), 1);
      const expected = Array.from(start, (_, i) => i).sort((a, b) => start[a]! - start[b]! || a - b);
      assert.deepEqual([...levels[0]!], expected, `round ${round}`);
    }
  });

  test('lays out an empty record', () => {
    const record: TraceRecord = { ...recordOf([span('x', undefined, 0, 1)]), spans: () => [] };
    const layout = buildFlameLayout(record);
    assert.equal(layout.count, 0);
    assert.equal(layout.levels.length, 0);
  });
});

/** A seeded generator, so a failing random case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * A single-level axis from explicit bars (start, duration, kind, flags), for the culling and merging tests; culled bar
 * by bar, or through a level summary over `summaryExtent` units when given.
 */
function axisOf(bars: readonly (readonly [number, number, number?, number?])[], summaryExtent?: number): FlameAxis {
  const order = bars.map((_, i) => i).sort((a, b) => bars[a]![0] - bars[b]![0] || a - b);
  const start = Float64Array.from(bars, (bar) => bar[0]);
  const duration = Float64Array.from(bars, (bar) => bar[1]);
  const kind = Uint8Array.from(bars, (bar) => bar[2] ?? 0);
  const flags = Uint8Array.from(bars, (bar) => bar[3] ?? 0);
  let running = -Infinity;
  const maxEnd = Float64Array.from(order, (i) => (running = Math.max(running, start[i]! + duration[i]!)));
  const levels = [Int32Array.from(order)];
  const summaries =
    summaryExtent === undefined ? [[]] : summarizeLevels({ start, duration, kind, flags, levels }, summaryExtent);
  return { start, duration, kind, flags, levels, levelMaxEnd: [maxEnd], summaries };
}

function randomBars(next: () => number, count: number, span: number, maxDuration: number): [number, number, number][] {
  return Array.from({ length: count }, () => [
    next() * span,
    next() < 0.1 ? 0 : next() * maxDuration,
    Math.floor(next() * 3),
  ]);
}

describe('visibleRange', () => {
  test('finds exactly the bars that can intersect the window, with overlapping bars', () => {
    const next = random(7);
    const axis = axisOf(randomBars(next, 500, 1000, 80));
    const level = axis.levels[0]!;
    const range: LevelRange = { first: 0, end: 0 };
    for (let query = 0; query < 300; query++) {
      const from = next() * 1100 - 50;
      const to = from + next() * 200;
      visibleRange(axis, 0, from, to, range);
      const inRange = new Set(Array.from(level.subarray(range.first, range.end)));
      for (let k = 0; k < level.length; k++) {
        const i = level[k]!;
        const intersects = axis.start[i]! <= to && axis.start[i]! + axis.duration[i]! >= from;
        if (intersects) assert.ok(inRange.has(i), `bar ${i} intersects [${from}, ${to}] but is outside the range`);
      }
      // Nothing is cut that lies wholly outside only on the far side: the range ends at the first bar past `to`.
      if (range.end < level.length) assert.ok(axis.start[level[range.end]!]! > to);
      if (range.first > 0) assert.ok(axis.levelMaxEnd[0]![range.first - 1]! < from);
    }
  });

  test('returns an empty range for a depth the layout does not have', () => {
    const range = visibleRange(axisOf([[0, 10]]), 5, 0, 100, { first: 3, end: 9 });
    assert.deepEqual(range, { first: 0, end: 0 });
  });
});

interface Rect {
  index: number;
  x: number;
  width: number;
  merged: number;
}

function drawables(axis: FlameAxis, x0: number, unitsPerPx: number, viewWidthPx: number): Rect[] {
  const rects: Rect[] = [];
  const count = culler.forEachDrawable(axis, 0, x0, unitsPerPx, viewWidthPx, (index, x, width, merged) =>
    rects.push({ index, x, width, merged }),
  );
  assert.equal(count, rects.length);
  return rects;
}

describe('forEachDrawable', () => {
  test('draws bars of a pixel or more at their exact position', () => {
    const rects = drawables(
      axisOf([
        [10, 20],
        [40, 5],
        [500, 10],
      ]),
      0,
      2,
      100,
    );
    assert.deepEqual(rects, [
      { index: 0, x: 5, width: 10, merged: 1 },
      { index: 1, x: 20, width: 2.5, merged: 1 },
    ]);
  });

  test('gives a lone zero-duration bar one pixel', () => {
    assert.deepEqual(drawables(axisOf([[50, 0]]), 0, 1, 100), [{ index: 0, x: 50, width: 1, merged: 1 }]);
  });

  test('draws touching sub-pixel columns of one kind as one rectangle and starts another at a new kind', () => {
    const bars: [number, number, number][] = [];
    for (let i = 0; i < 100; i++) bars.push([i * 0.05, 0.04, 0]); // 100 bars in 5 px, with sub-pixel gaps
    bars.push([5.2, 0.1, 1]);
    bars.push([20, 0.1, 0]);
    const rects = drawables(axisOf(bars), 0, 1, 100);
    assert.deepEqual(rects, [
      { index: 0, x: 0, width: 5, merged: 100 },
      { index: 100, x: 5, width: 1, merged: 1 },
      { index: 101, x: 20, width: 1, merged: 1 },
    ]);
  });

  test('colours a pixel column shared by several kinds with its LLM call, or with an error when it holds one', () => {
    const kindOf = (kind: (typeof AI_KINDS)[number]) => AI_KINDS.indexOf(kind);
    // Column 3 holds a tool, an agent, an LLM call and another tool, in start order; column 4 a chain and an LLM call.
    const bars: [number, number, number, number][] = [
      [3.0, 0.2, kindOf('tool'), 0],
      [3.2, 0.1, kindOf('agent'), 0],
      [3.4, 0.2, kindOf('llm'), 0],
      [3.7, 0.2, kindOf('tool'), 0],
      [4.1, 0.1, kindOf('chain'), 0],
      [4.5, 0.2, kindOf('llm'), 0],
    ];
    const rects = drawables(axisOf(bars), 0, 1, 10);
    assert.deepEqual(rects, [{ index: 2, x: 3, width: 2, merged: 6 }], 'both columns show their LLM call, merged');
    assert.equal(AI_KINDS[bars[rects[0]!.index]![2]], 'llm');

    bars[4]![3] = FlameFlag.Error;
    assert.deepEqual(drawables(axisOf(bars), 0, 1, 10), [
      { index: 2, x: 3, width: 1, merged: 4 },
      { index: 4, x: 4, width: 1, merged: 2 },
    ]);
  });

  test('draws no more rectangles than the row has pixels when thousands of sub-pixel bars alternate kinds', () => {
    const next = random(5);
    const bars: [number, number, number][] = [];
    let at = 0;
    for (let i = 0; i < 20_000; i++) {
      bars.push([at, next() * 30, i % 3]);
      at += 30 + next() * 40; // siblings one after another, as in a sequential agent
    }
    const axis = axisOf(bars);
    const width = 1000;
    const rects = drawables(axis, 0, at / width, width);
    assert.ok(rects.length <= width, `${rects.length} rectangles for ${width} px`);
    assert.equal(
      rects.reduce((sum, rect) => sum + rect.merged, 0),
      bars.length,
      'every bar is counted in one rectangle',
    );
  });
  test('skips bars left of the viewport, including overlapped ones the search cannot exclude', () => {
    const rects = drawables(
      axisOf([
        [0, 1000],
        [10, 5],
        [20, 200],
      ]),
      100,
      1,
      50,
    );
    assert.deepEqual(
      rects.map((rect) => rect.index),
      [0, 2],
    );
    assert.equal(rects[0]!.x, -100);
  });

  test('covers every visible bar, draws each bar of a pixel or more exactly, and sub-pixel ones once per column', () => {
    const next = random(99);
    for (let round = 0; round < 20; round++) {
      const axis = axisOf(randomBars(next, 5000, 1000, next() * 20));
      const x0 = next() * 500;
      const unitsPerPx = 0.05 + next() * 3;
      const width = 200;
      const rects = drawables(axis, x0, unitsPerPx, width);
      const pixels = (i: number) => {
        const left = (axis.start[i]! - x0) / unitsPerPx;
        return { left, right: left + axis.duration[i]! / unitsPerPx };
      };
      let visible = 0;
      for (let i = 0; i < axis.start.length; i++) {
        const { left, right } = pixels(i);
        if (right < 0 || left > width) continue;
        visible++;
        const covered = rects.some((rect) => rect.x <= right + 1e-9 && rect.x + rect.width >= left - 1e-9);
        assert.ok(covered, `round ${round}: bar ${i} at [${left}, ${right}] px is not drawn`);
        if (right - left >= 1) {
          const own = rects.filter((rect) => rect.index === i);
          assert.deepEqual(own, [{ index: i, x: left, width: right - left, merged: 1 }], `round ${round}: bar ${i}`);
        }
      }
      assert.ok(rects.reduce((sum, rect) => sum + rect.merged, 0) <= visible);
      // Sub-pixel bars: whole-pixel rectangles in start order that never share a column, so at most one per column.
      const narrow = rects.filter((rect) => {
        const { left, right } = pixels(rect.index);
        return right - left < 1;
      });
      assert.ok(narrow.length <= width + 1, `${narrow.length} narrow rectangles for ${width} px`);
      for (let n = 0; n < narrow.length; n++) {
        assert.ok(Number.isInteger(narrow[n]!.x) && Number.isInteger(narrow[n]!.width) && narrow[n]!.width >= 1);
        if (n > 0)
          assert.ok(narrow[n]!.x >= narrow[n - 1]!.x + narrow[n - 1]!.width, `round ${round}: columns overlap`);
      }
    }
  });
});

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

describe('tokenLayout', () => {
  /** The token axis of a record, as the webview builds it from the snapshot. */
  function tokenAxisOf(record: TraceRecord) {
    const { layout, inputTokens, outputTokens } = decodeSnapshot(serializeTrace(record));
    return tokenLayout(layout, ownTokens(layout.kind, inputTokens, outputTokens));
  }

  test('sizes LLM bars by tokens and parents by their descendants, without double-counting wrappers', () => {
    const record = recordOf([
      span('agent', undefined, 0, 1000),
      span('plan', 'agent', 10, 100, chat('gpt-4o', 100, 50)),
      span('tool', 'agent', 200, 300, TOOL),
      span('lookup', 'tool', 210, 50),
      span('summary', 'tool', 300, 100, chat('gpt-4o-mini', 250, 50)),
      // A wrapper reporting the usage of the call inside it, as the Vercel AI SDK does.
      span('gen', 'agent', 600, 300, chat('claude', 150, 50)),
      span('doGen', 'gen', 610, 280, chat('claude', 150, 50)),
    ]);
    const layout = buildFlameLayout(record);
    const tokens = tokenAxisOf(record);
    const at = (label: string) => [tokens.start[indexOf(layout, label)], tokens.duration[indexOf(layout, label)]];
    assert.deepEqual(at('agent'), [0, 650]);
    assert.deepEqual(at('plan'), [0, 150]);
    assert.deepEqual(at('tool'), [150, 300]);
    assert.deepEqual(at('lookup'), [150, 0]);
    assert.deepEqual(at('summary'), [150, 300]);
    assert.deepEqual(at('gen'), [450, 200]);
    assert.deepEqual(at('doGen'), [450, 200]);
    assert.equal(tokens.totalTokens, 650);
    const level2 = [...tokens.levels[2]!].map((index) => names(layout)[index]);
    assert.deepEqual(level2, ['summary', 'doGen'], 'spans without tokens are left out');
  });

  test('places roots side by side and draws through forEachDrawable', () => {
    const tokens = tokenAxisOf(
      recordOf([
        span('first', undefined, 0, 10, chat('m', 30, 10)),
        span('second', undefined, 5, 10, chat('m', 50, 10)),
      ]),
    );
    assert.equal(tokens.totalTokens, 100);
    const rects: number[][] = [];
    culler.forEachDrawable(tokens, 0, 0, 1, 100, (index, x, width) => rects.push([index, x, width]));
    assert.deepEqual(rects, [
      [0, 0, 40],
      [1, 40, 60],
    ]);
  });
});

describe('trace snapshot', () => {
  const spans = [
    span('root', undefined, 0, 1000),
    span('llm', 'root', 100, 400, { ...chat('gpt-4o', 1200, 300), 'gen_ai.usage.cache_read.input_tokens': 1000 }),
    span('tool', 'root', 600, 100, TOOL),
    span('late', 'tool', 650, 200), // ends after its parent: clipped again on the webview side
    makeSpan({
      name: 'mcp fails',
      spanId: id('mcp'),
      parentSpanId: id('root'),
      startMs: T0 + 700,
      durationMs: 50,
      attributes: { 'mcp.method.name': 'tools/call' },
      status: { code: StatusCode.Error, message: 'tool not found' },
    }),
  ];

  function hasNoBigintOrMap(value: unknown, path = 'snapshot'): void {
    assert.notEqual(typeof value, 'bigint', `${path} is a bigint`);
    assert.ok(!(value instanceof Map) && !(value instanceof Set), `${path} is a Map or Set`);
    if (ArrayBuffer.isView(value)) {
      // Typed arrays go to the page as binary: each must own its buffer, which VS Code sends whole.
      assert.equal(value.byteOffset, 0, `${path} is a view into a larger buffer`);
      assert.equal(value.byteLength, value.buffer.byteLength, `${path} is a view into a larger buffer`);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      assert.ok(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype, `${path} is not plain data`);
      for (const [key, child] of Object.entries(value)) hasNoBigintOrMap(child, `${path}.${key}`);
    }
  }

  /** The snapshot after VS Code's trip to the page: JSON text with the typed arrays' buffers beside it. */
  function delivered(snapshot: TraceSnapshot): TraceSnapshot {
    return deserializeWebviewMessage(serializeWebviewMessage(snapshot)) as TraceSnapshot;
  }

  test('is plain data with typed arrays that survives structured clone and VS Code’s message serialization', () => {
    const snapshot = serializeTrace(recordOf(spans));
    hasNoBigintOrMap(snapshot);
    assert.deepEqual(structuredClone(snapshot), snapshot);
    const wire = serializeWebviewMessage(snapshot);
    assert.equal(
      wire.buffers.length,
      Object.keys(snapshot.columns).length + 1,
      'one binary buffer per column and the ids',
    );
    assert.deepEqual(delivered(snapshot), snapshot);

    // 500 more spans of one name and model add nothing per span to the JSON part.
    const repeated = Array.from({ length: 500 }, (_, i) =>
      makeSpan({
        spanId: id(`r${i}`),
        parentSpanId: id('root'),
        name: 'chat',
        startMs: T0 + i,
        durationMs: 1,
        attributes: chat('gpt-4o', 1, 1),
      }),
    );
    const grown = serializeWebviewMessage(serializeTrace(recordOf([...spans, ...repeated])));
    const perSpan = (grown.json.length - wire.json.length) / repeated.length;
    assert.ok(perSpan < 0.1, `${perSpan} JSON characters per span`);
  });

  test('decodes back to the layout the host built, NaN included', () => {
    const record = recordOf(spans);
    const layout = buildFlameLayout(record);
    const snapshot = delivered(serializeTrace(record));
    const decoded = decodeSnapshot(snapshot);
    for (const key of [
      'start',
      'duration',
      'trueStart',
      'trueDuration',
      'depth',
      'kind',
      'flags',
      'parent',
      'ttft',
    ] as const) {
      assert.deepEqual(decoded.layout[key], layout[key], key);
    }
    assert.deepEqual(decoded.layout.levels, layout.levels);
    assert.deepEqual(decoded.layout.levelMaxEnd, layout.levelMaxEnd);
    assert.deepEqual(decoded.layout.summaries, [[], [], []], 'levels this small are culled bar by bar');
    assert.deepEqual(
      Array.from({ length: layout.count }, (_, i) => spanIdAt(snapshot.spanIds, i)),
      layout.spanIds,
    );
    assert.equal(decoded.layout.maxDepth, layout.maxDepth);
    const late = indexOf(layout, 'late');
    assert.ok(decoded.layout.flags[late]! & FlameFlag.Clipped);
    assert.equal(decoded.layout.duration[late], 50);
    assert.equal(decoded.layout.trueDuration[late], 200, 'a clipped span keeps its own duration');
    assert.deepEqual([...snapshot.columns.clipped], [late], 'only clipped spans send their own range');
    const kinds = AI_KINDS.filter((_, kind) => snapshot.presentKinds & (1 << kind));
    assert.deepEqual(
      kinds,
      AI_KINDS.filter((_, kind) => layout.kind.includes(kind)),
      'the legend lists the kinds present',
    );
    assert.ok(kinds.includes('mcp') && kinds.includes('llm'));
    assert.equal(snapshot.presentFlags, FlameFlag.Error | FlameFlag.Clipped, 'one span failed, one was clipped');
    const llm = indexOf(layout, 'llm');
    assert.equal(decoded.inputTokens[llm], 1200);
    assert.equal(decoded.outputTokens[llm], 300);
    assert.equal(decoded.cachedTokens[llm], 1000);
    assert.ok(Number.isNaN(decoded.inputTokens[indexOf(layout, 'tool')]));
  });

  test('carries the level summaries of a large trace to the page', () => {
    const children = Array.from({ length: SUMMARY_RESOLUTIONS[0] + 100 }, (_, i) =>
      span(`c${i}`, 'root', i * 0.2, i % 50 === 0 ? 3 : 0.1, i % 3 === 0 ? chat('gpt-4o', 1, 1) : TOOL),
    );
    const record = recordOf([span('root', undefined, 0, 2000), ...children]);
    const layout = buildFlameLayout(record);
    assert.equal(layout.summaries[0]!.length, 0);
    assert.equal(layout.summaries[1]!.length, SUMMARY_RESOLUTIONS.length);
    const decoded = decodeSnapshot(delivered(serializeTrace(record)));
    assert.deepEqual(decoded.layout.summaries, layout.summaries);
    const draw = (axis: FlameAxis) => {
      const columns = new Int32Array(1000);
      const rects: Rect[] = [];
      const drawn = culler.drawSummarized(axis, 1, 0, layout.totalMs / 1000, 1000, columns, (index, x, width, merged) =>
        rects.push({ index, x, width, merged }),
      );
      assert.ok(drawn, 'a summary applies to the whole trace');
      return { columns, rects };
    };
    const drawn = draw(decoded.layout);
    assert.deepEqual(drawn, draw(layout));
    assert.ok(
      drawn.columns.some((index) => index >= 0),
      'sub-pixel bars are drawn as columns',
    );
    assert.ok(drawn.rects.length > 0, 'wide bars as rectangles');
  });

  test('carries the labels and tooltips text per span, each distinct text once', () => {
    const snapshot = serializeTrace(recordOf([...spans, span('llm2', 'root', 800, 100, chat('gpt-4o', 10, 5))]));
    const text = (column: ArrayLike<number>) => Array.from(column, (index) => snapshot.strings[index]);
    assert.deepEqual(text(snapshot.columns.name), ['root', 'llm', 'tool', 'late', 'mcp fails', 'llm2']);
    assert.deepEqual(text(snapshot.columns.model), ['', 'gpt-4o', '', '', '', 'gpt-4o']);
    assert.deepEqual(text(snapshot.columns.statusMessage), ['', '', '', '', 'tool not found', '']);
    assert.equal(new Set(snapshot.strings).size, snapshot.strings.length);
  });

  test('rejects a column of the wrong length or type', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const withColumn = (key: keyof TraceSnapshot['columns'], value: unknown) =>
      ({ ...snapshot, columns: { ...snapshot.columns, [key]: value } }) as TraceSnapshot;
    assert.throws(
      () => decodeSnapshot(withColumn('flags', snapshot.columns.flags.slice(0, 4))),
      /column flags holds 4 elements, expected 5/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('depth', new Float64Array(snapshot.count))),
      /column depth holds no Uint16Array/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('name', new Float32Array(snapshot.count))),
      /column name holds no string indexes/,
    );
    assert.throws(() => decodeSnapshot({ ...snapshot, spanIds: snapshot.spanIds.slice(1) }), RangeError);
    assert.throws(
      () => decodeSnapshot(withColumn('clippedTrueStart', new Float64Array(0))),
      /column clippedTrueStart holds 0 elements, expected 1/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('levelOrder', snapshot.columns.levelOrder.slice(1))),
      /column levelOrder holds 4 elements/,
    );
  });

  test('rejects level and summary sizes that do not add up to the columns', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const withColumn = (key: keyof TraceSnapshot['columns'], value: Int32Array) => ({
      ...snapshot,
      columns: { ...snapshot.columns, [key]: value },
    });
    assert.throws(
      () => decodeSnapshot(withColumn('levelSizes', Int32Array.of(1, 3, 0))),
      /the levels hold other than 5 spans/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('levelSizes', Int32Array.of(1, 5, -1))),
      /column levelSizes holds the size -1/,
    );
    const sizes = 3 * SUMMARY_RESOLUTIONS.length;
    const none = () => new Int32Array(sizes).fill(-1);
    const short = new RegExp(`column summaryWideSizes holds ${sizes - 1} elements, expected ${sizes}`);
    assert.throws(() => decodeSnapshot(withColumn('summaryWideSizes', none().subarray(1))), short);
    // The finest summary of depth 1, said to be there with no wide bars: its buckets are not.
    const one = none();
    one[SUMMARY_RESOLUTIONS.length] = 0;
    const missing = new RegExp(`column summaryBest holds 0 elements, expected ${SUMMARY_RESOLUTIONS[0]}`);
    assert.throws(() => decodeSnapshot(withColumn('summaryWideSizes', one)), missing);
  });

  test('a text index outside the table reads as no text rather than failing the page', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const name = snapshot.columns.name.slice();
    name[2] = snapshot.strings.length;
    assert.equal(decodeSnapshot({ ...snapshot, columns: { ...snapshot.columns, name } }).layout.count, 5);
  });

  test('the empty snapshot the page shows while the trace is on its way decodes to no bars', () => {
    const decoded = decodeSnapshot(emptySnapshot(DEFAULT_TRACE_ID));
    assert.equal(decoded.layout.traceId, DEFAULT_TRACE_ID);
    assert.equal(decoded.layout.count, 0);
    assert.deepEqual(decoded.layout.levels, []);
    assert.ok(
      emptySnapshot(DEFAULT_TRACE_ID).version < serializeTrace(recordOf(spans)).version,
      'any real snapshot is newer',
    );
  });

  test('header: duration, call counts, errors and tokens by model', () => {
    const record = recordOf([...spans, span('llm2', 'root', 800, 100, chat('gpt-4o-mini', 10, 5))]);
    const header = traceHeader(record.summary);
    assert.equal(header.rootName, 'root');
    assert.equal(header.startUnixMs, T0);
    assert.equal(header.durationMs, 1000);
    assert.equal(header.spanCount, 6);
    assert.equal(header.errorCount, 1);
    assert.equal(header.llmCalls, 2);
    assert.equal(header.toolCalls, 1);
    assert.equal(header.mcpCalls, 1);
    assert.deepEqual(
      header.byModel.map(({ model, calls, inputTokens, outputTokens }) => [model, calls, inputTokens, outputTokens]),
      [
        ['gpt-4o', 1, 1200, 300],
        ['gpt-4o-mini', 1, 10, 5],
      ],
    );
    assert.notEqual(header.byModel[0], record.summary.byModel[0], 'a copy, not the store’s live object');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AI_KINDS } from '../../src/shared/aiKinds';
import { visibleRange, type LevelRange } from '../../src/shared/flame/cull';
import { FlameFlag } from '../../src/shared/flame/layout';
import { axisOf, drawables, random, randomBars } from '../support/flameSpans';

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

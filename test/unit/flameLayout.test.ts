import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlameLayout } from '../../src/core/flame/layout';
import { StatusCode } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { AI_KINDS } from '../../src/shared/aiKinds';
import { FlameFlag, buildLevels } from '../../src/shared/flame/layout';
import { T0, TOOL, chat, id, indexOf, names, random, recordOf, span } from '../support/flameSpans';
import { DEFAULT_TRACE_ID, makeSpan } from '../support/spanBuilder';

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

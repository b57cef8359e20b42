import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import { AGENT_TREE, agentTrace, chatAttributes, dumpTree, makeTestSpan, MS } from './traceStoreSpans';

describe('TraceStore tree building', () => {
  test('in-order ingest builds the tree with siblings by start time, then end time', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(agentTrace());
    assert.equal(dumpTree(store.getTrace('t1')!), AGENT_TREE);
  });

  test('out-of-order arrival across several ingests gives the same tree as in-order', () => {
    const [root, chat1, usage, tool, chat2, retry] = agentTrace();
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([chat2!]);
    store.ingest([retry!, chat1!]);
    store.ingest([tool!]);
    store.ingest([usage!, root!]);
    assert.equal(dumpTree(store.getTrace('t1')!), AGENT_TREE);
    assert.equal(store.spanCount, 6);
  });

  test('children that arrive before their parent are visible orphans until it arrives', () => {
    const [root, chat1, , tool, chat2] = agentTrace();
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([chat2!, chat1!]);
    const trace = store.getTrace('t1')!;
    assert.equal(dumpTree(trace), ['chat1 (orphan)', 'chat2 (orphan)'].join('\n'));
    assert.equal(trace.summary.rootName, 'chat1', 'with only orphans the earliest span names the trace');

    store.ingest([tool!]);
    assert.equal(dumpTree(trace), ['chat1 (orphan)', 'tool (orphan)', '  chat2'].join('\n'));
    assert.equal(trace.getSpan('chat2')!.parent, trace.getSpan('tool'));

    store.ingest([root!]);
    assert.equal(dumpTree(trace), ['invoke_agent planner', '  chat1', '  tool', '    chat2'].join('\n'));
    assert.equal(trace.summary.rootName, 'invoke_agent planner');
    assert.equal(trace.getSpan('tool')!.orphan, false);
  });

  test('a late root adopts thousands of waiting children in order', () => {
    const store = new TraceStore({ maxSpans: 10_000 });
    const children = Array.from({ length: 5000 }, (_, i) =>
      makeTestSpan({ id: `c${String(i).padStart(4, '0')}`, parent: 'root', start: 10 + (i % 50) }),
    );
    for (let i = children.length - 100; i >= 0; i -= 100) store.ingest(children.slice(i, i + 100));
    const trace = store.getTrace('t1')!;
    assert.equal(trace.roots.length, 5000);
    store.ingest([makeTestSpan({ id: 'root', start: 0, end: 100 })]);
    assert.deepEqual(
      trace.roots.map((node) => node.span.spanId),
      ['root'],
    );
    const expected = [...children]
      .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano) || (a.spanId < b.spanId ? -1 : 1))
      .map((span) => span.spanId);
    assert.deepEqual(
      trace.roots[0]!.children.map((node) => node.span.spanId),
      expected,
    );
    assert.ok(trace.roots[0]!.children.every((node) => !node.orphan));
  });

  test('a span whose parent never arrives stays an orphan root next to the real root', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([
      makeTestSpan({ id: 'lost', parent: 'missing', start: 1 }),
      makeTestSpan({ id: 'root', start: 5 }),
      makeTestSpan({ id: 'child', parent: 'root', start: 6 }),
    ]);
    const trace = store.getTrace('t1')!;
    assert.equal(dumpTree(trace), ['lost (orphan)', 'root', '  child'].join('\n'));
    assert.equal(trace.summary.rootName, 'root', 'an orphan never names the trace once a real root exists');
  });

  test('a span naming itself as parent, and a parent cycle, become orphans without hanging', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([makeTestSpan({ id: 'self', parent: 'self', start: 1 })]);
    store.ingest([makeTestSpan({ id: 'a', parent: 'b', start: 2 })]);
    store.ingest([makeTestSpan({ id: 'b', parent: 'c', start: 3 })]);
    store.ingest([makeTestSpan({ id: 'c', parent: 'a', start: 4 })]);
    const trace = store.getTrace('t1')!;
    assert.equal(dumpTree(trace), ['self (orphan)', 'c (orphan)', '  b', '    a'].join('\n'));
    assert.equal(trace.spans().length, 4);
    assert.equal(trace.getSpan('self')!.children.length, 0);
  });

  test('deep chains in either arrival order link fully and list in pre-order', () => {
    const depth = 20_000;
    const chain = Array.from({ length: depth }, (_, i) =>
      makeTestSpan({ id: `s${i}`, parent: i === 0 ? undefined : `s${i - 1}`, start: i }),
    );
    for (const order of [chain, [...chain].reverse()]) {
      const store = new TraceStore({ maxSpans: depth });
      for (let i = 0; i < order.length; i += 1000) store.ingest(order.slice(i, i + 1000));
      const trace = store.getTrace('t1')!;
      assert.equal(trace.roots.length, 1);
      const spans = trace.spans();
      assert.deepEqual(
        spans.map((node) => node.span.spanId),
        chain.map((span) => span.spanId),
      );
      assert.equal(spans[depth - 1]!.parent, spans[depth - 2]);
      assert.ok(spans.every((node) => !node.orphan));
    }
  });

  test('spans() lists parents before children and siblings by start time', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([...agentTrace()].reverse());
    store.ingest([makeTestSpan({ id: 'stray', parent: 'gone', start: 70 })]);
    assert.deepEqual(
      store
        .getTrace('t1')!
        .spans()
        .map((node) => node.span.spanId),
      ['root', 'usage', 'chat1', 'tool', 'retry', 'chat2', 'stray'],
    );
  });
});

describe('TraceStore duplicates', () => {
  test('a retried span replaces the old copy without double counting', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const llm = (input: number) =>
      makeTestSpan({
        id: 'chat1',
        parent: 'root',
        start: 10,
        end: 40,
        error: true,
        attributes: chatAttributes('gpt-4o', input, 5),
      });
    store.ingest([...agentTrace().filter((span) => span.spanId !== 'chat1'), llm(100)]);
    const result = store.ingest([llm(100), llm(120)]);
    assert.deepEqual(result, { accepted: 2, duplicates: 2 });

    const trace = store.getTrace('t1')!;
    assert.equal(store.spanCount, 6);
    assert.equal(trace.summary.spanCount, 6);
    assert.equal(trace.summary.errorCount, 1);
    assert.equal(trace.summary.callCounts.llm, 1);
    assert.deepEqual(trace.summary.tokens, { inputTokens: 120, outputTokens: 5, cachedTokens: 0, reasoningTokens: 0 });
    assert.deepEqual(trace.summary.byModel, [
      {
        model: 'gpt-4o',
        calls: 1,
        inputTokens: 120,
        outputTokens: 5,
        cachedTokens: 0,
        reasoningTokens: 0,
        estimatedCalls: 0,
      },
    ]);
    assert.equal(trace.getSpan('chat1')!.ai.inputTokens, 120, 'the latest copy wins');
    assert.equal(dumpTree(trace), AGENT_TREE);
  });

  test('replacing a parent keeps its children attached and re-sorts it among its siblings', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(agentTrace());
    store.ingest([makeTestSpan({ id: 'tool', parent: 'root', start: 5, end: 90 })]);
    const trace = store.getTrace('t1')!;
    assert.equal(
      dumpTree(trace),
      ['invoke_agent planner', '  tool', '    retry', '    chat2', '  usage', '  chat1'].join('\n'),
    );
    const tool = trace.getSpan('tool')!;
    assert.ok(tool.children.every((child) => child.parent === tool));
    assert.equal(tool.span.startTimeUnixNano, 5n * MS);
  });

  test('a replacement that moves a span to another parent updates both sides', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(agentTrace());
    store.ingest([makeTestSpan({ id: 'chat1', parent: 'tool', start: 10, end: 40 })]);
    const trace = store.getTrace('t1')!;
    assert.equal(
      dumpTree(trace),
      ['invoke_agent planner', '  usage', '  tool', '    chat1', '    retry', '    chat2'].join('\n'),
    );
    assert.equal(trace.getSpan('root')!.children.length, 2);
  });

  test('replacing the earliest span recomputes the trace start, end and name', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([
      makeTestSpan({ id: 'a', name: 'first', start: 0, end: 500 }),
      makeTestSpan({ id: 'b', parent: 'a', start: 20, end: 30 }),
    ]);
    store.ingest([makeTestSpan({ id: 'a', name: 'renamed', start: 10, end: 40 })]);
    const summary = store.getTrace('t1')!.summary;
    assert.equal(summary.startTimeUnixNano, 10n * MS);
    assert.equal(summary.endTimeUnixNano, 40n * MS);
    assert.equal(summary.durationMs, 30);
    assert.equal(summary.rootName, 'renamed');
    assert.equal(dumpTree(store.getTrace('t1')!), ['renamed', '  b'].join('\n'));
  });
});

/** Deterministic PRNG so that a failing seed can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('TraceStore property: arrival order does not matter', () => {
  for (const seed of [1, 2, 3, 42, 1234, 99_999]) {
    test(`random forest, shuffled into random batches (seed ${seed})`, () => {
      const random = mulberry32(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const spans: Span[] = [];
      const expectedParent = new Map<string, string | undefined>();
      const traceCount = 1 + pick(4);
      for (let t = 0; t < traceCount; t++) {
        const trace = `trace${t}`;
        const ids: string[] = [];
        const size = 1 + pick(300);
        for (let i = 0; i < size; i++) {
          const id = `${t}-${i}`;
          // Several roots per trace, a few spans whose parent never arrives, otherwise a random earlier span as
          // parent; starts collide on purpose.
          const roll = random();
          const parent = i === 0 || roll < 0.05 ? undefined : roll < 0.08 ? `lost-${id}` : ids[pick(ids.length)];
          spans.push(
            makeTestSpan({ trace, id, parent, start: pick(50), attributes: chatAttributes('m', 1 + pick(9), 1) }),
          );
          expectedParent.set(`${trace}/${id}`, parent);
          ids.push(id);
        }
      }
      const generated = [...spans];
      for (let i = spans.length - 1; i > 0; i--) {
        const j = pick(i + 1);
        [spans[i], spans[j]] = [spans[j]!, spans[i]!];
      }
      // Retries: some spans arrive twice, as separate copies, anywhere in the stream.
      const arrivals = [...spans];
      const retried = spans.filter(() => random() < 0.1);
      for (const span of retried) arrivals.splice(pick(arrivals.length + 1), 0, { ...span });

      const store = new TraceStore({ maxSpans: 100_000 });
      let duplicates = 0;
      for (let i = 0; i < arrivals.length;) {
        const size = 1 + pick(60);
        duplicates += store.ingest(arrivals.slice(i, i + size)).duplicates;
        i += size;
        // Reading between ingests, as the tree does, must not disturb later linking.
        if (random() < 0.3) store.getTrace(`trace${pick(traceCount)}`)?.spans();
      }

      assert.equal(duplicates, retried.length, `seed ${seed}`);
      assert.equal(store.spanCount, spans.length, `seed ${seed}`);
      // Generation order is parents-first: the in-order reference.
      const inOrder = new TraceStore({ maxSpans: 100_000 });
      inOrder.ingest(generated);
      for (const trace of store.traces()) {
        const listed = trace.spans();
        assert.equal(listed.length, trace.summary.spanCount, `seed ${seed}`);
        for (const node of listed) {
          const key = `${trace.summary.traceId}/${node.span.spanId}`;
          const parentId = expectedParent.get(key);
          const lost = parentId?.startsWith('lost-') ?? false;
          assert.equal(node.parent?.span.spanId, lost ? undefined : parentId, `seed ${seed}: parent of ${key}`);
          assert.equal(node.orphan, lost, `seed ${seed}: ${key}`);
          for (let i = 1; i < node.children.length; i++) {
            const [a, b] = [node.children[i - 1]!.span, node.children[i]!.span];
            assert.ok(
              a.startTimeUnixNano < b.startTimeUnixNano ||
                (a.startTimeUnixNano === b.startTimeUnixNano && a.spanId < b.spanId),
              `seed ${seed}: children of ${key} out of order`,
            );
          }
        }
        const reference = inOrder.getTrace(trace.summary.traceId)!;
        assert.equal(dumpTree(trace), dumpTree(reference), `seed ${seed}`);
        const { version: _version, ...summary } = trace.summary;
        const { version: _referenceVersion, ...referenceSummary } = reference.summary;
        assert.deepEqual(summary, referenceSummary, `seed ${seed}`);
      }
    });
  }
});

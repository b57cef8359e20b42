import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatusCode, type AttributeValue, type Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { SpanNode, StoreChange, TraceRecord } from '../../src/core/store/types';
import { makeSpan } from '../support/spanBuilder';

const MS = 1_000_000n;

/** Tree-shaped fields in the terms these tests think in; everything else is the shared builder's default. */
interface SpanFields {
  trace?: string;
  id: string;
  parent?: string;
  name?: string;
  /** Milliseconds from an arbitrary epoch. */
  start: number;
  end?: number;
  error?: boolean;
  service?: string;
  attributes?: Record<string, AttributeValue>;
}

function makeTestSpan(fields: SpanFields): Span {
  return makeSpan({
    traceId: fields.trace ?? 't1',
    spanId: fields.id,
    parentSpanId: fields.parent,
    name: fields.name ?? fields.id,
    startMs: fields.start,
    durationMs: (fields.end ?? fields.start + 1) - fields.start,
    status: { code: fields.error ? StatusCode.Error : StatusCode.Unset },
    serviceName: fields.service,
    attributes: fields.attributes,
  });
}

/** OTel GenAI model call attributes, which the classifier recognises as an `llm` (or `embedding`) span. */
function chatAttributes(model: string, input: number, output: number): Record<string, AttributeValue> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

/** One line per span, indented by depth, in pre-order: compares whole trees in one assertion. */
function dumpTree(record: TraceRecord): string {
  const lines: string[] = [];
  const visit = (node: SpanNode, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${node.span.name}${node.orphan ? ' (orphan)' : ''}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of record.roots) visit(root, 0);
  return lines.join('\n');
}

function recordChanges(store: TraceStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return changes;
}

/** A small agent trace: invoke_agent → (chat, tool → chat), plus a sibling with the same start as the first chat
 * that ends first but sorts after it by span id. */
function agentTrace(trace = 't1'): Span[] {
  return [
    makeTestSpan({ trace, id: 'root', name: 'invoke_agent planner', start: 0, end: 100, service: 'agent-svc' }),
    makeTestSpan({ trace, id: 'chat1', parent: 'root', start: 10, end: 40 }),
    makeTestSpan({ trace, id: 'usage', parent: 'root', start: 10, end: 12 }),
    makeTestSpan({ trace, id: 'tool', parent: 'root', start: 50, end: 90 }),
    makeTestSpan({ trace, id: 'chat2', parent: 'tool', start: 60, end: 80 }),
    makeTestSpan({ trace, id: 'retry', parent: 'tool', start: 55, end: 58 }),
  ];
}

const AGENT_TREE = ['invoke_agent planner', '  usage', '  chat1', '  tool', '    retry', '    chat2'].join('\n');

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
      { model: 'gpt-4o', calls: 1, inputTokens: 120, outputTokens: 5, cachedTokens: 0, reasoningTokens: 0 },
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

describe('TraceStore summaries', () => {
  test('token totals come from llm and embedding spans only; wrappers repeating usage are not summed', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([
      makeTestSpan({
        id: 'agent',
        name: 'invoke_agent',
        start: 0,
        end: 100,
        service: 'app',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': 'planner',
          'gen_ai.usage.input_tokens': 350,
          'gen_ai.usage.output_tokens': 60,
        },
      }),
      makeTestSpan({
        id: 'c1',
        parent: 'agent',
        start: 1,
        attributes: { ...chatAttributes('gpt-4o', 100, 20), 'gen_ai.response.model': 'gpt-4o-2024-08-06' },
      }),
      makeTestSpan({ id: 'c2', parent: 'agent', start: 2, attributes: chatAttributes('gpt-4o', 200, 40) }),
      makeTestSpan({
        id: 'e1',
        parent: 'agent',
        start: 3,
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 50,
        },
      }),
      makeTestSpan({
        id: 'c3',
        parent: 'agent',
        start: 4,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.output_tokens': 7 },
      }),
    ]);
    const summary = store.getTrace('t1')!.summary;
    assert.deepEqual(summary.tokens, { inputTokens: 350, outputTokens: 67, cachedTokens: 0, reasoningTokens: 0 });
    assert.equal(summary.callCounts.llm, 3);
    assert.equal(summary.callCounts.embedding, 1);
    const total = Object.values(summary.callCounts).reduce((sum, count) => sum + count, 0);
    assert.equal(total, 5, 'every span is counted under exactly one kind');
    assert.deepEqual(
      summary.byModel.map((totals) => [totals.model, totals.calls, totals.inputTokens, totals.outputTokens]),
      [
        ['gpt-4o', 1, 200, 40],
        ['gpt-4o-2024-08-06', 1, 100, 20],
        ['text-embedding-3-small', 1, 50, 0],
        ['unknown', 1, 0, 7],
      ],
      'keyed by response model, else request model, else "unknown"; most tokens first',
    );
  });

  test('start, end, duration, service, error count and version', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([makeTestSpan({ id: 'late', parent: 'root', start: 40, end: 250, error: true, service: 'worker' })]);
    const trace = store.getTrace('t1')!;
    assert.equal(trace.summary.service, 'worker', 'without a root any span names the service');
    const firstVersion = trace.summary.version;

    store.ingest([makeTestSpan({ id: 'root', start: 10, end: 200, service: 'frontend' })]);
    const summary = trace.summary;
    assert.equal(summary.service, 'frontend');
    assert.equal(summary.startTimeUnixNano, 10n * MS);
    assert.equal(summary.endTimeUnixNano, 250n * MS);
    assert.equal(summary.durationMs, 240);
    assert.equal(summary.errorCount, 1);
    assert.ok(summary.version > firstVersion);
  });
});

describe('TraceStore listing and change events', () => {
  test('traces() is newest first by start time, ties by trace id, and follows start changes', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([
      makeTestSpan({ trace: 'b', id: 'x', start: 100 }),
      makeTestSpan({ trace: 'a', id: 'x', start: 100 }),
      makeTestSpan({ trace: 'c', id: 'x', start: 300 }),
      makeTestSpan({ trace: 'd', id: 'x', start: 50 }),
    ]);
    const ids = () => store.traces().map((trace) => trace.summary.traceId);
    assert.deepEqual(ids(), ['c', 'a', 'b', 'd']);

    store.ingest([makeTestSpan({ trace: 'c', id: 'early', parent: 'x', start: 10 })]);
    assert.deepEqual(ids(), ['a', 'b', 'd', 'c']);

    const listed = store.traces();
    listed.reverse();
    assert.deepEqual(ids(), ['a', 'b', 'd', 'c'], 'callers cannot disturb the cached order');
  });

  test('onDidChange fires once per ingest with the touched traces', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const changes = recordChanges(store);
    store.ingest([...agentTrace('t1'), ...agentTrace('t2'), makeTestSpan({ trace: 't1', id: 'extra', start: 3 })]);
    store.ingest([]);
    assert.equal(changes.length, 1);
    assert.deepEqual([...changes[0]!.updated].sort(), ['t1', 't2']);
    assert.deepEqual(changes[0]!.removed, []);
    assert.equal(changes[0]!.cleared, false);
  });
});

describe('TraceStore bounds', () => {
  const fill = (store: TraceStore, traceId: string, count: number, start = 0) =>
    store.ingest(
      Array.from({ length: count }, (_, i) =>
        makeTestSpan({ trace: traceId, id: `s${i}`, parent: i === 0 ? undefined : 's0', start: start + i }),
      ),
    );

  test('evicts whole traces, least recently updated first, and reports them', () => {
    const store = new TraceStore({ maxSpans: 10 });
    const changes = recordChanges(store);
    fill(store, 'old', 4);
    fill(store, 'mid', 4);
    store.ingest([makeTestSpan({ trace: 'old', id: 'late', parent: 's0', start: 9 })]);
    fill(store, 'new', 3);

    assert.equal(store.evictedTraces, 1);
    assert.equal(store.getTrace('mid'), undefined, 'the trace updated longest ago goes first');
    assert.deepEqual(
      store.traces().map((trace) => trace.summary.traceId),
      ['new', 'old'],
    );
    assert.equal(store.spanCount, 8);
    assert.equal(store.traceCount, 2);
    assert.deepEqual(changes.at(-1), { updated: ['new'], removed: ['mid'], cleared: false });
  });

  test('a trace touched in the batch is evicted only if it is not the most recent; its id is then only in removed', () => {
    const store = new TraceStore({ maxSpans: 5 });
    const changes = recordChanges(store);
    store.ingest([
      makeTestSpan({ trace: 'a', id: 'a1', start: 1 }),
      makeTestSpan({ trace: 'a', id: 'a2', start: 2 }),
      makeTestSpan({ trace: 'a', id: 'a3', start: 3 }),
      makeTestSpan({ trace: 'b', id: 'b1', start: 4 }),
      makeTestSpan({ trace: 'b', id: 'b2', start: 5 }),
      makeTestSpan({ trace: 'b', id: 'b3', start: 6 }),
    ]);
    assert.deepEqual(changes, [{ updated: ['b'], removed: ['a'], cleared: false }]);
    assert.equal(store.spanCount, 3);
  });

  test('a single trace larger than the cap is kept whole', () => {
    const store = new TraceStore({ maxSpans: 5 });
    fill(store, 'small', 2);
    fill(store, 'huge', 8);
    assert.equal(store.getTrace('small'), undefined);
    assert.equal(store.getTrace('huge')!.summary.spanCount, 8);
    assert.equal(store.spanCount, 8);
    assert.equal(store.evictedTraces, 1);

    fill(store, 'next', 1);
    assert.equal(store.getTrace('huge'), undefined, 'the oversized trace goes once a newer trace arrives');
    assert.equal(store.spanCount, 1);
    assert.equal(store.evictedTraces, 2);
  });

  test('setMaxSpans shrinking evicts immediately and fires one change', () => {
    const store = new TraceStore({ maxSpans: 100 });
    fill(store, 'a', 5);
    fill(store, 'b', 5);
    fill(store, 'c', 5);
    const changes = recordChanges(store);
    store.setMaxSpans(6);
    assert.deepEqual(changes, [{ updated: [], removed: ['a', 'b'], cleared: false }]);
    assert.equal(store.spanCount, 5);
    assert.equal(store.evictedTraces, 2);

    store.setMaxSpans(50);
    assert.equal(changes.length, 1, 'growing the cap changes nothing');
    assert.throws(() => store.setMaxSpans(0), RangeError);
    assert.throws(() => new TraceStore({ maxSpans: 1.5 }), RangeError);
  });

  test('clear() empties the store, resets the eviction count and fires once', () => {
    const store = new TraceStore({ maxSpans: 5 });
    fill(store, 'a', 4);
    fill(store, 'b', 4);
    assert.equal(store.evictedTraces, 1);
    const changes = recordChanges(store);
    store.clear();
    assert.deepEqual(changes, [{ updated: [], removed: ['b'], cleared: true }]);
    assert.equal(store.spanCount, 0);
    assert.equal(store.traceCount, 0);
    assert.equal(store.evictedTraces, 0);
    assert.deepEqual(store.traces(), []);

    fill(store, 'a', 2);
    assert.equal(store.getTrace('a')!.summary.spanCount, 2, 'a cleared trace id starts afresh');
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

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TraceStore } from '../../src/core/store/traceStore';
import type { StoreChange } from '../../src/core/store/types';
import { agentTrace, chatAttributes, makeTestSpan, MS } from './traceStoreSpans';

function recordChanges(store: TraceStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return changes;
}

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

/**
 * Adding data `older` than everything held (the durable store loaded newest first): the trace, log and metric stores
 * put it first in eviction order and keep arrival order, while the rest behaves as for a normal add.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Metric } from '../../src/core/otlp/metricModel';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import type { StoreChange } from '../../src/core/store/types';
import { makeLogRecord } from '../support/logBuilder';
import { makeResource, makeScope, toAttributeMap } from '../support/spanBuilder';
import { gatewaySpan } from './gatewaySpans';
import { dumpTree, makeTestSpan } from './traceStoreSpans';

/** A trace of one span, or of several when given more ids. */
const spansOf = (trace: string, ...ids: string[]) =>
  (ids.length > 0 ? ids : ['root']).map((id) => makeTestSpan({ trace, id: `${trace}-${id}`, start: 0 }));

/** The order in which the store evicts its traces (each of one span), found by lowering its bound step by step. */
function evictionOrder(store: TraceStore): string[] {
  const removed: string[] = [];
  store.onDidChange((change) => removed.push(...change.removed));
  for (let bound = store.spanCount - 1; bound >= 1; bound--) store.setMaxSpans(bound);
  return [...removed, ...store.traces().map((trace) => trace.summary.traceId)];
}

function recordChanges(store: TraceStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return changes;
}

describe('TraceStore older ingest', () => {
  test('new traces go first in eviction order, in the order of their spans, before those held', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([...spansOf('a'), ...spansOf('b')]);
    store.ingest([...spansOf('c'), ...spansOf('d')], { older: true });
    store.ingest([...spansOf('e'), ...spansOf('f')], { older: true });
    assert.deepEqual(evictionOrder(store), ['e', 'f', 'c', 'd', 'a', 'b']);
  });

  test('a normal ingest still makes a trace the most recent; an older one leaves the traces it joins in place', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([...spansOf('a'), ...spansOf('b'), ...spansOf('c')]);
    store.ingest(spansOf('a', 'late'));
    store.ingest([...spansOf('b', 'early'), ...spansOf('d')], { older: true });
    assert.equal(store.getTrace('b')!.summary.spanCount, 2);
    // Each trace of two spans needs two steps of the bound; the order is read from the first removals.
    const removed: string[] = [];
    store.onDidChange((change) => removed.push(...change.removed));
    for (let bound = store.spanCount - 1; bound >= 1; bound--) store.setMaxSpans(bound);
    assert.deepEqual(removed, ['d', 'b', 'c']);
    assert.equal(store.traces()[0]!.summary.traceId, 'a');
  });

  test('the change event, counts and duplicates are those of a normal ingest', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest(spansOf('a', 'x'));
    const changes = recordChanges(store);
    const result = store.ingest([...spansOf('a', 'x', 'y'), ...spansOf('b', 'z')], { older: true });
    assert.deepEqual(result, { accepted: 3, duplicates: 1 });
    assert.deepEqual(changes, [{ updated: ['a', 'b'], removed: [], cleared: false }]);
    assert.deepEqual([store.traceCount, store.spanCount, store.evictedTraces], [2, 3, 0]);
    assert.deepEqual(
      store.traces().map((trace) => trace.summary.spanCount),
      [2, 1],
    );
  });

  test('an older ingest past the bound evicts what it brought, oldest first, not the traces held', () => {
    const store = new TraceStore({ maxSpans: 3 });
    store.ingest([...spansOf('a'), ...spansOf('b')]);
    const changes = recordChanges(store);
    store.ingest([...spansOf('c'), ...spansOf('d')], { older: true });
    assert.deepEqual(changes[0]?.removed, ['c']);
    assert.deepEqual(evictionOrder(store), ['d', 'a', 'b']);
  });

  test('a lone gateway call loaded as older joins its app call, which keeps its place', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const appCall = makeTestSpan({
      trace: 'app',
      id: 'chat',
      name: 'chat gpt-4o',
      start: 10,
      end: 1900,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
    });
    store.ingest([appCall, ...spansOf('newer')]);
    const changes = recordChanges(store);
    store.ingest([gatewaySpan({ trace: 'lone', id: 'gw', start: 25, end: 1880 })], { older: true });
    assert.deepEqual(changes, [{ updated: ['app'], removed: ['lone'], cleared: false }]);
    assert.equal(dumpTree(store.getTrace('app')!), 'chat gpt-4o\n  chat gpt-4o');
    assert.deepEqual([store.traceCount, store.spanCount], [2, 3]);
    const removed: string[] = [];
    store.onDidChange((change) => removed.push(...change.removed));
    store.setMaxSpans(1);
    assert.deepEqual(removed, ['app']);
  });
});

describe('LogStore older add', () => {
  test('older records come first in arrival order and are evicted first', () => {
    const logs = new LogStore({ maxRecords: 10 });
    logs.add([makeLogRecord({ traceId: 't', spanId: 's', body: 'new' })]);
    logs.add([makeLogRecord({ traceId: 't', spanId: 's', body: 'old 1' }), makeLogRecord({ body: 'old no trace' })], {
      older: true,
    });
    logs.add([makeLogRecord({ traceId: 't', spanId: 's', body: 'oldest' })], { older: true });
    // Same times: the stable sort by time keeps arrival order.
    assert.deepEqual(
      logs.forSpan('t', 's').map((record) => record.body),
      ['oldest', 'old 1', 'new'],
    );
    logs.setMaxRecords(2);
    assert.deepEqual(
      logs.forSpan('t', 's').map((record) => record.body),
      ['new'],
    );
    assert.deepEqual(
      logs.uncorrelated().map((record) => record.body),
      ['old no trace'],
    );
    assert.equal(logs.evictedRecords, 2);
  });

  test('only the newest older records that fit are kept; the rest count as evicted and nothing held goes', () => {
    const logs = new LogStore({ maxRecords: 3 });
    logs.add([makeLogRecord({ body: 'held 1' }), makeLogRecord({ body: 'held 2' })]);
    const changes: string[][] = [];
    logs.onDidChange((change) => changes.push([...change.updatedTraces]));
    logs.add(
      ['old 1', 'old 2', 'old 3'].map((body) => makeLogRecord({ traceId: 't', body })),
      { older: true },
    );
    assert.deepEqual(
      logs.forTrace('t').map((record) => record.body),
      ['old 3'],
    );
    assert.deepEqual(
      logs.uncorrelated().map((record) => record.body),
      ['held 1', 'held 2'],
    );
    assert.deepEqual([logs.recordCount, logs.evictedRecords], [3, 2]);
    assert.deepEqual(changes, [['t']]);
  });
});

function gauge(name: string, values: number[]): Metric {
  return {
    name,
    description: '',
    unit: 's',
    data: {
      type: 'gauge',
      dataPoints: values.map((value) => ({
        attributes: toAttributeMap({}),
        startTimeUnixNano: 0n,
        timeUnixNano: BigInt(value),
        flags: 0,
        value,
        exemplars: [],
      })),
    },
    resource: makeResource('agent'),
    scope: makeScope('meter'),
  };
}

const values = (metrics: MetricStore, name: string) =>
  metrics.query({ name }).map((stored) => (stored.point as { value: number }).value);

describe('MetricStore older add', () => {
  test('series loaded newest batch first still come out in arrival (time) order, and the oldest are evicted first', () => {
    const metrics = new MetricStore({ maxPoints: 100 });
    metrics.add([gauge('gen_ai.latency', [5, 6])]);
    metrics.add([gauge('gen_ai.latency', [3, 4]), gauge('gen_ai.other', [30])], { older: true });
    metrics.add([gauge('gen_ai.latency', [1, 2]), gauge('http.duration', [9])], { older: true });
    assert.deepEqual(values(metrics, 'gen_ai.latency'), [1, 2, 3, 4, 5, 6]);
    assert.equal(metrics.droppedPoints, 1);
    metrics.setMaxPoints(4);
    assert.deepEqual(values(metrics, 'gen_ai.latency'), [4, 5, 6]);
    assert.deepEqual(values(metrics, 'gen_ai.other'), [30]);
    assert.equal(metrics.evictedPoints, 3);
  });

  test('only the newest older points that fit are kept; the rest count as evicted', () => {
    const metrics = new MetricStore({ maxPoints: 3 });
    metrics.add([gauge('gen_ai.latency', [10])]);
    const result = metrics.add([gauge('gen_ai.latency', [1, 2, 3, 4])], { older: true });
    assert.deepEqual(result, { kept: 4, dropped: 0 });
    assert.deepEqual(values(metrics, 'gen_ai.latency'), [3, 4, 10]);
    assert.deepEqual([metrics.pointCount, metrics.evictedPoints], [3, 2]);
  });
});

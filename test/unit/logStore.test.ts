import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogStore, type LogStoreChange } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { makeLogRecord } from '../support/logBuilder';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';

const TRACE_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TRACE_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SPAN_1 = '1111111111111111';
const SPAN_2 = '2222222222222222';

const bodies = (records: readonly { body: unknown }[]) => records.map((record) => record.body);

describe('LogStore', () => {
  test('records join their span by trace and span id, in time order, whichever arrived first', () => {
    const traces = new TraceStore({ maxSpans: 1000 });
    const logs = new LogStore({ maxRecords: 100 });
    logs.add([
      makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1, timeMs: DEFAULT_START_MS + 20, body: 'second' }),
      makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1, timeMs: DEFAULT_START_MS + 10, body: 'first' }),
      makeLogRecord({ traceId: TRACE_A, spanId: SPAN_2, body: 'other span' }),
      makeLogRecord({ traceId: TRACE_A, body: 'trace only' }),
      makeLogRecord({ body: 'uncorrelated' }),
    ]);
    // The span arrives after its logs: the join happens on read, nothing to re-link.
    traces.ingest([makeSpan({ traceId: TRACE_A, spanId: SPAN_1 })]);
    const span = traces.getTrace(TRACE_A)!.getSpan(SPAN_1)!.span;
    assert.deepEqual(bodies(logs.forSpan(span.traceId, span.spanId)), ['first', 'second']);
    assert.deepEqual(bodies(logs.forSpan(TRACE_A, SPAN_2)), ['other span']);
    assert.equal(logs.forTrace(TRACE_A).length, 4);
    assert.deepEqual(bodies(logs.uncorrelated()), ['uncorrelated']);
    assert.deepEqual(logs.forSpan('', ''), [], 'no span has empty ids');
    assert.equal(logs.recordCount, 5);
  });

  test('bounded: the oldest records are evicted first and counted', () => {
    const logs = new LogStore({ maxRecords: 3 });
    for (let index = 0; index < 5; index++) {
      logs.add([makeLogRecord({ traceId: TRACE_A, spanId: index % 2 === 0 ? SPAN_1 : SPAN_2, body: index })]);
    }
    assert.equal(logs.recordCount, 3);
    assert.equal(logs.evictedRecords, 2);
    assert.deepEqual(bodies(logs.forSpan(TRACE_A, SPAN_1)), [2, 4]);
    assert.deepEqual(bodies(logs.forSpan(TRACE_A, SPAN_2)), [3]);
  });

  test('a lower bound evicts the oldest records at once and names their traces; a higher one keeps what is there', () => {
    const logs = new LogStore({ maxRecords: 10 });
    logs.add(
      [TRACE_A, TRACE_B, TRACE_A, TRACE_B].map((traceId, index) =>
        makeLogRecord({ traceId, spanId: SPAN_1, body: index }),
      ),
    );
    const changes: LogStoreChange[] = [];
    logs.onDidChange((change) => changes.push(change));
    logs.setMaxRecords(20);
    assert.deepEqual(changes, [], 'nothing evicted, nothing to tell');
    logs.setMaxRecords(1);
    assert.deepEqual(changes, [{ updatedTraces: [TRACE_A, TRACE_B], cleared: false }]);
    assert.equal(logs.recordCount, 1);
    assert.equal(logs.evictedRecords, 3);
    assert.deepEqual(bodies(logs.forSpan(TRACE_B, SPAN_1)), [3]);
    logs.add([makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1, body: 4 })]);
    assert.deepEqual(
      changes[1],
      { updatedTraces: [TRACE_A, TRACE_B], cleared: false },
      "the add evicted trace B's record",
    );
    assert.throws(() => logs.setMaxRecords(0), RangeError);
    assert.equal(logs.recordCount, 1, 'a rejected bound changes nothing');
  });

  test('a trace evicted from the trace store takes its records along; clearing the traces clears the logs', () => {
    const traces = new TraceStore({ maxSpans: 1000 });
    const logs = new LogStore({ maxRecords: 100 });
    const following = logs.followTraces(traces);
    traces.ingest([makeSpan({ traceId: TRACE_A, spanId: SPAN_1 })]);
    logs.add([
      makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1 }),
      makeLogRecord({ traceId: TRACE_B, spanId: SPAN_2 }),
    ]);
    // 1000 spans of trace B push trace A out.
    traces.ingest(Array.from({ length: 1000 }, () => makeSpan({ traceId: TRACE_B })));
    assert.equal(traces.getTrace(TRACE_A), undefined);
    assert.deepEqual(logs.forSpan(TRACE_A, SPAN_1), []);
    assert.equal(logs.forSpan(TRACE_B, SPAN_2).length, 1);
    assert.equal(logs.recordCount, 1);
    assert.equal(logs.evictedRecords, 0, 'records that went with their trace are not bound evictions');

    traces.clear();
    assert.equal(logs.recordCount, 0);
    assert.deepEqual(logs.forTrace(TRACE_B), []);
    following.dispose();
    logs.add([makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1 })]);
    traces.ingest([makeSpan({ traceId: TRACE_A, spanId: SPAN_1 })]);
    traces.clear();
    assert.equal(logs.recordCount, 1, 'no longer following');
  });

  test('the bound still holds after traces were removed (removed records are skipped, not counted twice)', () => {
    const logs = new LogStore({ maxRecords: 1500 });
    for (let index = 0; index < 3000; index++) {
      logs.add([makeLogRecord({ traceId: index % 2 === 0 ? TRACE_A : TRACE_B, spanId: SPAN_1, body: index })]);
      if (index === 999) logs.removeTrace(TRACE_A);
    }
    assert.equal(logs.recordCount, 1500);
    const kept = [...logs.forSpan(TRACE_A, SPAN_1), ...logs.forSpan(TRACE_B, SPAN_1)].map(
      (record) => record.body as number,
    );
    assert.deepEqual(
      kept.sort((a, b) => a - b),
      Array.from({ length: 1500 }, (_, index) => 1500 + index),
    );
    assert.equal(logs.evictedRecords, 1000, '3000 added, 500 went with trace A, 1000 evicted');
  });

  test('change events name the traces that gained records, and say when cleared', () => {
    const logs = new LogStore({ maxRecords: 10 });
    const changes: LogStoreChange[] = [];
    logs.onDidChange((change) => changes.push(change));
    logs.add([
      makeLogRecord({ traceId: TRACE_A, spanId: SPAN_1 }),
      makeLogRecord({ traceId: TRACE_B, spanId: SPAN_1 }),
    ]);
    logs.add([]);
    logs.clear();
    assert.deepEqual(changes, [
      { updatedTraces: [TRACE_A, TRACE_B], cleared: false },
      { updatedTraces: [], cleared: true },
    ]);
    assert.equal(logs.recordCount, 0);
  });

  test('rejects a bound that is not a positive integer', () => {
    assert.throws(() => new LogStore({ maxRecords: 0 }), RangeError);
    assert.throws(() => new LogStore({ maxRecords: 1.5 }), RangeError);
  });
});

/**
 * The Statistics view's pure parts: which traces a scope covers (falling back to every trace when its traces are
 * gone), how its tables sort (missing figures last either way), and which page messages the host accepts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveStatsScope } from '../../src/core/stats/statsScope';
import { TraceStore } from '../../src/core/store/traceStore';
import { parseFromStatsView } from '../../src/shared/statsProtocol';
import { sortRows, type Column } from '../../webview/stats/columns';
import { makeSpan } from '../support/spanBuilder';

const TURN_1 = '1'.repeat(32);
const TURN_2 = '2'.repeat(32);
const LONE = '3'.repeat(32);
const SPAN = 'a'.repeat(16);

function storeWithSession(): TraceStore {
  const store = new TraceStore({ maxSpans: 1000 });
  store.ingest([
    makeSpan({ traceId: TURN_1, name: 'turn 1', attributes: { 'session.id': 'chat-7' } }),
    makeSpan({ traceId: TURN_2, name: 'turn 2', attributes: { 'session.id': 'chat-7' } }),
    makeSpan({ traceId: LONE, name: 'script run' }),
  ]);
  return store;
}

describe('resolveStatsScope', () => {
  test('all traces, a conversation’s turns, or one trace named by its root span', () => {
    const store = storeWithSession();
    const ids = (choice: Parameters<typeof resolveStatsScope>[1]) =>
      resolveStatsScope(store, choice)
        .traces.map((trace) => trace.summary.traceId)
        .sort();
    assert.deepEqual(ids({ kind: 'all' }), [TURN_1, TURN_2, LONE]);
    assert.deepEqual(ids({ kind: 'session', sessionId: 'chat-7' }), [TURN_1, TURN_2]);
    assert.deepEqual(resolveStatsScope(store, { kind: 'session', sessionId: 'chat-7' }).scope, {
      kind: 'session',
      sessionId: 'chat-7',
      traces: 2,
    });
    assert.deepEqual(resolveStatsScope(store, { kind: 'trace', traceId: LONE }).scope, {
      kind: 'trace',
      traceId: LONE,
      name: 'script run',
    });
  });

  test('a scope whose traces are gone covers every trace instead', () => {
    const store = storeWithSession();
    const gone = '9'.repeat(32);
    assert.deepEqual(resolveStatsScope(store, { kind: 'trace', traceId: gone }).scope, { kind: 'all', traces: 3 });
    assert.deepEqual(resolveStatsScope(store, { kind: 'session', sessionId: 'other' }).scope, {
      kind: 'all',
      traces: 3,
    });
  });
});

describe('sortRows', () => {
  interface Row {
    name: string;
    ms: number | undefined;
  }
  const columns: Column<Row>[] = [
    {
      key: 'name',
      title: 'Name',
      description: 'Name',
      numeric: false,
      text: (row) => row.name,
      sortValue: (row) => row.name,
    },
    { key: 'ms', title: 'ms', description: 'ms', numeric: true, text: String, sortValue: (row) => row.ms },
  ];
  const rows: Row[] = [
    { name: 'b', ms: 20 },
    { name: 'a', ms: undefined },
    { name: 'c', ms: 5 },
    { name: 'd', ms: 20 },
  ];
  const names = (key: string, descending: boolean) =>
    sortRows(rows, columns, { key, descending }).map((row) => row.name);

  test('either way by a column, ties in their incoming order, missing values last', () => {
    assert.deepEqual(names('ms', true), ['b', 'd', 'c', 'a']);
    assert.deepEqual(names('ms', false), ['c', 'b', 'd', 'a']);
    assert.deepEqual(names('name', false), ['a', 'b', 'c', 'd']);
    assert.deepEqual(names('name', true), ['d', 'c', 'b', 'a']);
  });
});

describe('parseFromStatsView', () => {
  const valid = [
    { type: 'ready' },
    { type: 'showAllTraces' },
    { type: 'openSpan', traceId: TURN_1, spanId: SPAN },
    { type: 'reportError', message: 'boom' },
  ];
  const invalid = [
    null,
    'ready',
    [],
    { type: 'nope' },
    { type: 'toString' },
    { type: 'ready', extra: 1 },
    { type: 'openSpan', traceId: TURN_1 },
    { type: 'openSpan', traceId: 'not a trace id', spanId: SPAN },
    { type: 'openSpan', traceId: TURN_1, spanId: SPAN, which: 'latest' },
    { type: 'reportError', message: 'x'.repeat(5000) },
  ];

  test('accepts exactly the messages of the protocol', () => {
    for (const message of valid) assert.deepEqual(parseFromStatsView(message), message);
    for (const message of invalid) assert.equal(parseFromStatsView(message), undefined, JSON.stringify(message));
  });
});

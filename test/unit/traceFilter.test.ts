import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTraceQL, type TraceQuery } from '../../src/core/traceql';
import { TraceFilter } from '../../src/core/traceql/traceFilter';
import { makeSpan } from '../support/spanBuilder';
import { traceqlStore } from './traceqlStore';

/** The query, counting how often it is evaluated. */
function counted(text: string): { query: TraceQuery; evaluations: () => number } {
  const query = parseTraceQL(text);
  let evaluations = 0;
  return {
    query: {
      text,
      matchTrace: (trace) => {
        evaluations++;
        return query.matchTrace(trace);
      },
    },
    evaluations: () => evaluations,
  };
}

test('a trace matches through its matching spans, evaluated once per version of the trace', () => {
  const store = traceqlStore();
  const { query, evaluations } = counted('{ .ai.kind = "llm" }');
  const filter = new TraceFilter(query);
  const agent = store.getTrace('t1')!;
  assert.deepEqual([...filter.matchingSpans(agent)].sort(), ['chat1', 'chat2']);
  assert.equal(filter.matchesTrace(agent), true);
  assert.equal(filter.matchesTrace(store.getTrace('t2')!), false);
  assert.equal(evaluations(), 2);

  // A new span makes a new version of the trace, which is evaluated again.
  store.ingest([
    makeSpan({
      traceId: 't2',
      spanId: 'late',
      parentSpanId: 'req',
      name: 'chat gpt-4o-mini',
      attributes: { 'gen_ai.operation.name': 'chat' },
    }),
  ]);
  assert.equal(filter.matchesTrace(store.getTrace('t2')!), true);
  assert.equal(evaluations(), 3);
});

test('forgotten and cleared traces are evaluated afresh', () => {
  const store = traceqlStore();
  const { query, evaluations } = counted('{ }');
  const filter = new TraceFilter(query);
  const trace = store.getTrace('t3')!;
  filter.matchesTrace(trace);
  filter.forget(['t3']);
  filter.matchesTrace(trace);
  filter.clear();
  filter.matchesTrace(trace);
  assert.equal(evaluations(), 3);
});

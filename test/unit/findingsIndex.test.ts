/**
 * FindingsIndex following a TraceStore as spans arrive: findings appear when a growing trace trips a rule, go when a
 * replaced span no longer does, and go with their trace when it is cleared or evicted; only changed traces are
 * evaluated again, and each change is announced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FindingsIndex, type FindingsChange } from '../../src/core/findings/findingsIndex';
import { DEFAULT_FINDINGS_OPTIONS } from '../../src/core/findings/types';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { StoreChange, TraceRecord } from '../../src/core/store/types';
import { agentSpan, FINDINGS_TRACE, llmSpan, toolSpan } from '../support/findingSpans';

const OTHER_TRACE = 'e2'.repeat(16);

/** A store and an index updated synchronously from each of its changes, with the index's events recorded. */
function live(maxSpans = 10_000) {
  const store = new TraceStore({ maxSpans });
  const index = new FindingsIndex(store);
  const events: FindingsChange[] = [];
  index.onDidChange((event) => events.push(event));
  store.onDidChange((change) => index.update(change));
  return { store, index, events };
}

const rulesOf = (index: FindingsIndex, traceId: string) => index.forTrace(traceId).map((finding) => finding.rule);

test('a trace that looks fine until its third identical tool call arrives', () => {
  const { store, index, events } = live();
  const agent = agentSpan('planner', { at: 0 });
  const call = (i: number) => toolSpan({ parent: agent, at: i * 100, tool: 'read_file', args: '{"path":"a"}' });
  store.ingest([agent, call(1), call(2)]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), []);
  const third = call(3);
  store.ingest([third]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), ['tool-loop']);
  assert.equal(index.forTrace(FINDINGS_TRACE)[0]!.spanId, third.spanId);
  assert.equal(index.count, 1);
  assert.deepEqual(events.at(-1), { updated: [FINDINGS_TRACE], removed: [] });
});

test('a truncated answer replaced by a complete copy of the same span loses its finding', () => {
  const { store, index } = live();
  const truncated = llmSpan({ at: 0, finish: 'length' });
  store.ingest([truncated]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), ['truncated-output']);
  store.ingest([llmSpan({ at: 0, spanId: truncated.spanId, finish: 'stop' })]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), []);
  assert.equal(index.count, 0);
});

test('LLM calls that arrive before their agent span are flagged on the agent span once it comes', () => {
  const { store, index } = live();
  // The LLM calls arrive first, naming an agent that is not there yet: each is a root of the trace's own run.
  const agent = agentSpan('planner', { at: 0 });
  const calls = Array.from({ length: 26 }, (_, i) => llmSpan({ parent: agent, at: 1000 * (i + 1) }));
  store.ingest(calls);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), ['agent-steps']);
  assert.equal(index.forTrace(FINDINGS_TRACE)[0]!.spanId, calls[0]!.spanId);
  store.ingest([agent]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), ['agent-steps']);
  assert.equal(index.forTrace(FINDINGS_TRACE)[0]!.spanId, agent.spanId, 'now flagged on the agent span');
});

test('findings go with their trace on clear and on eviction', () => {
  const { store, index, events } = live(3);
  store.ingest([llmSpan({ at: 0, error: '429' })]);
  store.ingest([llmSpan({ at: 0, traceId: OTHER_TRACE, finish: 'length' })]);
  assert.equal(index.count, 2);
  // Two more spans in the other trace push the store past three spans: the first trace is evicted.
  store.ingest([1, 2].map((i) => llmSpan({ at: i * 1000, traceId: OTHER_TRACE })));
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), []);
  assert.deepEqual(events.at(-1), { updated: [OTHER_TRACE], removed: [FINDINGS_TRACE] });
  store.clear();
  assert.equal(index.count, 0);
  assert.deepEqual(index.all(), []);
  assert.deepEqual(events.at(-1), { updated: [], removed: [OTHER_TRACE] });
});

test('only the traces a change lists are evaluated again', () => {
  const store = new TraceStore({ maxSpans: 100 });
  store.ingest([llmSpan({ at: 0, error: 'boom' })]);
  store.ingest([llmSpan({ at: 0, traceId: OTHER_TRACE, error: 'boom' })]);
  const read: string[] = [];
  const source = {
    getTrace: (traceId: string): TraceRecord | undefined => {
      read.push(traceId);
      return store.getTrace(traceId);
    },
    traces: () => store.traces(),
  };
  const index = new FindingsIndex(source);
  index.reset();
  assert.equal(index.count, 2);
  read.length = 0;
  const change: StoreChange = { updated: [OTHER_TRACE], removed: [], cleared: false };
  index.update(change);
  assert.deepEqual(read, [OTHER_TRACE]);
  assert.equal(index.count, 2);
});

test('a trace listed as updated but gone from the store (merged changes) is dropped', () => {
  const store = new TraceStore({ maxSpans: 100 });
  store.ingest([llmSpan({ at: 0, error: 'boom' })]);
  const index = new FindingsIndex(store);
  index.reset();
  assert.equal(index.count, 1);
  store.clear();
  index.update({ updated: [FINDINGS_TRACE], removed: [], cleared: false });
  assert.equal(index.count, 0);
});

test("slow-ttft's p95 takes in the samples of every trace evaluated so far", () => {
  const { store, index } = live();
  const fast = (traceIndex: number): Span[] =>
    Array.from({ length: 5 }, (_, i) =>
      llmSpan({ at: i * 2000, traceId: traceIndex.toString(16).padStart(32, '0'), ttftS: 0.5 }),
    );
  for (let t = 1; t <= 4; t++) store.ingest(fast(t));
  // 20 samples at 0.5 s: the next call at 1.5 s is above their p95.
  store.ingest([llmSpan({ at: 0, ttftS: 1.5 })]);
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), ['slow-ttft']);
  assert.equal(index.forTrace(FINDINGS_TRACE)[0]!.severity, 'information');
  // Without the p95 only the absolute threshold applies, and 1.5 s is under it.
  index.reset({ ...DEFAULT_FINDINGS_OPTIONS, slowTtftMinSamples: 100 });
  assert.deepEqual(rulesOf(index, FINDINGS_TRACE), []);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Span } from '../../src/core/model';
import { SessionIndex } from '../../src/core/sessions';
import { CLOCK_SKEW_NANOS } from '../../src/core/store/gatewayJoin';
import { TraceStore } from '../../src/core/store/traceStore';
import type { StoreChange, TraceRecord } from '../../src/core/store/types';
import { gatewaySpan } from './gatewaySpans';
import { chatAttributes, dumpTree, makeTestSpan } from './traceStoreSpans';

const APP = 'app-trace';
const LONE = 'lone-trace';

/** The app's model call as the OTel openai instrumentation records a stream: no TTFT and no usage. */
function appCall(fields: { trace?: string; id?: string; parent?: string; model?: string; start: number; end: number }) {
  return makeTestSpan({
    trace: fields.trace ?? APP,
    id: fields.id ?? 'chat',
    parent: fields.parent,
    name: `chat ${fields.model ?? 'gpt-4o'}`,
    start: fields.start,
    end: fields.end,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': fields.model ?? 'gpt-4o' },
  });
}

/** An agent run around one model call, whose HTTP client span propagated `traceparent` to the gateway. */
function appTrace(): Span[] {
  return [
    makeTestSpan({ trace: APP, id: 'agent', name: 'invoke_agent', start: 0, end: 2000, service: 'my-app' }),
    appCall({ parent: 'agent', start: 10, end: 1900 }),
    makeTestSpan({ trace: APP, id: 'http', parent: 'chat', name: 'POST', start: 20, end: 1890 }),
  ];
}

const throughTraceparent = () => gatewaySpan({ trace: APP, id: 'gw', parent: 'http', start: 25, end: 1880 });

function recordChanges(store: TraceStore): StoreChange[] {
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return changes;
}

function callCountSum(trace: TraceRecord): number {
  return Object.values(trace.summary.callCounts).reduce((sum, count) => sum + count, 0);
}

/** What the app's call shows, and what the trace counts. */
function joinedFigures(store: TraceStore) {
  const trace = store.getTrace(APP)!;
  const { ai } = trace.getSpan('chat')!;
  return {
    tree: dumpTree(trace),
    call: [ai.ttftMs, ai.tpotMs, ai.inputTokens, ai.outputTokens, ai.ttftSource, ai.tpotSource, ai.tokensSource],
    tokens: trace.summary.tokens,
    llmCalls: trace.summary.callCounts.llm,
    byModel: trace.summary.byModel,
  };
}

describe('a gateway span under an app LLM span (traceparent)', () => {
  test('the app call shows the gateway figures, measured at the gateway, and the trace counts the call once', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([throughTraceparent()]);
    store.ingest(appTrace());
    const trace = store.getTrace(APP)!;
    assert.equal(dumpTree(trace), ['invoke_agent', '  chat gpt-4o', '    POST', '      chat gpt-4o'].join('\n'));
    const { ai } = trace.getSpan('chat')!;
    assert.equal(ai.ttftMs, 420);
    assert.ok(Math.abs(ai.tpotMs! - 12) < 1e-9);
    assert.deepEqual([ai.inputTokens, ai.outputTokens], [1200, 345]);
    assert.deepEqual([ai.ttftSource, ai.tpotSource, ai.tokensSource], ['gateway', 'gateway', 'gateway']);
    assert.deepEqual(trace.summary.tokens, {
      inputTokens: 1200,
      outputTokens: 345,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
    assert.equal(trace.summary.callCounts.llm, 1);
    assert.deepEqual(
      trace.summary.byModel.map(({ model, calls }) => [model, calls]),
      [['gpt-4o', 1]],
    );
    assert.equal(callCountSum(trace), trace.summary.spanCount, 'every span still counts under one kind');
    assert.equal(trace.getSpan('gw')!.ai.ttftSource, 'gateway', 'the gateway span keeps its own figures');
  });

  test('whichever arrives first, the result is the same', () => {
    const gatewayFirst = new TraceStore({ maxSpans: 100 });
    gatewayFirst.ingest([throughTraceparent()]);
    const before = gatewayFirst.getTrace(APP)!.summary;
    assert.equal(before.callCounts.llm, 1, 'alone, the gateway span counts its call');
    assert.equal(before.tokens.inputTokens, 1200);
    gatewayFirst.ingest(appTrace());

    const appFirst = new TraceStore({ maxSpans: 100 });
    appFirst.ingest(appTrace());
    appFirst.ingest([throughTraceparent()]);
    const oneBatch = new TraceStore({ maxSpans: 100 });
    oneBatch.ingest([throughTraceparent(), ...appTrace().reverse()]);

    assert.deepEqual(joinedFigures(appFirst), joinedFigures(gatewayFirst));
    assert.deepEqual(joinedFigures(oneBatch), joinedFigures(gatewayFirst));
    assert.equal(joinedFigures(gatewayFirst).call[0], 420);
  });

  test("an app call's own figures win; only what it lacks comes from the gateway", () => {
    const store = new TraceStore({ maxSpans: 100 });
    const [agent, , http] = appTrace();
    const ownUsage = makeTestSpan({
      trace: APP,
      id: 'chat',
      parent: 'agent',
      start: 10,
      end: 1900,
      attributes: chatAttributes('gpt-4o', 1180, 340),
    });
    store.ingest([agent!, ownUsage, http!, throughTraceparent()]);
    const trace = store.getTrace(APP)!;
    const { ai } = trace.getSpan('chat')!;
    assert.deepEqual([ai.inputTokens, ai.outputTokens, ai.tokensSource], [1180, 340, 'span']);
    assert.deepEqual([ai.ttftMs, ai.ttftSource], [420, 'gateway']);
    assert.deepEqual([trace.summary.tokens.inputTokens, trace.summary.tokens.outputTokens], [1180, 340]);
    assert.equal(trace.summary.callCounts.llm, 1);
  });

  test('a gateway span without an LLM span above it counts itself', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([
      makeTestSpan({ trace: APP, id: 'job', name: 'nightly job', start: 0, end: 2000 }),
      makeTestSpan({ trace: APP, id: 'http', parent: 'job', name: 'POST', start: 20, end: 1890 }),
      throughTraceparent(),
    ]);
    const summary = store.getTrace(APP)!.summary;
    assert.equal(summary.callCounts.llm, 1);
    assert.deepEqual([summary.tokens.inputTokens, summary.tokens.outputTokens], [1200, 345]);
    assert.equal(store.getTrace(APP)!.getSpan('job')!.ai.ttftMs, undefined);
  });

  test('of two gateway calls under one app call (a retry), the one that succeeded shows; the call counts once', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const failed = gatewaySpan({ trace: APP, id: 'gw-429', parent: 'http', start: 25, end: 60, ttft: 0.01 });
    failed.status = { code: 2, message: 'rate limited' };
    const retried = gatewaySpan({ trace: APP, id: 'gw-ok', parent: 'http', start: 400, end: 1880, ttft: 0.5 });
    store.ingest([retried, failed, ...appTrace()]);
    const trace = store.getTrace(APP)!;
    assert.equal(trace.getSpan('chat')!.ai.ttftMs, 500);
    assert.equal(trace.summary.callCounts.llm, 1);
    assert.equal(trace.summary.tokens.inputTokens, 1200);
  });

  test('an app call sent again (an exporter retry) still shows the gateway figures, counted once', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([...appTrace(), throughTraceparent()]);
    const before = joinedFigures(store);
    store.ingest([appTrace()[1]!]);
    assert.deepEqual(joinedFigures(store), before);
  });

  test('session totals follow the trace summaries: one call, its tokens once', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const session = { 'session.id': 'conversation-1' };
    const [agent, chat, http] = appTrace();
    store.ingest([{ ...agent!, attributes: new Map(Object.entries(session)) }, chat!, http!, throughTraceparent()]);
    const group = new SessionIndex().group(store.traces()).sessions.get('conversation-1')!;
    assert.deepEqual([group.llmCalls, group.inputTokens, group.outputTokens], [1, 1200, 345]);
  });
});

describe('a gateway call without traceparent joins by time', () => {
  const lone = (fields: { start: number; end: number; model?: string; id?: string; trace?: string }) =>
    gatewaySpan({ trace: fields.trace ?? LONE, id: fields.id ?? 'gw', ...fields });

  test('gateway first: its span moves under the one app call containing it, and its trace is removed', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const changes = recordChanges(store);
    store.ingest([lone({ start: 25, end: 1880 })]);
    assert.equal(store.traceCount, 1);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    assert.deepEqual(changes[1], { updated: [APP], removed: [LONE], cleared: false });
    assert.equal(store.getTrace(LONE), undefined);
    assert.deepEqual(
      store.traces().map((trace) => trace.summary.traceId),
      [APP],
    );
    assert.deepEqual([store.traceCount, store.spanCount, store.evictedTraces], [1, 2, 0]);
    const trace = store.getTrace(APP)!;
    assert.equal(dumpTree(trace), 'chat gpt-4o\n  chat gpt-4o');
    const moved = trace.getSpan('gw')!;
    assert.deepEqual([moved.span.traceId, moved.span.parentSpanId], [APP, 'chat']);
    assert.equal(trace.getSpan('chat')!.ai.ttftMs, 420);
    assert.equal(trace.summary.callCounts.llm, 1);
    assert.equal(trace.summary.tokens.inputTokens, 1200);
  });

  test('app call first, then the gateway call: the same join', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const changes = recordChanges(store);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    store.ingest([lone({ start: 25, end: 1880 })]);
    assert.deepEqual(changes[1], { updated: [APP], removed: [LONE], cleared: false });
    assert.equal(dumpTree(store.getTrace(APP)!), 'chat gpt-4o\n  chat gpt-4o');
    assert.equal(store.getTrace(APP)!.getSpan('chat')!.ai.ttftSource, 'gateway');
  });

  test('containment allows the clocks’ skew: 25 ms past either end joins, a nanosecond more does not', () => {
    const skewMs = Number(CLOCK_SKEW_NANOS) / 1e6;
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([lone({ start: 100 - skewMs, end: 1900 + skewMs })]);
    store.ingest([appCall({ start: 100, end: 1900 })]);
    assert.equal(store.traceCount, 1);

    for (const [start, end] of [
      [100 - skewMs - 0.000001, 1900],
      [100, 1900 + skewMs + 0.000001],
    ]) {
      const outside = new TraceStore({ maxSpans: 100 });
      outside.ingest([lone({ start: start!, end: end! })]);
      outside.ingest([appCall({ start: 100, end: 1900 })]);
      assert.equal(outside.traceCount, 2, `${start}–${end}`);
      assert.notEqual(outside.getTrace(LONE), undefined);
    }
  });

  test('two app calls containing it: no join, in either order', () => {
    const calls = () => [
      appCall({ trace: 'app-1', start: 0, end: 2000 }),
      appCall({ trace: 'app-2', start: 5, end: 1990 }),
    ];
    for (const order of [
      [[lone({ start: 25, end: 1880 })], calls()],
      [calls(), [lone({ start: 25, end: 1880 })]],
    ]) {
      const store = new TraceStore({ maxSpans: 100 });
      for (const batch of order) store.ingest(batch);
      assert.equal(store.traceCount, 3);
      assert.notEqual(store.getTrace(LONE), undefined);
      assert.equal(store.getTrace('app-1')!.getSpan('chat')!.ai.ttftMs, undefined);
      assert.equal(store.getTrace('app-2')!.getSpan('chat')!.ai.ttftMs, undefined);
    }
  });

  test('a join stands when a second containing call arrives later: the one stored call was unambiguous then', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([appCall({ trace: 'app-1', start: 0, end: 2000 })]);
    store.ingest([lone({ start: 25, end: 1880 })]);
    store.ingest([appCall({ trace: 'app-2', start: 5, end: 1990 })]);
    assert.equal(store.traceCount, 2);
    assert.equal(store.getTrace('app-1')!.getSpan('chat')!.ai.ttftMs, 420);
    assert.equal(store.getTrace('app-2')!.getSpan('chat')!.ai.ttftMs, undefined);
  });

  test('an app call containing it asked for another model: no join', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([lone({ start: 25, end: 1880, model: 'gpt-4o-mini' })]);
    store.ingest([appCall({ start: 10, end: 1900, model: 'gpt-4o' })]);
    assert.equal(store.traceCount, 2);
    assert.equal(store.getTrace(APP)!.getSpan('chat')!.ai.ttftMs, undefined);
  });

  test('an app call that already shows a gateway span takes no second one', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([...appTrace(), throughTraceparent()]);
    store.ingest([lone({ start: 30, end: 1000 })]);
    assert.equal(store.traceCount, 2);
    assert.equal(store.getTrace(APP)!.summary.callCounts.llm, 1);
    assert.equal(store.getTrace(LONE)!.summary.callCounts.llm, 1);
  });

  test('two lone calls inside one app call: the first joins, the second stays a trace of its own', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([lone({ start: 25, end: 800 }), lone({ trace: 'lone-2', id: 'gw2', start: 900, end: 1880 })]);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    assert.equal(store.traceCount, 2);
    assert.equal(store.getTrace(APP)!.summary.spanCount, 2);
    assert.equal(store.getTrace(APP)!.summary.callCounts.llm, 1);
  });

  test('eviction after a join takes the joined trace whole and keeps the span count right', () => {
    const store = new TraceStore({ maxSpans: 3 });
    store.ingest([lone({ start: 25, end: 1880 })]);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    store.ingest([
      makeTestSpan({ trace: 'newer', id: 'n1', start: 3000 }),
      makeTestSpan({ trace: 'newer', id: 'n2', start: 3001 }),
    ]);
    assert.deepEqual([store.traceCount, store.spanCount, store.evictedTraces], [1, 2, 1]);
    assert.equal(store.getTrace(APP), undefined);
  });

  test('an evicted lone call is not joined afterwards', () => {
    const store = new TraceStore({ maxSpans: 1 });
    store.ingest([lone({ start: 25, end: 1880 })]);
    store.ingest([makeTestSpan({ trace: 'other', id: 'o1', start: 3000 })]);
    assert.equal(store.getTrace(LONE), undefined);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    assert.equal(dumpTree(store.getTrace(APP)!), 'chat gpt-4o');
    assert.deepEqual([store.traceCount, store.spanCount, store.evictedTraces], [1, 1, 2]);
  });

  test('a lone call joins even when the batch that brings its app call would have evicted it', () => {
    const store = new TraceStore({ maxSpans: 1 });
    store.ingest([lone({ start: 25, end: 1880 })]);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    assert.deepEqual([store.traceCount, store.spanCount, store.evictedTraces], [1, 2, 0]);
  });

  test('clear after a join empties the store, and joins work afresh', () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([lone({ start: 25, end: 1880 })]);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    store.clear();
    assert.deepEqual([store.traceCount, store.spanCount, store.traces().length], [0, 0, 0]);
    store.ingest([appCall({ start: 10, end: 1900 })]);
    assert.equal(store.getTrace(APP)!.getSpan('gw'), undefined, 'nothing of the cleared join is left');
    store.ingest([lone({ start: 25, end: 1880 })]);
    assert.deepEqual([store.traceCount, store.spanCount], [1, 2]);
    assert.equal(store.getTrace(APP)!.getSpan('chat')!.ai.ttftMs, 420);
  });
});

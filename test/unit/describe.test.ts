import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeSpan, describeStream, describeTrace, fileTitle } from '../../src/core/describe';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { StatusCode } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { rootSpanOf } from '../../src/core/store/rootSpan';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeSpan, newSpanId } from '../support/spanBuilder';
import { gatewaySpan } from './gatewaySpans';
import { makeTestSpan } from './traceStoreSpans';

const CHAT = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.usage.input_tokens': 1300,
  'gen_ai.usage.output_tokens': 61,
};

/** A trace of an agent span, its chat call and a failed tool call, from `service`. */
function agentTrace(service: string): TraceRecord {
  const root = newSpanId();
  const store = new TraceStore({ maxSpans: 100 });
  store.ingest([
    makeSpan({ spanId: root, name: 'invoke_agent planner', durationMs: 4860, serviceName: service }),
    makeSpan({ parentSpanId: root, name: 'chat gpt-4o', attributes: CHAT, durationMs: 1080, serviceName: service }),
    makeSpan({
      parentSpanId: root,
      name: 'execute_tool get_weather',
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
      status: { code: StatusCode.Error, message: 'timed out' },
      serviceName: service,
    }),
  ]);
  const trace = store.getTrace(DEFAULT_TRACE_ID);
  assert.ok(trace);
  return trace;
}

describe('describeTrace', () => {
  const trace = agentTrace('travel-planner');

  test('a Traces view row: service, duration, total tokens, errors', () => {
    assert.equal(describeTrace(trace.summary, 'row'), 'travel-planner · 4.86 s · 1.4k tok · 1 error');
  });

  test('a picker: the span count instead of tokens, to tell runs apart', () => {
    assert.equal(describeTrace(trace.summary, 'pick'), 'travel-planner · 4.86 s · 3 spans · 1 error');
  });

  test("the CLI's report: the service named as such, tokens in→out", () => {
    assert.equal(
      describeTrace(trace.summary, 'report'),
      'service travel-planner · 4.86 s · 3 spans · 1.3k→61 tok · 1 error',
    );
  });

  test('a call the gateway counted (a stream without usage) makes the totals an estimate, until it is gone', () => {
    const store = new TraceStore({ maxSpans: 10 });
    const call = gatewaySpan({
      trace: 'c'.repeat(32),
      id: '00000000000000c1',
      start: 0,
      end: 900,
      input: 12,
      output: 40,
      attributes: {
        [GatewayAttributes.inputTokensEstimated]: true,
        [GatewayAttributes.outputTokensEstimated]: true,
      },
    });
    store.ingest([call]);
    const summary = store.getTrace(call.traceId)!.summary;
    assert.equal(summary.byModel[0]?.estimatedCalls, 1);
    assert.equal(describeTrace(summary, 'row'), 'OpenAI/JS 6.1.0 · 900 ms · ≈52 tok');
    assert.equal(describeTrace(summary, 'report'), 'service OpenAI/JS 6.1.0 · 900 ms · 1 span · ≈12→40 tok');
    assert.equal(trace.summary.byModel[0]?.estimatedCalls, 0);
  });

  test('leaves out what the trace does not have', () => {
    const store = new TraceStore({ maxSpans: 10 });
    const span = makeSpan({
      name: 'lonely',
      durationMs: 250,
      resource: { attributes: new Map(), droppedAttributesCount: 0 },
    });
    store.ingest([span]);
    const summary = store.getTrace(span.traceId)!.summary;
    assert.equal(describeTrace(summary, 'row'), '250 ms');
    assert.equal(describeTrace(summary, 'report'), '250 ms · 1 span');
  });
});

describe('describeSpan', () => {
  test('the response model, duration, tokens and TTFT of an LLM call; the tool name of a tool call', () => {
    const chat = makeSpan({ attributes: { ...CHAT, 'gen_ai.response.time_to_first_chunk': 0.486 } });
    assert.equal(describeSpan(analyzeSpan(chat), 1080), 'gpt-4o-2024-08-06 · 1.08 s · 1.3k→61 tok · TTFT 486 ms');
    const tool = makeSpan({ attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' } });
    assert.equal(describeSpan(analyzeSpan(tool), 738), 'search · 738 ms');
  });

  test('estimated tokens show with ≈, and an app call shows TTFT the gateway measured beneath it', () => {
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([
      makeTestSpan({
        trace: 'app',
        id: 'chat',
        start: 0,
        end: 2000,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
      }),
      gatewaySpan({
        trace: 'app',
        id: 'gw',
        parent: 'chat',
        start: 5,
        end: 1990,
        input: 1234,
        output: 345,
        attributes: { [GatewayAttributes.inputTokensEstimated]: true, [GatewayAttributes.outputTokensEstimated]: true },
      }),
    ]);
    const trace = store.getTrace('app')!;
    assert.equal(describeSpan(trace.getSpan('chat')!.ai, 2000), 'gpt-4o · 2 s · ≈1.2k→345 tok · TTFT 420 ms');
    assert.equal(
      describeSpan(trace.getSpan('gw')!.ai, 1985),
      'gpt-4o-2024-08-06 · 1.99 s · ≈1.2k→345 tok · TTFT 420 ms',
    );
  });
});

describe('describeStream', () => {
  test('time to first text, longest gap and stalls; stalls only when there were some; nothing without figures', () => {
    const figures = (firstTextMs?: number, longestGapMs?: number, stalls?: number) =>
      describeStream({ ...analyzeSpan(makeSpan()), firstTextMs, longestGapMs, stalls });
    assert.equal(figures(1300, 2100, 3), 'first text 1.3 s · longest gap 2.1 s · 3 stalls over 1 s');
    assert.equal(figures(undefined, 400, 0), 'longest gap 400 ms');
    assert.equal(figures(undefined, 1500, 1), 'longest gap 1.5 s · 1 stall over 1 s');
    assert.equal(figures(), undefined);
  });
});

describe('fileTitle', () => {
  test('keeps a name a file can have, replacing separators and what a file name cannot hold', () => {
    assert.equal(fileTitle('chat gpt-4o'), 'chat gpt-4o');
    assert.equal(fileTitle('GET /v1/chat\\completions'), 'GET ∕v1∕chat∕completions');
    assert.equal(fileTitle('a:b*c?"d"<e>|f\n\tg'), 'a b c d e f g');
    assert.equal(fileTitle('  \u0000 '), 'span');
    const long = fileTitle('x'.repeat(100));
    assert.equal(long.length, 60);
    assert.ok(long.endsWith('…'));
  });
});

describe('rootSpanOf', () => {
  test('is the real root, even when an orphan started earlier', () => {
    const root = newSpanId();
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([
      makeSpan({ name: 'orphan', parentSpanId: newSpanId(), startMs: DEFAULT_START_MS - 1000 }),
      makeSpan({ spanId: root, name: 'root' }),
    ]);
    assert.equal(rootSpanOf(store.getTrace(DEFAULT_TRACE_ID)!)?.span.name, 'root');
  });

  test('is the earliest span when the trace has only orphans', () => {
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([
      makeSpan({ name: 'later', parentSpanId: newSpanId(), startMs: DEFAULT_START_MS + 5 }),
      makeSpan({ name: 'earlier', parentSpanId: newSpanId(), startMs: DEFAULT_START_MS }),
    ]);
    assert.equal(rootSpanOf(store.getTrace(DEFAULT_TRACE_ID)!)?.span.name, 'earlier');
  });
});

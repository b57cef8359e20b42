import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatusCode } from '../../src/core/model';
import { describeSession, SessionIndex, sessionIdOfSpan, sessionIdOfTrace } from '../../src/core/sessions';
import { TraceStore } from '../../src/core/store/traceStore';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

const T0 = Date.UTC(2026, 0, 1);

function chat(input: number, output: number): PlainAttributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

/** One conversation turn: an agent root, an LLM call and a tool call; the session attribute sits where asked. */
function turn(
  traceId: string,
  startMs: number,
  options: { session?: PlainAttributes; sessionOn?: 'root' | 'llm'; toolFails?: boolean } = {},
) {
  const root = makeSpan({
    traceId,
    name: `invoke_agent ${traceId}`,
    startMs,
    durationMs: 1000,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', ...(options.sessionOn !== 'llm' ? options.session : {}) },
  });
  return [
    root,
    makeSpan({
      traceId,
      parentSpanId: root.spanId,
      name: 'chat gpt-4o',
      startMs: startMs + 10,
      durationMs: 500,
      attributes: { ...chat(100, 20), ...(options.sessionOn === 'llm' ? options.session : {}) },
    }),
    makeSpan({
      traceId,
      parentSpanId: root.spanId,
      name: 'execute_tool lookup',
      startMs: startMs + 600,
      durationMs: 300,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' },
      status: { code: options.toolFails ? StatusCode.Error : StatusCode.Unset },
    }),
  ];
}

describe('sessionIdOfSpan', () => {
  const conventions: [string, PlainAttributes][] = [
    ['OTel GenAI', { 'gen_ai.conversation.id': 'c-1' }],
    ['OpenInference', { 'session.id': 'c-1' }],
    ['Traceloop association property', { 'traceloop.association.properties.session_id': 'c-1' }],
    ['Traceloop conversation property', { 'traceloop.association.properties.conversation_id': 'c-1' }],
    ['Vercel AI SDK metadata', { 'ai.telemetry.metadata.sessionId': 'c-1' }],
    ['Vercel AI SDK conversation metadata', { 'ai.telemetry.metadata.conversationId': 'c-1' }],
    ['LangSmith thread metadata', { 'langsmith.metadata.thread_id': 'c-1' }],
    ['Google ADK (older)', { 'gcp.vertex.agent.session_id': 'c-1' }],
  ];
  for (const [convention, attributes] of conventions) {
    test(`reads ${convention}`, () => assert.equal(sessionIdOfSpan(makeSpan({ attributes })), 'c-1'));
  }

  test('prefers gen_ai.conversation.id when a span carries several', () => {
    const span = makeSpan({ attributes: { 'session.id': 'openinference', 'gen_ai.conversation.id': 'genai' } });
    assert.equal(sessionIdOfSpan(span), 'genai');
  });

  test('prefers by key order on a span with many attributes too, and skips a preferred key without an id', () => {
    const padding = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`app.field${i}`, i]));
    const many = makeSpan({
      attributes: { ...padding, 'session.id': 'openinference', 'gen_ai.conversation.id': 'genai' },
    });
    assert.equal(sessionIdOfSpan(many), 'genai');
    const blank = makeSpan({ attributes: { 'gen_ai.conversation.id': ' ', 'session.id': 'openinference' } });
    assert.equal(sessionIdOfSpan(blank), 'openinference');
  });

  test('ignores transport and project sessions, empty ids and non-scalar values; reads numeric ids', () => {
    assert.equal(sessionIdOfSpan(makeSpan({ attributes: { 'mcp.session.id': 'transport' } })), undefined);
    assert.equal(sessionIdOfSpan(makeSpan({ attributes: { 'langsmith.trace.session_id': 'project' } })), undefined);
    assert.equal(sessionIdOfSpan(makeSpan({ attributes: { 'session.id': '  ' } })), undefined);
    assert.equal(sessionIdOfSpan(makeSpan({ attributes: { 'session.id': ['a'] } })), undefined);
    assert.equal(sessionIdOfSpan(makeSpan({ attributes: { 'session.id': 42 } })), '42');
  });
});

describe('sessionIdOfTrace', () => {
  test('the root span wins over its descendants', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const spans = turn('t1', T0, { session: { 'gen_ai.conversation.id': 'from-root' } });
    const tool = makeSpan({
      traceId: 't1',
      parentSpanId: spans[0]!.spanId,
      startMs: T0 + 700,
      attributes: { 'session.id': 'from-tool' },
    });
    store.ingest([...spans, tool]);
    assert.equal(sessionIdOfTrace(store.getTrace('t1')!), 'from-root');
  });

  test('every top-level span (an orphan too) is read before any descendant', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const spans = turn('t1', T0, { session: { 'session.id': 'from-llm' }, sessionOn: 'llm' });
    const orphan = makeSpan({
      traceId: 't1',
      parentSpanId: 'ffffffffffffffff',
      startMs: T0 + 2000,
      attributes: { 'session.id': 'from-orphan' },
    });
    store.ingest([...spans, orphan]);
    assert.equal(store.getTrace('t1')!.roots.length, 2);
    assert.equal(sessionIdOfTrace(store.getTrace('t1')!), 'from-orphan');
  });

  test('found on a descendant when the root names none', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(turn('t1', T0, { session: { 'ai.telemetry.metadata.sessionId': 'vercel' }, sessionOn: 'llm' }));
    assert.equal(sessionIdOfTrace(store.getTrace('t1')!), 'vercel');
  });

  test('undefined for a trace without any', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(turn('t1', T0));
    assert.equal(sessionIdOfTrace(store.getTrace('t1')!), undefined);
  });
});

describe('SessionIndex', () => {
  test('groups turns by conversation with totals; traces without one stay at the top level by time', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const a = { 'gen_ai.conversation.id': 'conv-a' };
    store.ingest([
      ...turn('a1', T0, { session: a }),
      ...turn('lone', T0 + 5_000),
      ...turn('b1', T0 + 10_000, { session: { 'session.id': 'conv-b' } }),
      ...turn('a2', T0 + 60_000, { session: a, sessionOn: 'llm', toolFails: true }),
    ]);
    const grouping = new SessionIndex().group(store.traces());

    assert.deepEqual(
      grouping.entries.map((entry) =>
        entry.type === 'session' ? `session ${entry.group.sessionId}` : `trace ${entry.trace.summary.traceId}`,
      ),
      ['session conv-a', 'session conv-b', 'trace lone'],
    );
    const convA = grouping.sessions.get('conv-a')!;
    assert.deepEqual(
      convA.traces.map((trace) => trace.summary.traceId),
      ['a1', 'a2'],
      'turns oldest first',
    );
    assert.equal(convA.inputTokens, 200);
    assert.equal(convA.outputTokens, 40);
    assert.equal(convA.llmCalls, 2);
    assert.equal(convA.toolCalls, 2);
    assert.equal(convA.errorCount, 1);
    assert.equal(Number((convA.endTimeUnixNano - convA.startTimeUnixNano) / 1_000_000n), 61_000);
    assert.equal(grouping.sessionOf('a2'), 'conv-a');
    assert.equal(grouping.sessionOf('lone'), undefined);
    assert.equal(describeSession(convA), '2 turns · 200→40 tok · 2 LLM calls · 2 tool calls · 1 error · 1 min 1 s');
    assert.equal(
      describeSession(grouping.sessions.get('conv-b')!),
      '1 turn · 100→20 tok · 1 LLM call · 1 tool call · 1 s',
    );
  });

  test('a span that brings a session id later moves its trace into the session on the next grouping', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const index = new SessionIndex();
    const [root, llm] = turn('t1', T0);
    store.ingest([root!]);
    assert.equal(index.group(store.traces()).sessions.size, 0);
    store.ingest([{ ...llm!, attributes: new Map([['session.id', 'late']]) }]);
    const grouping = index.group(store.traces());
    assert.deepEqual(
      grouping.sessions.get('late')?.traces.map((trace) => trace.summary.traceId),
      ['t1'],
    );
  });

  test('an unchanged trace is not searched again', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest(turn('t1', T0, { session: { 'session.id': 's' }, sessionOn: 'llm' }));
    const index = new SessionIndex();
    index.group(store.traces());
    // Reading the spans again would find no session now: a cached id proves the trace was not re-read.
    const trace = store.getTrace('t1')!;
    const grouping = index.group([
      { ...trace, summary: trace.summary, roots: [], spans: () => [], getSpan: () => undefined },
    ]);
    assert.equal(grouping.sessionOf('t1'), 's');
  });
});

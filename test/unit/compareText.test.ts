import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_COMPARED_SPANS, renderTraceForCompare } from '../../src/core/compareText';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { spansOf, StatusCode } from '../../src/core/model';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import type { LogRecord } from '../../src/core/otlp/logModel';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { makeLogRecord } from '../support/logBuilder';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';

const NO_LOGS = () => [];

function demoRun(endTimeMs: number): TraceRecord {
  const demo = buildDemoTrace({ endTimeMs });
  const store = new TraceStore({ maxSpans: 1000 });
  store.ingest(spansOf(decodeTraceRequestJson(demo.body).request));
  return store.getTrace(demo.traceId)!;
}

/** One agent run: an LLM call that answers `answer` and asks for the weather in `city`, then that tool call. */
function agentRun(
  traceId: string,
  options: { answer: string; city: string; toolMs: number; toolError?: string },
): TraceRecord {
  const root = makeSpan({
    traceId,
    name: 'invoke_agent planner',
    durationMs: 3000,
    attributes: { 'gen_ai.operation.name': 'invoke_agent' },
  });
  const args = JSON.stringify({ city: options.city });
  const store = new TraceStore({ maxSpans: 1000 });
  store.ingest([
    root,
    makeSpan({
      traceId,
      parentSpanId: root.spanId,
      name: 'chat gpt-4o',
      startMs: DEFAULT_START_MS + 100,
      durationMs: 1200,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 80,
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Plan my day.\nI like museums.' }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: options.answer },
              { type: 'tool_call', name: 'get_weather', arguments: { city: options.city } },
            ],
            finish_reason: 'tool_call',
          },
        ]),
      },
    }),
    makeSpan({
      traceId,
      parentSpanId: root.spanId,
      name: 'execute_tool get_weather',
      startMs: DEFAULT_START_MS + 1400,
      durationMs: options.toolMs,
      // Formatting of recorded JSON differs between runs without meaning anything.
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.arguments': ` ${args.replace(':', ': ')}`,
      },
      status: options.toolError === undefined ? undefined : { code: StatusCode.Error, message: options.toolError },
    }),
  ]);
  return store.getTrace(traceId)!;
}

/** The lines of `b` that `a` does not have, and the reverse (a line diff is enough for these small documents). */
function changedLines(a: string, b: string): { removed: string[]; added: string[] } {
  const left = a.split('\n');
  const right = b.split('\n');
  return { removed: left.filter((line) => !right.includes(line)), added: right.filter((line) => !left.includes(line)) };
}

describe('trace text for comparing runs', () => {
  test('two runs of the same code read the same: only the header naming each trace differs', () => {
    const first = renderTraceForCompare(demoRun(Date.UTC(2026, 10, 30, 9)), NO_LOGS);
    const second = renderTraceForCompare(demoRun(Date.UTC(2026, 10, 30, 17, 30)), NO_LOGS);
    const { removed, added } = changedLines(first, second);
    assert.equal(removed.length, 2, `removed: ${JSON.stringify(removed)}`);
    assert.ok(
      removed.every((line) => line.startsWith('# ')),
      `removed: ${JSON.stringify(removed)}`,
    );
    assert.equal(added.length, 2, `added: ${JSON.stringify(added)}`);
    assert.match(first, /\n {4}output:\n {6}assistant calls get_weather\(\{"city":"Lisbon","date":"Friday"\}\)\n/);
    assert.match(first, /\n {4}status: error: exchange-rate service did not answer within 1000 ms\n/);
  });

  test('a different answer, other tool arguments, a slower tool and a failure are the lines that differ', () => {
    const usual = agentRun('a'.repeat(32), { answer: 'Visit the Louvre.', city: 'Paris', toolMs: 300 });
    const odd = agentRun('b'.repeat(32), {
      answer: 'Visit the Prado.',
      city: 'Madrid',
      toolMs: 900,
      toolError: 'timed out',
    });
    const text = renderTraceForCompare(usual, NO_LOGS);
    assert.equal(
      text.slice(text.indexOf('\n\n') + 2),
      [
        'duration: 3 s',
        'spans: 3 · 1 LLM call · 1 tool call',
        'tokens: 1,200 in → 80 out',
        'model gpt-4o: 1 call · 1,200 in → 80 out',
        '',
        'invoke_agent planner · Agent',
        '  duration: 3 s',
        '  chat gpt-4o · LLM call',
        '    model: gpt-4o',
        '    tokens: 1,200 in → 80 out',
        '    duration: 1.2 s',
        '    input:',
        '      user: Plan my day.',
        '          I like museums.',
        '    output:',
        '      assistant: Visit the Louvre.',
        '      assistant calls get_weather({"city":"Paris"})',
        '  execute_tool get_weather · Tool',
        '    duration: 300 ms',
        '    tool: get_weather',
        '    arguments: {"city":"Paris"}',
        '',
      ].join('\n'),
    );
    const { removed, added } = changedLines(text, renderTraceForCompare(odd, NO_LOGS));
    assert.deepEqual(removed, [
      `# Trace ${'a'.repeat(32)}, for comparing runs: ids and times of day are left out, so only what differs shows.`,
      'spans: 3 · 1 LLM call · 1 tool call',
      '      assistant: Visit the Louvre.',
      '      assistant calls get_weather({"city":"Paris"})',
      '    duration: 300 ms',
      '    arguments: {"city":"Paris"}',
    ]);
    assert.deepEqual(added.slice(1), [
      'spans: 3 · 1 LLM call · 1 tool call · 1 error',
      '      assistant: Visit the Prado.',
      '      assistant calls get_weather({"city":"Madrid"})',
      '    duration: 900 ms',
      '    arguments: {"city":"Madrid"}',
      '    status: error: timed out',
    ]);
  });

  test('a conversation sent as log events is read from the logs; names cannot break the layout', () => {
    const traceId = 'c'.repeat(32);
    const llm = makeSpan({ traceId, name: 'chat\nmodel', attributes: { 'gen_ai.operation.name': 'chat' } });
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([llm]);
    const logs: LogRecord[] = [
      makeLogRecord({ traceId, spanId: llm.spanId, eventName: 'gen_ai.user.message', body: { content: 'Hello?' } }),
    ];
    const text = renderTraceForCompare(store.getTrace(traceId)!, (span) => (span.spanId === llm.spanId ? logs : []));
    assert.match(text, /\nchat model · LLM call\n/);
    assert.match(text, /\n {2}input:\n {4}user: Hello\?\n/);
  });

  test('a very large trace lists its first spans and says how many are left out', () => {
    const traceId = 'd'.repeat(32);
    const root = makeSpan({ traceId, name: 'batch', durationMs: 60_000 });
    const children = Array.from({ length: MAX_COMPARED_SPANS + 4 }, (_, index) =>
      makeSpan({ traceId, parentSpanId: root.spanId, name: `step ${index}`, startMs: DEFAULT_START_MS + index }),
    );
    const store = new TraceStore({ maxSpans: MAX_COMPARED_SPANS * 2 });
    store.ingest([root, ...children]);
    const lines = renderTraceForCompare(store.getTrace(traceId)!, NO_LOGS).split('\n');
    assert.equal(lines.filter((line) => / · Span$/.test(line)).length, MAX_COMPARED_SPANS);
    assert.ok(lines.includes(`  step ${MAX_COMPARED_SPANS - 2} · Span`), 'the last listed step');
    assert.ok(!lines.includes(`  step ${MAX_COMPARED_SPANS - 1} · Span`), 'the first step left out');
    assert.equal(lines.at(-2), '# … and 5 more spans: a comparison lists the first 10,000.');
  });
});

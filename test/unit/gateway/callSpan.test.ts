import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callSpan, clientName, type CallRecord } from '../../../src/core/gateway/callSpan';
import { CallMeter } from '../../../src/core/gateway/meter';
import { PROVIDERS } from '../../../src/core/gateway/providers';
import { GATEWAY_SCOPE, GatewayAttributes } from '../../../src/core/gateway/spanAttributes';
import type { ModelCall } from '../../../src/core/gateway/wire';
import { SpanKind, StatusCode } from '../../../src/core/model';

const START_MS = 1000;
const START_NANO = 1_700_000_000_000_000_000n;

function chatCall(overrides: Partial<ModelCall> = {}): ModelCall {
  return {
    operation: 'chat',
    model: 'gpt-4o',
    stream: true,
    parameters: { temperature: 0.2, maxTokens: 256 },
    toolDefinitions: undefined,
    systemInstructions: undefined,
    inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Capital of France?' }] }],
    streamWithoutUsage: false,
    ...overrides,
  };
}

function record(meter: CallMeter, overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    provider: PROVIDERS.openai,
    call: chatCall(),
    meter,
    outcome: { status: 200, failure: undefined },
    startUnixNano: START_NANO,
    endUnixNano: START_NANO + 2_000_000_000n,
    endMs: START_MS + 2000,
    upstream: new URL('https://api.openai.com/v1/chat/completions'),
    userAgent: 'OpenAI/JS 6.9.0',
    parent: undefined,
    estimated: {},
    recordContent: true,
    ...overrides,
  };
}

/** A stream: role-only chunk at +300 ms, reasoning at +400, text from +500 every 20 ms, a 1.5 s stall before the last. */
function streamedMeter(): CallMeter {
  const meter = new CallMeter(START_MS);
  meter.chunk(START_MS + 300); // role-only: the reader reports nothing
  meter.chunk(START_MS + 400);
  meter.reasoning('Thinking.');
  const pieces = ['The ', 'capital ', 'is ', 'Paris', '.'];
  pieces.forEach((piece, index) => {
    const last = index === pieces.length - 1;
    meter.chunk(START_MS + 500 + index * 20 + (last ? 1500 : 0));
    meter.text(piece);
  });
  meter.responseModel('gpt-4o-2024-08-06');
  meter.responseId('chatcmpl-1');
  meter.finishReason('stop');
  meter.usage({ inputTokens: 12, outputTokens: 11, reasoningTokens: 3 });
  return meter;
}

test('a streamed call: GenAI attributes, TTFT at the first content, first text, TPOT over the content span, stalls', () => {
  const span = callSpan(record(streamedMeter()));
  const attributes = span.attributes;
  assert.equal(span.name, 'chat gpt-4o');
  assert.equal(span.kind, SpanKind.Client);
  assert.equal(span.scope.name, GATEWAY_SCOPE);
  assert.equal(span.parentSpanId, undefined);
  assert.equal(span.status.code, StatusCode.Unset);
  assert.equal(attributes.get('gen_ai.provider.name'), 'openai');
  assert.equal(attributes.get('gen_ai.request.model'), 'gpt-4o');
  assert.equal(attributes.get('gen_ai.response.model'), 'gpt-4o-2024-08-06');
  assert.equal(attributes.get('gen_ai.request.temperature'), 0.2);
  assert.equal(attributes.get('gen_ai.request.max_tokens'), 256);
  assert.deepEqual(attributes.get('gen_ai.response.finish_reasons'), ['stop']);
  assert.equal(attributes.get('gen_ai.usage.output_tokens'), 11);
  assert.equal(attributes.get('gen_ai.usage.reasoning.output_tokens'), 3);
  // Reasoning at +400 is the first content; the first visible text came at +500.
  assert.equal(attributes.get('gen_ai.response.time_to_first_chunk'), 0.4);
  assert.equal(attributes.get(GatewayAttributes.timeToFirstText), 0.5);
  // Last content at +500 + 4·20 + 1500 = +2080: (2080 − 400) / (11 − 1) ms.
  assert.ok(Math.abs((attributes.get(GatewayAttributes.timePerOutputToken) as number) - 0.168) < 1e-9);
  assert.equal(attributes.get(GatewayAttributes.longestChunkGap), 1.52);
  assert.equal(attributes.get(GatewayAttributes.stalls), 1);
  assert.equal(attributes.get(GatewayAttributes.chunks), 7);
  assert.equal(attributes.get(GatewayAttributes.outputTokensEstimated), undefined);
  assert.equal(attributes.get('server.address'), 'api.openai.com');
  assert.equal(attributes.get('server.port'), 443);
  assert.equal(span.resource.attributes.get('service.name'), 'OpenAI/JS 6.9.0');
  const output = JSON.parse(attributes.get('gen_ai.output.messages') as string) as unknown;
  assert.deepEqual(output, [
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'Thinking.' },
        { type: 'text', content: 'The capital is Paris.' },
      ],
      finish_reason: 'stop',
    },
  ]);
});

test('tool calls assemble from their pieces; arguments parse as JSON', () => {
  const meter = new CallMeter(START_MS);
  meter.chunk(START_MS + 10);
  meter.toolCall(0, { id: 'call_1', name: 'get_weather' });
  meter.toolCall(0, { argumentsDelta: '{"city":' });
  meter.chunk(START_MS + 20);
  meter.toolCall(0, { argumentsDelta: '"Paris"}' });
  meter.finishReason('tool_calls');
  const output = JSON.parse(callSpan(record(meter)).attributes.get('gen_ai.output.messages') as string) as unknown;
  assert.deepEqual(output, [
    {
      role: 'assistant',
      parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      finish_reason: 'tool_calls',
    },
  ]);
});

test('estimated tokens fill in only what the provider did not report, and are marked', () => {
  const meter = new CallMeter(START_MS);
  meter.usage({ inputTokens: 40 });
  const attributes = callSpan(record(meter, { estimated: { input: 38, output: 9 } })).attributes;
  assert.equal(attributes.get('gen_ai.usage.input_tokens'), 40);
  assert.equal(attributes.get(GatewayAttributes.inputTokensEstimated), undefined);
  assert.equal(attributes.get('gen_ai.usage.output_tokens'), 9);
  assert.equal(attributes.get(GatewayAttributes.outputTokensEstimated), true);
});

test('with content recording off, no prompt or answer reaches the span; the figures still do', () => {
  const attributes = callSpan(record(streamedMeter(), { recordContent: false })).attributes;
  assert.equal(attributes.get('gen_ai.input.messages'), undefined);
  assert.equal(attributes.get('gen_ai.output.messages'), undefined);
  assert.equal(attributes.get('gen_ai.usage.output_tokens'), 11);
  assert.equal(attributes.get('gen_ai.response.time_to_first_chunk'), 0.4);
});

test('the wait before the first content is TTFT, not a gap between chunks', () => {
  const meter = new CallMeter(START_MS);
  meter.chunk(START_MS + 5); // the role-only chunk, sent with the headers
  meter.chunk(START_MS + 1800);
  meter.text('Paris');
  meter.chunk(START_MS + 1820);
  meter.text('.');
  const attributes = callSpan(record(meter)).attributes;
  assert.equal(attributes.get('gen_ai.response.time_to_first_chunk'), 1.8);
  assert.equal(attributes.get(GatewayAttributes.longestChunkGap), 0.02);
  assert.equal(attributes.get(GatewayAttributes.stalls), 0);
});

test('a call that is not streamed has no stream timings', () => {
  const meter = new CallMeter(START_MS);
  meter.chunk(START_MS + 800);
  meter.text('Paris.');
  const attributes = callSpan(record(meter, { call: chatCall({ stream: false }) })).attributes;
  assert.equal(attributes.get('gen_ai.request.stream'), false);
  assert.equal(attributes.get('gen_ai.response.time_to_first_chunk'), undefined);
  assert.equal(attributes.get(GatewayAttributes.chunks), undefined);
});

test('failures: the gateway’s own, then the provider’s words, then the status alone', () => {
  const failed = callSpan(
    record(new CallMeter(START_MS), {
      outcome: { status: 502, failure: { type: 'upstream_unreachable', message: 'could not reach' } },
    }),
  );
  assert.equal(failed.status.code, StatusCode.Error);
  assert.equal(failed.attributes.get('error.type'), 'upstream_unreachable');
  assert.equal(failed.attributes.get('http.response.status_code'), 502);

  const meter = new CallMeter(START_MS);
  meter.error('rate_limit_exceeded', 'Slow down');
  const limited = callSpan(record(meter, { outcome: { status: 429, failure: undefined } }));
  assert.deepEqual(
    [limited.attributes.get('error.type'), limited.status.message],
    ['rate_limit_exceeded', 'Slow down'],
  );

  const bare = callSpan(record(new CallMeter(START_MS), { outcome: { status: 500, failure: undefined } }));
  assert.deepEqual([bare.attributes.get('error.type'), bare.status.message], ['500', 'HTTP 500']);
});

test('a traceparent makes the span a child of the caller’s span, in its trace', () => {
  const parent = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  const span = callSpan(record(new CallMeter(START_MS), { parent }));
  assert.equal(span.traceId, parent.traceId);
  assert.equal(span.parentSpanId, parent.spanId);
  assert.notEqual(span.spanId, parent.spanId);
});

test('the client is named by its User-Agent, without the platform comments', () => {
  assert.equal(clientName('ollama-js/0.6.4 (x64 linux Node.js/v22.1.0)'), 'ollama-js/0.6.4');
  assert.equal(clientName('OpenAI/Python 1.99.0'), 'OpenAI/Python 1.99.0');
  assert.equal(clientName('  (only a comment) '), undefined);
  assert.equal(clientName(undefined), undefined);
  assert.equal(clientName('x'.repeat(200))?.length, 60);
});

/**
 * The instrumented program the gateway's trace-joining test runs (apps/openai-gateway-instrumented.js), here against
 * the fake OpenAI upstream directly: @opentelemetry/instrumentation-undici sends a `traceparent` with the `openai`
 * SDK's fetch on Node 22, naming the HTTP client span that sits under the instrumentation's `chat` span. Through the
 * gateway, that header is what lets the gateway's span nest under the app's.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { FakeUpstreams } from '../support/fakeUpstreams';
import { allSpans, runProducer, spanNamed, type ProducerRun } from './harness';
import { API_KEYS } from './sdkApps';

const fake = new FakeUpstreams({ chunkCount: 3 });
let run: ProducerRun;
before(async () => {
  await fake.start();
  run = await runProducer({
    app: 'openai-gateway-instrumented.js',
    env: { OPENAI_BASE_URL: fake.baseUrl('openai'), OPENAI_API_KEY: API_KEYS.OPENAI_API_KEY },
  });
});
after(() => fake.stop());

test('the app streamed the answer with its usage from the fake', () => {
  const output = run.output as { text: string; usage: { completion_tokens: number } };
  assert.equal(output.text, fake.script.answer);
  assert.equal(output.usage.completion_tokens, fake.script.usage.outputTokens);
  assert.equal(fake.requests.length, 1);
});

test('the request carried a traceparent naming the fetch span, under the chat span of the app trace', () => {
  const traceparent = String(fake.requests[0]?.headers.traceparent);
  const [version, traceId, spanId, flags] = traceparent.split('-');
  assert.deepEqual([version, flags], ['00', '01'], traceparent);
  assert.equal(traceId, (run.output as { traceId: string }).traceId);
  const fetchSpan = allSpans(run.store).find((node) => node.span.spanId === spanId);
  assert.ok(fetchSpan, `the span ${spanId} was exported`);
  assert.equal(fetchSpan.span.kind, SpanKind.Client);
  const chat = spanNamed(run.store, 'chat gpt-4o-mini');
  assert.equal(fetchSpan.parent, chat);
  assert.equal(chat.parent, spanNamed(run.store, 'scenario gateway'));
});

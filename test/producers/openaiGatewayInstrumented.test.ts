/**
 * An instrumented program through the AI gateway (apps/openai-gateway-instrumented.js): the `openai` SDK traced by
 * @opentelemetry/instrumentation-openai, which records no TTFT, and @opentelemetry/instrumentation-undici, which sends
 * a `traceparent` with the SDK's fetch on Node 22. The gateway's span nests under the app's fetch span in the app's
 * trace; the app's LLM span shows the gateway's TTFT and TPOT, and the trace counts the call's tokens once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import { GATEWAY_SCOPE } from '../../src/core/gateway/spanAttributes';
import { SpanKind } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import { FakeUpstreams } from '../support/fakeUpstreams';
import { allSpans, runProducer, type ProducerRun } from './harness';
import { API_KEYS } from './sdkApps';

const FIRST_CHUNK_DELAY_MS = 120;
const fake = new FakeUpstreams({ chunkCount: 3, firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, chunkIntervalMs: 20 });
const store = new TraceStore({ maxSpans: 10_000 });
let run: ProducerRun;
before(async () => {
  await fake.start();
  const gateway = new AiGateway({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1024 * 1024,
    upstreams: { openai: fake.baseUrl('openai') },
    recordContent: true,
    proxy: undefined,
    onSpan: (span) => store.ingest([span]),
  });
  const { port } = await gateway.start();
  try {
    run = await runProducer({
      app: 'openai-gateway-instrumented.js',
      store,
      env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/openai`, OPENAI_API_KEY: API_KEYS.OPENAI_API_KEY },
    });
  } finally {
    await gateway.stop();
  }
});
after(() => fake.stop());

/** The app's own span `name`: the gateway's span of the call bears the same name. */
function appSpan(name: string) {
  const found = allSpans(run.store).filter((node) => node.span.name === name && node.span.scope.name !== GATEWAY_SCOPE);
  assert.equal(found.length, 1, name);
  return found[0]!;
}

test('the app streamed the answer with its usage through the gateway', () => {
  const output = run.output as { text: string; usage: { completion_tokens: number } };
  assert.equal(output.text, fake.script.answer);
  assert.equal(output.usage.completion_tokens, fake.script.usage.outputTokens);
  assert.equal(fake.requests.length, 1);
});

test('the gateway span is a child of the fetch span the traceparent named, in the app’s one trace', () => {
  const traceparent = String(fake.requests[0]?.headers.traceparent);
  const [version, traceId, spanId] = traceparent.split('-');
  assert.equal(version, '00', traceparent);
  assert.equal(traceId, (run.output as { traceId: string }).traceId);
  assert.equal(store.traceCount, 1, 'no trace of its own for the gateway call');
  const fetchSpan = allSpans(run.store).find((node) => node.span.spanId === spanId);
  assert.ok(fetchSpan, `the span ${spanId} was exported`);
  assert.equal(fetchSpan.span.kind, SpanKind.Client);
  const chat = appSpan('chat gpt-4o-mini');
  assert.equal(fetchSpan.parent, chat);
  const gatewaySpan = allSpans(run.store).find((node) => node.span.scope.name === GATEWAY_SCOPE);
  assert.ok(gatewaySpan);
  assert.equal(gatewaySpan.parent, fetchSpan);
  assert.equal(gatewaySpan.span.traceId, traceId);
});

test('the app’s LLM span, which records no TTFT, shows the gateway’s, named as measured there', () => {
  const chat = appSpan('chat gpt-4o-mini');
  assert.equal(chat.ai.ttftSource, 'gateway');
  assert.ok(
    chat.ai.ttftMs! >= FIRST_CHUNK_DELAY_MS && chat.ai.ttftMs! < FIRST_CHUNK_DELAY_MS + 30,
    `${chat.ai.ttftMs}`,
  );
  assert.equal(chat.ai.tpotSource, 'gateway');
  // The instrumentation records the usage itself: the app's own tokens stay.
  assert.equal(chat.ai.tokensSource, 'span');
  assert.equal(chat.ai.outputTokens, fake.script.usage.outputTokens);
});

test('the trace counts the call once: one LLM call, its tokens once', () => {
  const [trace] = run.store.traces();
  assert.ok(trace);
  assert.equal(trace.summary.callCounts.llm, 1);
  assert.equal(trace.summary.tokens.inputTokens, fake.script.usage.inputTokens);
  assert.equal(trace.summary.tokens.outputTokens, fake.script.usage.outputTokens);
});

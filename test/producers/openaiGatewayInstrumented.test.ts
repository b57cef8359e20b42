/**
 * An instrumented program through the AI gateway (apps/openai-gateway-instrumented.js): the `openai` SDK traced by
 * @opentelemetry/instrumentation-openai, which records no TTFT. With @opentelemetry/instrumentation-undici, which sends
 * a `traceparent` with the SDK's fetch on Node 22, the gateway's span nests under the app's fetch span; without it,
 * the call joins the app's LLM span by time and model. Either way the app's LLM span shows the gateway's TTFT and
 * TPOT, the app's trace is the only one, and it counts the call's tokens once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import { GATEWAY_SCOPE } from '../../src/core/gateway/spanAttributes';
import { serviceNameOf, SpanKind } from '../../src/core/model';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import type { SpanNode } from '../../src/core/store/types';
import { TraceStore } from '../../src/core/store/traceStore';
import { FakeUpstreams } from '../support/fakeUpstreams';
import { allSpans, runProducer, type ProducerRun } from './harness';
import { API_KEYS } from './sdkApps';

const FIRST_CHUNK_DELAY_MS = 120;

/** Runs the app through a gateway into one store with its received spans; `scenario` as the app reads it. */
async function runThroughGateway(fake: FakeUpstreams, scenario?: string): Promise<ProducerRun> {
  const store = new TraceStore({ maxSpans: 10_000 });
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
    return await runProducer({
      app: 'openai-gateway-instrumented.js',
      scenario,
      store,
      env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/openai`, OPENAI_API_KEY: API_KEYS.OPENAI_API_KEY },
    });
  } finally {
    await gateway.stop();
  }
}

/** The app's own span `name`: the gateway's span of the call bears the same name. */
function appSpan(run: ProducerRun, name: string): SpanNode {
  const found = allSpans(run.store).filter((node) => node.span.name === name && node.span.scope.name !== GATEWAY_SCOPE);
  assert.equal(found.length, 1, name);
  return found[0]!;
}

function gatewaySpan(run: ProducerRun): SpanNode {
  const found = allSpans(run.store).filter((node) => node.span.scope.name === GATEWAY_SCOPE);
  assert.equal(found.length, 1);
  return found[0]!;
}

/** What holds with or without `traceparent`: one trace, the gateway's figures on the app's LLM span, counted once. */
function assertJoined(run: ProducerRun, fake: FakeUpstreams): void {
  const output = run.output as { traceId: string; text: string; usage: { completion_tokens: number } };
  assert.equal(output.text, fake.script.answer);
  assert.equal(run.store.traceCount, 1, 'no trace of its own for the gateway call');
  const gateway = gatewaySpan(run);
  assert.equal(gateway.span.traceId, output.traceId);
  const chat = appSpan(run, 'chat gpt-4o-mini');
  assert.equal(chat.ai.ttftSource, 'gateway');
  assert.ok(
    chat.ai.ttftMs! >= FIRST_CHUNK_DELAY_MS && chat.ai.ttftMs! < FIRST_CHUNK_DELAY_MS + 30,
    `${chat.ai.ttftMs}`,
  );
  assert.equal(chat.ai.tpotSource, 'gateway');
  // The instrumentation records the usage itself: the app's own tokens stay.
  assert.equal(chat.ai.tokensSource, 'span');
  assert.equal(chat.ai.outputTokens, fake.script.usage.outputTokens);
  const [trace] = run.store.traces();
  assert.equal(trace!.summary.callCounts.llm, 1);
  assert.equal(trace!.summary.tokens.inputTokens, fake.script.usage.inputTokens);
  assert.equal(trace!.summary.tokens.outputTokens, fake.script.usage.outputTokens);
  assertMappedThroughGateway(run, chat, gateway);
}

/** The service map goes app → gateway → model, the call counted once, with no edge from the app to the model. */
function assertMappedThroughGateway(run: ProducerRun, chat: SpanNode, gateway: SpanNode): void {
  const map = buildServiceMap(run.store.traces());
  const model = `model:${gateway.ai.provider}/${gateway.ai.responseModel}`;
  assert.deepEqual(
    map.edges.map(({ from, to, calls }) => `${from} → ${to}: ${calls}`),
    [`gateway → ${model}: 1`, `service:${serviceNameOf(chat.span)} → gateway: 1`],
  );
}

describe('with traceparent (the undici instrumentation)', () => {
  const fake = new FakeUpstreams({ chunkCount: 3, firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, chunkIntervalMs: 20 });
  let run: ProducerRun;
  before(async () => {
    await fake.start();
    run = await runThroughGateway(fake);
  });
  after(() => fake.stop());

  test('the gateway span is a child of the fetch span the traceparent named', () => {
    const traceparent = String(fake.requests[0]?.headers.traceparent);
    const [version, , spanId] = traceparent.split('-');
    assert.equal(version, '00', traceparent);
    const fetchSpan = allSpans(run.store).find((node) => node.span.spanId === spanId);
    assert.ok(fetchSpan, `the span ${spanId} was exported`);
    assert.equal(fetchSpan.span.kind, SpanKind.Client);
    assert.equal(fetchSpan.parent, appSpan(run, 'chat gpt-4o-mini'));
    assert.equal(gatewaySpan(run).parent, fetchSpan);
  });

  test('the app’s LLM span shows the gateway’s TTFT and TPOT; the trace counts the call once', () => {
    assertJoined(run, fake);
  });
});

describe('without traceparent', () => {
  const fake = new FakeUpstreams({ chunkCount: 3, firstChunkDelayMs: FIRST_CHUNK_DELAY_MS, chunkIntervalMs: 20 });
  let run: ProducerRun;
  before(async () => {
    await fake.start();
    run = await runThroughGateway(fake, 'no-propagation');
  });
  after(() => fake.stop());

  test('the call, the only one its app LLM span contains with that model, joins it as its child', () => {
    assert.equal(fake.requests[0]?.headers.traceparent, undefined);
    assert.equal(gatewaySpan(run).parent, appSpan(run, 'chat gpt-4o-mini'));
  });

  test('the app’s LLM span shows the gateway’s TTFT and TPOT; the trace counts the call once', () => {
    assertJoined(run, fake);
  });
});

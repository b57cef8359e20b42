/**
 * Programs with no OpenTelemetry at all, pointed at the AI gateway only through their SDKs' base-URL variables: the
 * `openai`, `@anthropic-ai/sdk`, `@google/genai` and `ollama` SDKs and the `ai` SDK with its OpenAI and Anthropic
 * providers, run under Node 22 against fake upstreams that stream with a scripted first-chunk delay and interval.
 * Every call becomes a span with the wire's TTFT, TPOT and tokens, and the programs get what they would get directly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import { GATEWAY_SCOPE, GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import { FakeUpstreams, type FakeUsage } from '../support/fakeUpstreams';
import { API_KEYS, SDK_APPS, runSdkApp, type ScenarioOutput, type SdkApp } from './sdkApps';

const FIRST_CHUNK_DELAY_MS = 150;
const CHUNK_INTERVAL_MS = 40;
const CHUNKS = 8;
/** One token per content chunk, so TPOT should come out at the chunk interval. */
const USAGE: FakeUsage = {
  inputTokens: 61,
  outputTokens: CHUNKS,
  cacheReadTokens: 12,
  cacheWriteTokens: 5,
  reasoningTokens: 0,
};
/** What the issue allows the gateway to add to TTFT, and how far TPOT may stray from the interval. */
const TTFT_SLACK_MS = 30;
const TPOT_TOLERANCE = 0.1;

type Outputs = Record<SdkApp, Record<string, ScenarioOutput>>;

function stringAttribute(span: Span, key: string): string {
  const value = key === 'service.name' ? span.resource.attributes.get(key) : span.attributes.get(key);
  assert.equal(typeof value, 'string', `${span.name}: ${key}`);
  return value as string;
}

function numberAttribute(span: Span, key: string): number | undefined {
  const value = span.attributes.get(key);
  return typeof value === 'number' ? value : undefined;
}

describe('real SDKs through the AI gateway, without instrumentation', () => {
  const fake = new FakeUpstreams({
    firstChunkDelayMs: FIRST_CHUNK_DELAY_MS,
    chunkIntervalMs: CHUNK_INTERVAL_MS,
    chunkCount: CHUNKS,
    usage: USAGE,
  });
  const store = new TraceStore({ maxSpans: 100_000 });
  const logLines: string[] = [];
  const log = (line: string) => logLines.push(line);
  let gateway: AiGateway;
  let direct: Outputs;
  let through: Outputs;
  let callsThrough: number;

  /** Every SDK app, one after another (the machine's cores are shared), with `env` over the fake's URLs. */
  async function runAll(env: Record<string, string>): Promise<Outputs> {
    const outputs: Partial<Outputs> = {};
    for (const app of SDK_APPS) outputs[app] = await runSdkApp(app, fake, env);
    return outputs as Outputs;
  }

  const gatewaySpans = () =>
    store
      .traces()
      .flatMap((trace) => trace.spans())
      .filter((node) => node.span.scope.name === GATEWAY_SCOPE)
      .map((node) => node.span);

  before(async () => {
    await fake.start();
    gateway = new AiGateway({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      upstreams: {
        openai: fake.baseUrl('openai'),
        anthropic: fake.baseUrl('anthropic'),
        gemini: fake.baseUrl('gemini'),
        ollama: fake.baseUrl('ollama'),
      },
      recordContent: true,
      proxy: undefined,
      onSpan: (span) => store.ingest([span]),
      log: { info: log, warn: log, error: log },
    });
    const { port } = await gateway.start();
    const base = `http://127.0.0.1:${port}`;
    direct = await runAll({});
    const before = fake.requests.length;
    // The variables capture sets, and the `ollama` client's host option: one ANTHROPIC_BASE_URL for both Anthropic
    // clients, though the AI SDK's provider expects it to end in /v1 and Anthropic's SDK does not.
    through = await runAll({
      OPENAI_BASE_URL: `${base}/openai`,
      ANTHROPIC_BASE_URL: `${base}/anthropic`,
      GOOGLE_GEMINI_BASE_URL: `${base}/gemini`,
      OLLAMA_HOST: `${base}/ollama`,
    });
    callsThrough = fake.requests.length - before;
    await gateway.stop();
  });

  after(() => fake.stop());

  test('every program gets through the gateway exactly what it gets directly', () => {
    for (const app of SDK_APPS) {
      for (const [scenario, output] of Object.entries(direct[app])) {
        assert.equal(output.error, undefined, `${app} ${scenario} succeeded directly`);
        assert.deepEqual(through[app][scenario], output, `${app} ${scenario}`);
      }
    }
  });

  test('each model call is one CLIENT span of its own trace, named by its operation and model and by its client', () => {
    const spans = gatewaySpans();
    assert.equal(spans.length, callsThrough);
    const clients = [...new Set(spans.map((span) => stringAttribute(span, 'service.name')))];
    for (const client of ['OpenAI/JS', 'ollama-js', 'google-genai-sdk']) {
      assert.ok(
        clients.some((name) => name.startsWith(client)),
        `${client} in ${clients.join(', ')}`,
      );
    }
    for (const span of spans) {
      assert.equal(span.parentSpanId, undefined, span.name);
      assert.match(span.name, /^(chat|generate_content|text_completion|embeddings) \S+$/);
    }
    assert.equal(store.traceCount, spans.length);
  });

  test('streamed answers: TTFT is the first content chunk’s delay, TPOT the chunk interval', () => {
    const streamed = gatewaySpans().filter(
      (span) =>
        span.attributes.get('gen_ai.request.stream') === true &&
        span.attributes.get(GatewayAttributes.outputTokensEstimated) === undefined,
    );
    // openai 3 (chat with usage, Responses), anthropic 1, gemini 1, ollama 2, ai 3.
    assert.ok(streamed.length >= 9, `${streamed.length} streamed calls`);
    for (const span of streamed) {
      const ttftMs = numberAttribute(span, 'gen_ai.response.time_to_first_chunk')! * 1000;
      assert.ok(
        ttftMs >= FIRST_CHUNK_DELAY_MS && ttftMs <= FIRST_CHUNK_DELAY_MS + TTFT_SLACK_MS,
        `${span.name} (${stringAttribute(span, 'service.name')}) TTFT ${ttftMs} ms`,
      );
      const tpotMs = numberAttribute(span, GatewayAttributes.timePerOutputToken)! * 1000;
      assert.ok(
        Math.abs(tpotMs - CHUNK_INTERVAL_MS) <= TPOT_TOLERANCE * CHUNK_INTERVAL_MS,
        `${span.name} TPOT ${tpotMs} ms`,
      );
    }
  });

  test('tokens are the usage the provider sent, cache counts included where the provider has them', () => {
    const reported = gatewaySpans().filter(
      (span) =>
        span.attributes.get('gen_ai.operation.name') !== 'embeddings' &&
        span.attributes.get(GatewayAttributes.outputTokensEstimated) === undefined,
    );
    assert.ok(reported.length >= 15, `${reported.length} calls with usage`);
    for (const span of reported) {
      const provider = stringAttribute(span, 'gen_ai.provider.name');
      assert.equal(span.attributes.get('gen_ai.usage.input_tokens'), USAGE.inputTokens, `${span.name} ${provider}`);
      assert.equal(span.attributes.get('gen_ai.usage.output_tokens'), USAGE.outputTokens, `${span.name} ${provider}`);
      if (provider !== 'ollama') {
        assert.equal(span.attributes.get('gen_ai.usage.cache_read.input_tokens'), USAGE.cacheReadTokens, `${provider}`);
      }
      if (provider === 'anthropic') {
        assert.equal(span.attributes.get('gen_ai.usage.cache_creation.input_tokens'), USAGE.cacheWriteTokens);
      }
    }
  });

  test('an OpenAI stream without usage gets output tokens counted from its text, marked as estimated', () => {
    const estimated = gatewaySpans().filter((span) => span.attributes.get(GatewayAttributes.outputTokensEstimated));
    assert.equal(estimated.length, 1);
    const [span] = estimated;
    const trueCount = fake.answerTokens();
    const counted = numberAttribute(span!, 'gen_ai.usage.output_tokens')!;
    assert.ok(Math.abs(counted - trueCount) <= TPOT_TOLERANCE * trueCount, `${counted} of ${trueCount} tokens`);
    assert.equal(span!.attributes.get(GatewayAttributes.inputTokensEstimated), true);
    assert.ok(numberAttribute(span!, 'gen_ai.usage.input_tokens')! > 0);
  });

  test('the prompts and answers are recorded as GenAI messages', () => {
    const answered = gatewaySpans().filter((span) => span.attributes.get('gen_ai.operation.name') !== 'embeddings');
    for (const span of answered) {
      const output = JSON.parse(stringAttribute(span, 'gen_ai.output.messages')) as {
        parts: { type: string; content?: string }[];
      }[];
      const text = output[0]?.parts.find((part) => part.type === 'text')?.content;
      assert.equal(text, fake.script.answer, span.name);
      assert.ok(stringAttribute(span, 'gen_ai.input.messages').includes('capital of France'), span.name);
    }
  });

  test('no API key reaches a span or the log, though every upstream request carried one', () => {
    const keys = [...Object.values(API_KEYS)];
    // A local Ollama takes no key.
    const requestsThrough = fake.requests.slice(-callsThrough).filter((request) => request.provider !== 'ollama');
    for (const request of requestsThrough) {
      const headers = JSON.stringify(request.headers);
      assert.ok(
        keys.some((key) => headers.includes(key)),
        `${request.provider} ${request.path} carried a key`,
      );
    }
    const stored = JSON.stringify(
      gatewaySpans().map((span) => [...span.attributes, ...span.resource.attributes]),
      (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value),
    );
    assert.ok(logLines.length >= callsThrough);
    for (const key of keys) {
      assert.ok(!stored.includes(key), `${key} in a span`);
      assert.ok(!logLines.some((line) => line.includes(key)), `${key} in the log`);
    }
  });
});

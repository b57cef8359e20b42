/**
 * Replay against a fake OpenAI-compatible server on loopback with scripted answers: the request it receives is the
 * edited document's wire form, the replay is stored as its own trace linked to the original span, Replay ×3 with
 * three scripted answers finds three distinct answers, and the API key sent never reaches the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICE_NAME } from '../../src/core/model';
import type { HttpModelRoute } from '../../src/core/modelRoutes/routes';
import { wireRequestFor, type TracedCallContext } from '../../src/core/modelRoutes/tracedCall';
import { buildReplayDocument } from '../../src/core/replay/buildDocument';
import type { ReplayDocument } from '../../src/core/replay/replayDocument';
import {
  REPLAY_CONCURRENCY,
  REPLAY_OF_ATTRIBUTE,
  REPLAY_SERVICE,
  runConcurrently,
  runOutcome,
  runReplay,
} from '../../src/core/replay/runReplay';
import { summarizeRuns } from '../../src/core/replay/runsSummary';
import { TraceStore } from '../../src/core/store/traceStore';
import { traceFileText } from '../../src/core/traceFile';
import { FakeModelServer } from '../support/fakeModelServer';
import { makeSpan } from '../support/spanBuilder';

const API_KEY = 'sk-replay-test-9f8e7d6c5b4a';
const ANSWERS = ['Paris.', 'It is Paris.', 'The capital of France is Paris.'];

const original = makeSpan({
  name: 'chat gpt-4o-mini',
  kind: 3,
  serviceName: 'travel-app',
  attributes: {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.temperature': 0.2,
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are terse.' }]),
    'gen_ai.input.messages': JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
    ]),
  },
});

describe('replay through an OpenAI-compatible endpoint', () => {
  const server = new FakeModelServer({
    answers: ANSWERS,
    usage: { promptTokens: 20, completionTokens: 5, cachedTokens: 0 },
  });
  const store = new TraceStore({ maxSpans: 10_000 });
  let route: HttpModelRoute;
  const logged: string[] = [];
  const keep = (line: string) => void logged.push(line);
  const context: TracedCallContext = {
    onSpans: (spans) => void store.ingest(spans),
    recordContent: true,
    proxy: undefined,
    log: { info: keep, warn: keep, error: keep },
  };

  before(async () => {
    route = { kind: 'endpoint', url: await server.start(), model: undefined, apiKey: API_KEY };
    store.ingest([original]);
  });
  after(() => server.stop());

  function editedDocument(): ReplayDocument {
    const built = buildReplayDocument(original);
    assert.ok('document' in built, 'the span has a replayable request');
    const document = built.document;
    assert.equal(document.messages[0]?.role, 'system');
    return {
      ...document,
      messages: [{ role: 'system', content: 'Answer in one word.' }, ...document.messages.slice(1)],
    };
  }

  it('sends the edited document as its wire form, and stores a replay trace linked to the original', async () => {
    const document = editedDocument();
    const result = await runReplay(document, route, context);

    assert.equal(result.error, undefined);
    assert.equal(result.text, ANSWERS[0]);
    const received = server.requests.at(-1)!;
    assert.deepEqual(received.body, wireRequestFor(route, document).body);
    assert.deepEqual((received.body.messages as unknown[])[0], { role: 'system', content: 'Answer in one word.' });
    assert.equal(received.headers.authorization, `Bearer ${API_KEY}`);

    const trace = store.getTrace(result.traceId);
    assert.ok(trace, 'the replay is a trace of its own');
    const spans = trace.spans().map((node) => node.span);
    assert.equal(spans.length, 2);
    const call = spans.find((span) => span.attributes.get('gen_ai.operation.name') === 'chat');
    assert.ok(call, 'the model call span is stored');
    assert.equal(call.parentSpanId, result.rootSpanId);
    assert.equal(call.attributes.get(REPLAY_OF_ATTRIBUTE), original.spanId);
    assert.deepEqual(
      call.links.map((link) => [link.traceId, link.spanId]),
      [[original.traceId, original.spanId]],
    );
    assert.equal(call.resource.attributes.get(SERVICE_NAME), REPLAY_SERVICE);
    assert.equal(call.attributes.get('gen_ai.usage.output_tokens'), 5);
    assert.equal(typeof call.attributes.get('gen_ai.response.time_to_first_chunk'), 'number');
  });

  it('Replay ×3 with three scripted answers finds three distinct answers', async () => {
    const calls = server.requests.length;
    const document = editedDocument();
    const outcomes = await runConcurrently(3, REPLAY_CONCURRENCY, async () =>
      runOutcome(await runReplay(document, route, context)),
    );
    const summary = summarizeRuns(outcomes);
    assert.equal(server.requests.length, calls + 3);
    assert.equal(summary.answers.length, 3);
    assert.deepEqual(summary.answers.map((answer) => answer.text).sort(), [...ANSWERS].sort());
    assert.equal(summary.outputTokens?.p50, 5);
    assert.equal(new Set(outcomes.map((outcome) => outcome.traceId)).size, 3);
  });

  it('never stores or logs the API key it sent', () => {
    assert.ok(server.requests.every((request) => request.headers.authorization === `Bearer ${API_KEY}`));
    const spans = store.traces().flatMap((trace) => trace.spans().map((node) => node.span));
    assert.ok(spans.length >= 7, 'the original and the replays are stored');
    const text = traceFileText(spans, []);
    assert.ok(text.includes('Answer in one word.'), 'the serialised store holds the replayed prompt');
    assert.ok(!text.includes(API_KEY));
    assert.ok(!text.includes(API_KEY.slice(3, 15)));
    assert.ok(logged.length >= 4, 'the private gateway logged each call');
    assert.ok(logged.every((line) => !line.includes(API_KEY.slice(3, 15))));
  });

  it('a cancelled call ends at once and is stored as failed', async () => {
    const slow = new FakeModelServer({ firstChunkDelayMs: 10_000 });
    const url = await slow.start();
    try {
      const abort = new AbortController();
      const started = Date.now();
      const running = runReplay(
        editedDocument(),
        { kind: 'endpoint', url, model: undefined, apiKey: API_KEY },
        { ...context, signal: abort.signal },
      );
      setTimeout(() => abort.abort(), 100);
      const result = await running;
      assert.ok(Date.now() - started < 5_000, 'the wait for the first chunk was cut short');
      assert.ok(result.error !== undefined, 'the run failed');
      const root = store.getTrace(result.traceId)?.getSpan(result.rootSpanId);
      assert.equal(root?.span.status.message, result.error);
    } finally {
      await slow.stop();
    }
  });
});

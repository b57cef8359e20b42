/**
 * `openai` 6 instrumented by OpenTelemetry's @opentelemetry/instrumentation-openai 0.22 (GenAI semantic conventions),
 * run under Node 22 against the real receiver, with agent and tool spans made as an agent framework makes them. What
 * the library records, and so what these tests hold it to: `chat {model}` / `embeddings {model}` CLIENT spans with
 * request and response model, input and output tokens (also when streamed, from the usage chunk), `error.type` on a
 * failed call, and with content capture on, the messages as GenAI event log records tied to the call's span. It
 * records no cached tokens, no streaming flag and no first-chunk time, so neither TTFT nor TPOT.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { StatusCode, durationNanos, nanosToMillis, type AttributeMap, type AttributeValue } from '../../src/core/model';
import { eventNameOf } from '../../src/core/otlp/logModel';
import type { SpanNode } from '../../src/core/store/types';
import { DEFAULT_ANSWER } from '../support/fakeModelServer';
import {
  assertCliAgrees,
  assertRunsInOrder,
  finishReasonsOf,
  onlyOfKind,
  runProducer,
  scenarioSpans,
  spanNamed,
  type ProducerRun,
} from './harness';
import {
  CHAT_MODEL,
  CLOCK_SLACK_MS,
  EMBEDDING_MODEL,
  MODEL_OPTIONS,
  REFUSAL,
  RESPONSE_MODEL,
  STREAM_MIN_MS,
  assertAppResults,
} from './openaiScenarios';

const USAGE = MODEL_OPTIONS.usage!;

/** A log body as plain JSON: OTLP key-value lists decode to Maps. */
function plain(value: AttributeValue): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, inner: unknown) =>
      inner instanceof Map ? Object.fromEntries(inner as AttributeMap) : inner,
    ),
  ) as unknown;
}

describe('openai + @opentelemetry/instrumentation-openai', () => {
  let run: ProducerRun;
  before(async () => {
    run = await runProducer({
      app: 'openai-otel.js',
      model: MODEL_OPTIONS,
      env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' },
    });
  });

  test('the app got the fake server answers through the instrumented client', () => {
    assertAppResults(run);
    assert.equal(run.model.requests.length, 6);
  });

  test('a chat completion is an OTel GenAI LLM span with both models and the usage tokens', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'chat'), 'llm');
    assert.equal(llm.span.name, `chat ${CHAT_MODEL}`);
    assert.equal(llm.ai.convention, 'otel-genai');
    assert.equal(llm.ai.provider, 'openai');
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    assert.equal(llm.ai.responseModel, RESPONSE_MODEL);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    // The library does not record prompt_tokens_details.cached_tokens.
    assert.equal(llm.ai.cachedTokens, undefined);
    assert.equal(llm.span.status.code, StatusCode.Unset);
  });

  test('a streamed completion keeps its usage; the span covers the stream, but no first-chunk time is recorded', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'stream'), 'llm');
    assert.equal(llm.ai.responseModel, RESPONSE_MODEL);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    assert.ok(nanosToMillis(durationNanos(llm.span)) >= STREAM_MIN_MS - CLOCK_SLACK_MS);
    assert.equal(llm.ai.streaming, undefined);
    assert.equal(llm.ai.ttftMs, undefined);
    assert.equal(llm.ai.tpotMs, undefined);
  });

  test('a tool-call round trip: invoke_agent holds the tool-calling LLM call, execute_tool, then the answering call', () => {
    const agent = spanNamed(run.store, 'invoke_agent weather-agent');
    assert.equal(agent.parent?.span.name, 'scenario agent');
    assert.equal(agent.ai.kind, 'agent');
    assert.equal(agent.ai.agentName, 'weather-agent');
    assert.equal(agent.children.length, 3);
    const toolCalling = agent.children.find(
      (child) => child.ai.kind === 'llm' && finishReasonsOf(child) === 'tool_calls',
    );
    const answering = agent.children.find((child) => child.ai.kind === 'llm' && finishReasonsOf(child) === 'stop');
    const tool = onlyOfKind(agent.children, 'tool');
    assert.equal(tool.ai.toolName, 'get_weather');
    assert.equal(tool.span.attributes.get('gen_ai.tool.call.id'), 'call_fake_3');
    assertRunsInOrder([toolCalling!, tool, answering!]);
    // The fake server saw the tool result in the second call's conversation.
    const secondCall = run.model.requests[3]!.body.messages as { role: string }[];
    assert.deepEqual(
      secondCall.map((message) => message.role),
      ['user', 'assistant', 'tool'],
    );
    // Agent spans repeat nothing; the trace sums its two model calls.
    const trace = run.store.getTrace(agent.span.traceId)!.summary;
    assert.equal(trace.tokens.inputTokens, 2 * USAGE.promptTokens);
    assert.equal(trace.tokens.outputTokens, 2 * USAGE.completionTokens);
    assert.deepEqual(
      trace.byModel.map(({ model, calls }) => ({ model, calls })),
      [{ model: RESPONSE_MODEL, calls: 2 }],
    );
    assert.equal(trace.callCounts.agent, 1);
    assert.equal(trace.callCounts.tool, 1);
  });

  test('embeddings are an embedding span with the input tokens', () => {
    const embedding = onlyOfKind(scenarioSpans(run.store, 'embeddings'), 'embedding');
    assert.equal(embedding.span.name, `embeddings ${EMBEDDING_MODEL}`);
    assert.equal(embedding.ai.requestModel, EMBEDDING_MODEL);
    assert.equal(embedding.ai.responseModel, EMBEDDING_MODEL);
    assert.equal(embedding.ai.inputTokens, USAGE.promptTokens);
    assert.equal(embedding.ai.outputTokens, undefined);
  });

  test('the refused call is an LLM span in error, with the API error message and type', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'failure'), 'llm');
    assert.equal(llm.span.status.code, StatusCode.Error);
    assert.equal(llm.span.status.message, `400 ${REFUSAL}`);
    assert.equal(llm.span.attributes.get('error.type'), 'BadRequestError');
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    assert.equal(llm.ai.inputTokens, undefined);
    assert.equal(run.store.getTrace(llm.span.traceId)!.summary.errorCount, 1);
  });

  test('message content arrives as GenAI event log records, each tied to its chat span', () => {
    const eventsOf = (node: SpanNode) =>
      run.logs
        .filter((record) => record.traceId === node.span.traceId && record.spanId === node.span.spanId)
        .map((record) => [eventNameOf(record), plain(record.body)]);
    const chat = onlyOfKind(scenarioSpans(run.store, 'chat'), 'llm');
    assert.deepEqual(eventsOf(chat), [
      ['gen_ai.system.message', { content: 'You answer geography questions.' }],
      ['gen_ai.user.message', { content: 'What is the capital of France?' }],
      ['gen_ai.choice', { finish_reason: 'stop', index: 0, message: { content: DEFAULT_ANSWER } }],
    ]);
    const agent = spanNamed(run.store, 'invoke_agent weather-agent');
    const answering = agent.children.find((child) => eventsOf(child).some(([name]) => name === 'gen_ai.tool.message'));
    assert.deepEqual(
      eventsOf(answering!).map(([name]) => name),
      ['gen_ai.user.message', 'gen_ai.assistant.message', 'gen_ai.tool.message', 'gen_ai.choice'],
    );
    assert.deepEqual(eventsOf(answering!)[2]![1], { id: 'call_fake_3', content: '18 degrees Celsius, sunny' });
    assert.ok(run.logs.every((record) => record.scope.name === '@opentelemetry/instrumentation-openai'));
  });

  test('the CLI reads the same exports into the same summary', async () => {
    const cli = await assertCliAgrees(run);
    const kinds = cli.traces.flatMap((trace) => trace.spans.map((span) => span.kind)).sort();
    assert.deepEqual(kinds, [
      'agent',
      'embedding',
      'llm',
      'llm',
      'llm',
      'llm',
      'llm',
      'other',
      'other',
      'other',
      'other',
      'other',
      'tool',
    ]);
  });
});

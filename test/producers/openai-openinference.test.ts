/**
 * `openai` 6 instrumented by Arize's @arizeai/openinference-instrumentation-openai 4.2 (OpenInference), under Node 22
 * against the real receiver, with AGENT and TOOL spans made as an OpenInference-instrumented framework makes them.
 * What the library records: `OpenAI Chat Completions` / `OpenAI Embeddings` spans with `llm.model_name` (the response's
 * model once a whole response arrived, the request's when streamed), token counts with cache reads for whole
 * responses, the request parameters as JSON. Not recorded: usage of a streamed response (it skips the usage chunk),
 * embedding usage, any first-chunk event (so no TTFT), and a call the API refuses: that span is never ended, so never
 * exported.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { StatusCode, durationNanos, nanosToMillis } from '../../src/core/model';
import {
  assertCliAgrees,
  assertRunsInOrder,
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
  RESPONSE_MODEL,
  STREAM_MIN_MS,
  assertAppResults,
} from './openaiScenarios';

const USAGE = MODEL_OPTIONS.usage!;

describe('openai + @arizeai/openinference-instrumentation-openai', () => {
  let run: ProducerRun;
  before(async () => {
    run = await runProducer({ app: 'openai-openinference.js', model: MODEL_OPTIONS });
  });

  test('the app got the fake server answers through the instrumented client', () => {
    assertAppResults(run);
    assert.equal(run.model.requests.length, 6);
  });

  test('a chat completion is an OpenInference LLM span with the usage, cache reads included', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'chat'), 'llm');
    assert.equal(llm.span.name, 'OpenAI Chat Completions');
    assert.equal(llm.ai.convention, 'openinference');
    assert.equal(llm.ai.provider, 'openai');
    // llm.model_name: the library overwrites the request's model with the response's; the request's is in the
    // invocation parameters.
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    assert.equal(llm.ai.responseModel, RESPONSE_MODEL);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    assert.equal(llm.ai.cachedTokens, USAGE.cachedTokens);
    assert.equal(llm.ai.reasoningTokens, 0);
    // A request without `stream` says nothing about streaming.
    assert.equal(llm.ai.streaming, undefined);
    assert.equal(llm.span.status.code, StatusCode.Ok);
  });

  test('a streamed completion is streaming (from its invocation parameters) and covers the stream, without usage or TTFT', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'stream'), 'llm');
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    assert.equal(llm.ai.streaming, true);
    assert.equal(llm.span.attributes.get('output.value'), 'The capital of France is Paris.');
    assert.ok(nanosToMillis(durationNanos(llm.span)) >= STREAM_MIN_MS - CLOCK_SLACK_MS);
    assert.equal(llm.ai.inputTokens, undefined);
    assert.equal(llm.ai.outputTokens, undefined);
    assert.equal(llm.ai.ttftMs, undefined);
    assert.equal(llm.ai.tpotMs, undefined);
  });

  test('a tool-call round trip: the AGENT span holds the tool-calling LLM call, the TOOL span, then the answering call', () => {
    const agent = spanNamed(run.store, 'invoke_agent weather-agent');
    assert.equal(agent.parent?.span.name, 'scenario agent');
    assert.equal(agent.ai.kind, 'agent');
    assert.equal(agent.ai.convention, 'openinference');
    assert.equal(agent.ai.agentName, 'weather-agent');
    assert.equal(agent.children.length, 3);
    const calledTool = (node: (typeof agent.children)[number]) =>
      node.span.attributes.get('llm.output_messages.0.message.tool_calls.0.tool_call.function.name');
    const toolCalling = agent.children.find((child) => child.ai.kind === 'llm' && calledTool(child) === 'get_weather');
    const answering = agent.children.find((child) => child.ai.kind === 'llm' && calledTool(child) === undefined);
    const tool = onlyOfKind(agent.children, 'tool');
    assert.equal(tool.ai.toolName, 'get_weather');
    assert.equal(tool.ai.convention, 'openinference');
    assertRunsInOrder([toolCalling!, tool, answering!]);
    // The answering call's input holds the tool result.
    assert.equal(answering!.span.attributes.get('llm.input_messages.2.message.content'), '18 degrees Celsius, sunny');
    const trace = run.store.getTrace(agent.span.traceId)!.summary;
    assert.equal(trace.tokens.inputTokens, 2 * USAGE.promptTokens);
    assert.equal(trace.tokens.outputTokens, 2 * USAGE.completionTokens);
    assert.equal(trace.tokens.cachedTokens, 2 * USAGE.cachedTokens);
    assert.equal(trace.callCounts.llm, 2);
  });

  test('embeddings are an embedding span with the model; the library records no embedding usage', () => {
    const embedding = onlyOfKind(scenarioSpans(run.store, 'embeddings'), 'embedding');
    assert.equal(embedding.span.name, 'OpenAI Embeddings');
    assert.equal(embedding.ai.requestModel, EMBEDDING_MODEL);
    assert.equal(embedding.span.attributes.get('embedding.embeddings.1.embedding.text'), 'Lyon');
    assert.equal(embedding.ai.inputTokens, undefined);
  });

  test('a call the API refuses leaves no span: the library never ends it', () => {
    assert.deepEqual(scenarioSpans(run.store, 'failure'), []);
    assert.match(JSON.stringify(run.model.requests[5]!.body), /PLEASE-FAIL/);
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
      'other',
      'other',
      'other',
      'other',
      'other',
      'tool',
    ]);
  });
});

/**
 * LangChain JS (@langchain/openai 1.6 ChatOpenAI, @langchain/core 1.4) instrumented by Arize's
 * @arizeai/openinference-instrumentation-langchain 4.1 (OpenInference), under Node 22 against the real receiver.
 * LangChain's callback runs become spans: `ChatOpenAI` LLM spans with the request's model, usage with cache reads
 * (also when streamed: LangChain keeps the usage chunk), the call options as `llm.invocation_parameters` (whose
 * `stream` is the model's `streaming` option: false for `.stream()` calls too, true for the calls of a model made
 * with `streaming: true`), runnables as
 * CHAIN spans and tools as TOOL spans, a refused call in error. Not recorded: the response model, the provider, a
 * first-token time (so no TTFT), and embeddings (LangChain runs no callbacks for them). LangChain core has no agent
 * run type, so a hand-made agent is a chain.
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
import { CHAT_MODEL, CLOCK_SLACK_MS, MODEL_OPTIONS, REFUSAL, STREAM_MIN_MS, assertAppResults } from './openaiScenarios';

const USAGE = MODEL_OPTIONS.usage!;

describe('LangChain + @arizeai/openinference-instrumentation-langchain', () => {
  let run: ProducerRun;
  before(async () => {
    run = await runProducer({ app: 'langchain-openinference.js', model: MODEL_OPTIONS });
  });

  test('the app got the fake server answers through LangChain', () => {
    assertAppResults(run);
    assert.deepEqual(run.output && (run.output as Record<string, unknown>).agent, {
      toolCall: 'get_weather',
      answer: 'The capital of France is Paris.',
    });
  });

  test('a chat call is an OpenInference LLM span with the request model and the usage, cache reads included', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'chat'), 'llm');
    assert.equal(llm.span.name, 'ChatOpenAI');
    assert.equal(llm.ai.convention, 'openinference');
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    // This instrumentation writes the configured model as `llm.model_name`, read as the model that answered.
    assert.equal(llm.ai.responseModel, CHAT_MODEL);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    assert.equal(llm.ai.cachedTokens, USAGE.cachedTokens);
    // ChatOpenAI's call options say `"stream":false`, for `.stream()` calls too, so they say nothing.
    assert.equal(llm.span.attributes.get('llm.invocation_parameters'), '{"model":"gpt-4o-mini","stream":false}');
    assert.equal(llm.ai.streaming, undefined);
    assert.equal(llm.span.status.code, StatusCode.Ok);
  });

  test('a streamed call keeps its usage and covers the stream, but nothing on it says it streamed: no flag, no TTFT', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'stream'), 'llm');
    assert.equal(llm.ai.streaming, undefined);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    assert.equal(llm.ai.cachedTokens, USAGE.cachedTokens);
    assert.ok(nanosToMillis(durationNanos(llm.span)) >= STREAM_MIN_MS - CLOCK_SLACK_MS);
    assert.equal(llm.ai.ttftMs, undefined);
    assert.equal(llm.ai.tpotMs, undefined);
  });

  test('a model made with streaming: true is streaming, from its call options', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'streaming-model'), 'llm');
    assert.equal(
      llm.span.attributes.get('llm.invocation_parameters'),
      '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true}}',
    );
    assert.equal(llm.ai.streaming, true);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(run.model.requests.filter((request) => request.body.stream === true).length, 2);
    assert.ok(nanosToMillis(durationNanos(llm.span)) >= STREAM_MIN_MS - CLOCK_SLACK_MS);
    assert.equal(llm.ai.ttftMs, undefined);
  });

  test('a tool-calling runnable is a chain holding the tool-calling LLM call, the TOOL span, then the answer', () => {
    const agent = spanNamed(run.store, 'weather-agent');
    assert.equal(agent.parent?.span.name, 'scenario agent');
    assert.equal(agent.ai.kind, 'chain');
    assert.equal(agent.children.length, 3);
    const llmCalls = agent.children.filter((child) => child.ai.kind === 'llm');
    const calledTool = (node: (typeof agent.children)[number]) =>
      node.span.attributes.get('llm.output_messages.0.message.tool_calls.0.tool_call.function.name');
    const toolCalling = llmCalls.find((child) => calledTool(child) === 'get_weather');
    const answering = llmCalls.find((child) => calledTool(child) === undefined);
    const tool = onlyOfKind(agent.children, 'tool');
    assert.equal(tool.span.name, 'get_weather');
    assert.equal(tool.ai.toolName, 'get_weather');
    assertRunsInOrder([toolCalling!, tool, answering!]);
    const trace = run.store.getTrace(agent.span.traceId)!.summary;
    assert.equal(trace.tokens.inputTokens, 2 * USAGE.promptTokens);
    assert.equal(trace.tokens.cachedTokens, 2 * USAGE.cachedTokens);
    assert.deepEqual(
      trace.byModel.map(({ model, calls }) => ({ model, calls })),
      [{ model: CHAT_MODEL, calls: 2 }],
    );
    assert.equal(trace.callCounts.chain, 1);
    assert.equal(trace.callCounts.tool, 1);
  });

  test('embeddings make no span: LangChain runs no callbacks for them', () => {
    assert.deepEqual(scenarioSpans(run.store, 'embeddings'), []);
    assert.equal(run.model.requests.filter((request) => request.path === '/v1/embeddings').length, 1);
  });

  test('the refused call is an LLM span in error, with the exception recorded', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'failure'), 'llm');
    assert.equal(llm.span.status.code, StatusCode.Error);
    assert.ok(llm.span.status.message.startsWith(`400 ${REFUSAL}`), llm.span.status.message);
    assert.deepEqual(
      llm.span.events.map((event) => event.name),
      ['exception'],
    );
    assert.equal(run.store.getTrace(llm.span.traceId)!.summary.errorCount, 1);
  });

  test('the CLI reads the same exports into the same summary', async () => {
    const cli = await assertCliAgrees(run);
    const kinds = cli.traces.flatMap((trace) => trace.spans.map((span) => span.kind)).sort();
    assert.deepEqual(kinds, [
      'chain',
      'llm',
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
      'other',
      'tool',
    ]);
  });
});

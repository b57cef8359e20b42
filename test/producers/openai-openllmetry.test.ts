/**
 * `openai` 6 instrumented by Traceloop's @traceloop/instrumentation-openai 0.27 (OpenLLMetry), under Node 22 against
 * the real receiver, with agent and tool spans carrying the attributes the Traceloop SDK's `withAgent`/`withTool`
 * set. What the library records: `chat {model}` spans in the OTel GenAI names (provider, operation, both models,
 * input and output tokens, messages as `gen_ai.input.messages`/`gen_ai.output.messages` JSON). Not recorded: cached
 * tokens, usage of a streamed response (it ignores the usage chunk unless it estimates tokens itself), a streaming
 * flag, per-chunk events (so no TTFT), embeddings (not instrumented), and a call the API refuses (its span is never
 * ended, so never exported).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { durationNanos, nanosToMillis } from '../../src/core/model';
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
  MODEL_OPTIONS,
  RESPONSE_MODEL,
  STREAM_MIN_MS,
  assertAppResults,
} from './openaiScenarios';

const USAGE = MODEL_OPTIONS.usage!;

describe('openai + @traceloop/instrumentation-openai', () => {
  let run: ProducerRun;
  before(async () => {
    run = await runProducer({ app: 'openai-openllmetry.js', model: MODEL_OPTIONS });
  });

  test('the app got the fake server answers through the instrumented client', () => {
    assertAppResults(run);
    assert.equal(run.model.requests.length, 6);
  });

  test('a chat completion is an LLM span in the GenAI names, with both models, the usage and the messages', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'chat'), 'llm');
    assert.equal(llm.span.name, `chat ${CHAT_MODEL}`);
    assert.equal(llm.ai.convention, 'otel-genai');
    assert.equal(llm.ai.provider, 'openai');
    assert.equal(llm.ai.requestModel, CHAT_MODEL);
    assert.equal(llm.ai.responseModel, RESPONSE_MODEL);
    assert.equal(llm.ai.inputTokens, USAGE.promptTokens);
    assert.equal(llm.ai.outputTokens, USAGE.completionTokens);
    assert.equal(llm.ai.cachedTokens, undefined);
    const inputMessages = llm.span.attributes.get('gen_ai.input.messages');
    assert.ok(typeof inputMessages === 'string', 'the input messages are JSON text');
    const input = JSON.parse(inputMessages) as { role: string }[];
    assert.deepEqual(
      input.map((message) => message.role),
      ['system', 'user'],
    );
  });

  test('a streamed completion covers the stream, with the response model but no usage, streaming flag or TTFT', () => {
    const llm = onlyOfKind(scenarioSpans(run.store, 'stream'), 'llm');
    assert.equal(llm.ai.responseModel, RESPONSE_MODEL);
    assert.ok(nanosToMillis(durationNanos(llm.span)) >= STREAM_MIN_MS - CLOCK_SLACK_MS);
    assert.equal(llm.ai.inputTokens, undefined);
    assert.equal(llm.ai.outputTokens, undefined);
    assert.equal(llm.ai.streaming, undefined);
    assert.equal(llm.ai.ttftMs, undefined);
  });

  test('a tool-call round trip: the Traceloop agent span holds the tool-calling LLM call, the tool span, then the answer', () => {
    const agent = spanNamed(run.store, 'invoke_agent weather-agent');
    assert.equal(agent.ai.kind, 'agent');
    assert.equal(agent.ai.convention, 'traceloop');
    assert.equal(agent.ai.agentName, 'weather-agent');
    assert.equal(agent.children.length, 3);
    // OpenLLMetry maps OpenAI's `tool_calls` to the GenAI convention's `tool_call`.
    const toolCalling = agent.children.find(
      (child) => child.ai.kind === 'llm' && finishReasonsOf(child) === 'tool_call',
    );
    const answering = agent.children.find((child) => child.ai.kind === 'llm' && finishReasonsOf(child) === 'stop');
    const tool = onlyOfKind(agent.children, 'tool');
    assert.equal(tool.ai.toolName, 'get_weather');
    assert.equal(tool.ai.convention, 'traceloop');
    assertRunsInOrder([toolCalling!, tool, answering!]);
    const trace = run.store.getTrace(agent.span.traceId)!.summary;
    assert.equal(trace.tokens.inputTokens, 2 * USAGE.promptTokens);
    assert.equal(trace.tokens.outputTokens, 2 * USAGE.completionTokens);
    assert.deepEqual(
      trace.byModel.map(({ model, calls }) => ({ model, calls })),
      [{ model: RESPONSE_MODEL, calls: 2 }],
    );
  });

  test('embeddings and the call the API refuses leave no span (not instrumented; never ended)', () => {
    assert.deepEqual(scenarioSpans(run.store, 'embeddings'), []);
    assert.deepEqual(scenarioSpans(run.store, 'failure'), []);
    assert.deepEqual(
      run.model.requests.map((request) => request.path),
      [
        'chat/completions',
        'chat/completions',
        'chat/completions',
        'chat/completions',
        'embeddings',
        'chat/completions',
      ].map((path) => `/v1/${path}`),
    );
  });

  test('the CLI reads the same exports into the same summary', async () => {
    const cli = await assertCliAgrees(run);
    const kinds = cli.traces.flatMap((trace) => trace.spans.map((span) => span.kind)).sort();
    assert.deepEqual(kinds, ['agent', 'llm', 'llm', 'llm', 'llm', 'other', 'other', 'other', 'other', 'other', 'tool']);
  });
});

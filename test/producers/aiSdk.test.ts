/**
 * The Vercel ai SDK 7 with @ai-sdk/openai-compatible against the fake model server, traced by @ai-sdk/otel
 * (apps/ai-sdk-agent.js): the GenAI-convention `OpenTelemetry` integration (`invoke_agent` → `step n` → `chat` /
 * `execute_tool`) for generateText, streamText, multi-step tool loops (one tool failing), embed, embedMany and a
 * failing call, and the `LegacyOpenTelemetry` integration (`ai.streamText` → `ai.streamText.doStream` →
 * `ai.toolCall`) for one streamed tool loop. Each call is its own trace, found by its telemetry functionId.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findToolRegistration } from '../../src/core/code/toolRegistration';
import { durationNanos, nanosToMillis, StatusCode } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { SpanNode, TraceRecord } from '../../src/core/store/types';
import { spanTooltipMarkdown } from '../../src/core/tooltip';
import { extractTranscript } from '../../src/core/transcript';
import type { FakeModelServerOptions } from '../support/fakeModelServer';
import { assertCliAgrees, runProducer, type ProducerRun } from './harness';

const MODEL: FakeModelServerOptions = {
  responseModel: 'gpt-4o-mini-2024-07-18',
  firstChunkDelayMs: 250,
  chunkDelayMs: 15,
  failures: [{ marker: 'FAIL_ME', status: 500, message: 'The model is overloaded' }],
};
const REQUEST_MODEL = 'gpt-4o-mini';
const EMBEDDING_MODEL = 'text-embedding-3-small';

interface AppOutput {
  generateText: string;
  streamText: string;
  agentSteps: number;
  legacyText: string;
  recoveredSteps: number;
  embeddingLength: number;
  embeddings: number;
  error: string;
}

/** The trace of one ai SDK call: its root is the call's wrapper, named after the functionId by both integrations. */
function traceOf(run: ProducerRun, functionId: string): TraceRecord {
  const matches = run.store.traces().filter((record) => record.roots[0]?.ai.agentName === functionId);
  assert.equal(matches.length, 1, `one trace for ${functionId}`);
  return matches[0]!;
}

/** The tree below `node` as indented `kind name` lines, to compare a whole shape at once. */
function shape(node: SpanNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node.ai.kind} ${node.span.name}`;
  return [line, ...node.children.flatMap((child) => shape(child, depth + 1))];
}

function spansOfKind(record: TraceRecord, kind: string): SpanNode[] {
  return record.spans().filter((node) => node.ai.kind === kind);
}

function durationMs(node: SpanNode): number {
  return nanosToMillis(durationNanos(node.span));
}

describe('Vercel ai SDK 7 + @ai-sdk/otel', () => {
  let run: ProducerRun;
  let output: AppOutput;
  before(async () => {
    run = await runProducer({ app: 'ai-sdk-agent.js', model: MODEL });
    output = run.output as AppOutput;
  });

  test("generateText: invoke_agent → step → chat, the model call's models and tokens are the server's", () => {
    const record = traceOf(run, 'answer-question');
    assert.deepEqual(shape(record.roots[0]!), [
      `agent invoke_agent ${REQUEST_MODEL}`,
      '  chain step 1',
      `    llm chat ${REQUEST_MODEL}`,
    ]);
    const [chat] = spansOfKind(record, 'llm');
    assert.deepEqual(chat!.ai, analyzeSpan(chat!.span));
    const { usage } = run.model.options;
    assert.equal(chat!.ai.convention, 'otel-genai');
    assert.equal(chat!.ai.provider, 'openai');
    assert.equal(chat!.ai.requestModel, REQUEST_MODEL);
    assert.equal(chat!.ai.responseModel, MODEL.responseModel);
    assert.equal(chat!.ai.inputTokens, usage.promptTokens);
    assert.equal(chat!.ai.outputTokens, usage.completionTokens);
    assert.equal(chat!.ai.cachedTokens, usage.cachedTokens);
    assert.notEqual(chat!.ai.streaming, true);
    assert.equal(chat!.ai.ttftMs, undefined);
    assert.equal(output.generateText, run.model.options.answer);
  });

  test('the wrapper repeats the usage, and the trace counts it once', () => {
    const record = traceOf(run, 'answer-question');
    const { usage } = run.model.options;
    assert.equal(record.roots[0]!.ai.inputTokens, usage.promptTokens);
    assert.deepEqual(record.summary.tokens, {
      inputTokens: usage.promptTokens,
      outputTokens: usage.completionTokens,
      cachedTokens: usage.cachedTokens,
      reasoningTokens: 0,
    });
    assert.deepEqual(
      record.summary.byModel.map(({ model, calls }) => ({ model, calls })),
      [{ model: MODEL.responseModel, calls: 1 }],
    );
  });

  test('streamText: TTFT from the SDK, at least the configured first-chunk delay, and TPOT derived from it', () => {
    const record = traceOf(run, 'stream-answer');
    const [chat] = spansOfKind(record, 'llm');
    const { ai } = chat!;
    assert.equal(ai.streaming, true);
    assert.equal(ai.outputTokens, run.model.options.usage.completionTokens);
    // The SDK's own measurement, in seconds, read as milliseconds.
    assert.equal(ai.ttftMs, Number(chat!.span.attributes.get('gen_ai.client.operation.time_to_first_chunk')) * 1000);
    assert.ok(
      ai.ttftMs >= MODEL.firstChunkDelayMs!,
      `TTFT ${ai.ttftMs} ms vs the server's ${MODEL.firstChunkDelayMs} ms delay`,
    );
    // The first chunk, not the last: the server sleeps between the chunks that follow it.
    const { chunkCount, chunkDelayMs } = run.model.options;
    assert.ok(
      durationMs(chat!) - ai.ttftMs >= chunkCount * chunkDelayMs,
      `TTFT ${ai.ttftMs} ms of ${durationMs(chat!)} ms`,
    );
    // The decode time (span end minus first chunk) over the tokens after the first.
    const expectedTpot = (durationMs(chat!) - ai.ttftMs) / (ai.outputTokens - 1);
    assert.ok(Math.abs(ai.tpotMs! - expectedTpot) < 1e-6, `TPOT ${ai.tpotMs} vs ${expectedTpot}`);
    const streamed = run.model.requests.filter((request) => request.body.stream === true);
    assert.ok(streamed.every((request) => (request.body.stream_options as { include_usage?: boolean }).include_usage));
    assert.equal(output.streamText, run.model.options.answer);
  });

  test('a multi-step tool loop: two model calls and the tool between them, tokens summed over the calls only', () => {
    const record = traceOf(run, 'weather-agent');
    assert.deepEqual(shape(record.roots[0]!), [
      `agent invoke_agent ${REQUEST_MODEL}`,
      '  chain step 1',
      `    llm chat ${REQUEST_MODEL}`,
      '    tool execute_tool get_weather',
      '  chain step 2',
      `    llm chat ${REQUEST_MODEL}`,
    ]);
    const [tool] = spansOfKind(record, 'tool');
    assert.equal(tool!.ai.toolName, 'get_weather');
    assert.equal(tool!.span.attributes.get('gen_ai.tool.call.arguments'), run.model.options.toolCall.arguments);
    const { usage } = run.model.options;
    // The root carries the loop's aggregated usage: counting it as well would double the total.
    assert.equal(record.roots[0]!.ai.inputTokens, 2 * usage.promptTokens);
    assert.equal(record.summary.tokens.inputTokens, 2 * usage.promptTokens);
    assert.equal(record.summary.tokens.outputTokens, 2 * usage.completionTokens);
    assert.equal(record.summary.callCounts.llm, 2);
    assert.equal(record.summary.callCounts.tool, 1);
    assert.equal(output.agentSteps, 2);
  });

  test("the loop's conversation: the wrapper's summary splits into the assistant turn and the tool result", () => {
    const record = traceOf(run, 'weather-agent');
    const [tool] = spansOfKind(record, 'tool');
    const callId = tool!.span.attributes.get('gen_ai.tool.call.id');
    assert.ok(typeof callId === 'string', 'the tool span has its call id');
    const toolCall = { name: 'get_weather', arguments: run.model.options.toolCall.arguments };
    const toolResult = { role: 'tool', text: '{"city":"Paris","forecast":"sunny","celsius":21}', toolCallId: callId };
    assert.deepEqual(extractTranscript(record.roots[0]!.span), [
      { role: 'user', text: 'What is the weather in Paris?' },
      { role: 'assistant', text: run.model.options.answer, toolCalls: [toolCall] },
      toolResult,
    ]);
    const secondCall = spansOfKind(record, 'llm')[1]!;
    assert.deepEqual(extractTranscript(secondCall.span), [
      { role: 'user', text: 'What is the weather in Paris?' },
      { role: 'assistant', text: '', toolCalls: [toolCall] },
      toolResult,
      { role: 'assistant', text: run.model.options.answer },
    ]);
  });

  test('legacy ai.* spans: wrapper agent, doStream model calls with the SDK TTFT, ai.toolCall tool', () => {
    const record = traceOf(run, 'legacy-weather-agent');
    assert.deepEqual(shape(record.roots[0]!), [
      'agent ai.streamText',
      '  llm ai.streamText.doStream',
      '    tool ai.toolCall',
      '  llm ai.streamText.doStream',
    ]);
    const { usage } = run.model.options;
    for (const call of spansOfKind(record, 'llm')) {
      assert.equal(call.ai.convention, 'vercel-ai');
      assert.equal(call.ai.provider, 'openai');
      assert.equal(call.ai.requestModel, REQUEST_MODEL);
      assert.equal(call.ai.responseModel, MODEL.responseModel);
      assert.equal(call.ai.inputTokens, usage.promptTokens);
      assert.equal(call.ai.outputTokens, usage.completionTokens);
      assert.equal(call.ai.cachedTokens, usage.cachedTokens);
      assert.equal(call.ai.streaming, true);
      assert.equal(call.ai.ttftMs, call.span.attributes.get('ai.response.msToFirstChunk'));
      assert.ok(call.ai.ttftMs! >= MODEL.firstChunkDelayMs!, `TTFT ${call.ai.ttftMs} ms`);
      // The SDK's own finish time, not the span end, bounds the decode time.
      const msToFinish = Number(call.span.attributes.get('ai.response.msToFinish'));
      assert.ok(Math.abs(call.ai.tpotMs! - (msToFinish - call.ai.ttftMs!) / (usage.completionTokens - 1)) < 1e-6);
    }
    const [tool] = spansOfKind(record, 'tool');
    assert.equal(tool!.ai.toolName, 'get_weather');
    assert.equal(record.summary.tokens.inputTokens, 2 * usage.promptTokens);
    assert.equal(record.summary.tokens.cachedTokens, 2 * usage.cachedTokens);
    assert.equal(output.legacyText, run.model.options.answer);
  });

  test('a tool that throws: its execute_tool span is the one error, and the loop goes on to an answer', () => {
    const record = traceOf(run, 'failing-tool-agent');
    const [tool] = spansOfKind(record, 'tool');
    assert.equal(tool!.ai.toolName, 'get_weather');
    assert.equal(tool!.span.status.code, StatusCode.Error);
    assert.equal(tool!.span.status.message, 'weather service unavailable');
    assert.ok(tool!.span.events.some((event) => event.name === 'exception'));
    assert.equal(record.summary.errorCount, 1);
    assert.equal(record.summary.callCounts.llm, 2);
    assert.equal(output.recoveredSteps, 2);
    // The model was shown the error as the tool's result.
    const toolResults = run.model.requests.filter((request) =>
      JSON.stringify(request.body).includes('weather service unavailable'),
    );
    assert.equal(toolResults.length, 1);
  });

  test('embed and embedMany: the wrapper is a chain, its provider call the one embedding call with the usage', () => {
    const records = run.store
      .traces()
      .filter((record) => record.roots[0]!.span.name === `embeddings ${EMBEDDING_MODEL}`)
      .sort((a, b) => Number(a.summary.startTimeUnixNano - b.summary.startTimeUnixNano));
    assert.equal(records.length, 2);
    for (const record of records) {
      assert.deepEqual(shape(record.roots[0]!), [
        `chain embeddings ${EMBEDDING_MODEL}`,
        `  embedding embeddings ${EMBEDDING_MODEL}`,
      ]);
      assert.equal(record.summary.callCounts.embedding, 1);
      assert.equal(record.summary.tokens.inputTokens, run.model.options.usage.promptTokens);
      assert.deepEqual(
        record.summary.byModel.map(({ model, calls }) => ({ model, calls })),
        [{ model: EMBEDDING_MODEL, calls: 1 }],
      );
    }
    const embeddingInputs = run.model.requests
      .filter((request) => request.path === '/v1/embeddings')
      .map((request) => request.body.input);
    assert.deepEqual(embeddingInputs, [['Paris'], ['Paris', 'Lyon', 'Nice']]);
    assert.equal(output.embeddingLength, run.model.options.embeddingDimensions);
    assert.equal(output.embeddings, 3);
  });

  test('a failed model call is an error on the chat span and up to the wrapper', () => {
    const record = traceOf(run, 'failing-call');
    const [chat] = spansOfKind(record, 'llm');
    assert.equal(chat!.span.status.code, StatusCode.Error);
    assert.ok(chat!.span.events.some((event) => event.name === 'exception'));
    assert.equal(record.roots[0]!.span.status.code, StatusCode.Error);
    assert.equal(record.roots[0]!.span.status.message, 'The model is overloaded');
    assert.ok(record.summary.errorCount >= 1);
    assert.equal(record.summary.tokens.inputTokens, 0);
    assert.equal(output.error, 'The model is overloaded');
    assert.match(spanTooltipMarkdown(chat!), /Status: \*\*error\*\*/);
  });

  test('every call reached the model server once: nothing retried, nothing lost', () => {
    // 1 generateText + 1 streamText + 2 agent steps + 2 legacy steps + 2 failing-tool steps + 2 embeddings + 1 failure.
    assert.equal(run.model.requests.length, 11);
    assert.equal(run.store.traces().length, 8);
  });

  test('the tool span shows its name, and jump to code finds the tool({…}) it was defined by', async () => {
    const [tool] = spansOfKind(traceOf(run, 'weather-agent'), 'tool');
    assert.match(spanTooltipMarkdown(tool!), /Tool: get\\_weather/);
    const appFile = fileURLToPath(new URL('./apps/ai-sdk-agent.js', import.meta.url));
    const source = await readFile(appFile, 'utf8');
    const match = findToolRegistration(source, tool!.ai.toolName!);
    assert.equal(match?.label, 'tool({…}) keyed by name');
    assert.match(source.split('\n')[match.line - 1]!, /get_weather: tool\(\{/);
  });

  test('the CLI reads the same exports into the same summary', async () => {
    const cli = await assertCliAgrees(run);
    const kinds: Record<string, number> = {};
    for (const span of cli.traces.flatMap((trace) => trace.spans)) kinds[span.kind] = (kinds[span.kind] ?? 0) + 1;
    // Six wrappers (five invoke_agent, one ai.streamText); nine model calls; seven steps and two embedding wrappers.
    assert.deepEqual(kinds, { agent: 6, chain: 9, llm: 9, tool: 3, embedding: 2 });
  });
});

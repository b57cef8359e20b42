/**
 * Every attribute key the analyzer reads, alone on a span (or with the one key or span name it qualifies), has its
 * effect. The convention tables test producers' real spans, where one convention's keys often repeat another's; these
 * cases fail if a change to how keys are looked up (keyFamilies.ts) stops reading a key, or reads one only when its
 * convention's other keys are there. The last test keeps the cases in step with the keys the analyzer reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readKeys } from '../../src/core/semantics/keyFamilies';
import { runCases, type Case } from './semanticsCases';

/** A name classified as an LLM call by the name heuristics alone, for keys read on LLM spans only. */
const LLM_NAME = 'call_llm';

const single = (key: string, value: string | number | boolean, expected: Case['expected'], name?: string): Case => ({
  title: `${key} alone`,
  span: { name, attributes: { [key]: value } },
  expected,
});

const OTEL_GENAI: Case[] = [
  single('gen_ai.operation.name', 'chat', { kind: 'llm', convention: 'otel-genai' }),
  single('gen_ai.operation.name', 'chat.streaming_completions', { kind: 'llm', streaming: true }),
  single('gen_ai.provider.name', 'anthropic', { provider: 'anthropic' }),
  single('gen_ai.system', 'cohere', { provider: 'cohere' }),
  single('gen_ai.request.model', 'gpt-4o', { requestModel: 'gpt-4o' }),
  single('gen_ai.response.model', 'gpt-4o-2024-08-06', { responseModel: 'gpt-4o-2024-08-06' }),
  single('gen_ai.usage.input_tokens', 101, { inputTokens: 101 }),
  single('gen_ai.usage.prompt_tokens', 102, { inputTokens: 102 }),
  single('gen_ai.usage.output_tokens', 103, { outputTokens: 103 }),
  single('gen_ai.usage.completion_tokens', 104, { outputTokens: 104 }),
  single('gen_ai.usage.cache_read.input_tokens', 105, { cachedTokens: 105 }),
  single('gen_ai.usage.cache_read_input_tokens', 106, { cachedTokens: 106 }),
  single('gen_ai.usage.cache_write.input_tokens', 110, { cacheWriteTokens: 110 }),
  single('gen_ai.usage.cache_creation.input_tokens', 111, { cacheWriteTokens: 111 }),
  single('gen_ai.usage.cache_creation_input_tokens', 112, { cacheWriteTokens: 112 }),
  single('gen_ai.usage.reasoning.output_tokens', 107, { reasoningTokens: 107 }),
  single('gen_ai.usage.reasoning_tokens', 108, { reasoningTokens: 108 }),
  single('gen_ai.request.stream', true, { streaming: true }),
  single('gen_ai.is_streaming', false, { streaming: false }),
  single('gen_ai.response.time_to_first_chunk', 0.25, { ttftMs: 250 }, LLM_NAME),
  single('gen_ai.client.operation.time_to_first_chunk', 0.5, { ttftMs: 500 }, LLM_NAME),
  single('gen_ai.tool.name', 'get_weather', { toolName: 'get_weather' }),
  single('gen_ai.agent.name', 'planner', { agentName: 'planner' }),
  {
    title: 'pre-1.31 model and usage, no operation name',
    span: { attributes: { 'gen_ai.response.model': 'gpt-4o', 'gen_ai.usage.completion_tokens': 9 } },
    expected: { kind: 'llm', convention: 'heuristic' },
  },
  {
    title: 'v7 embeddings wrapper without usage',
    span: { scopeName: 'gen_ai', attributes: { 'gen_ai.operation.name': 'embeddings' } },
    expected: { kind: 'chain', convention: 'otel-genai' },
  },
];

const OPEN_INFERENCE: Case[] = [
  single('openinference.span.kind', 'RETRIEVER', { kind: 'retriever', convention: 'openinference' }),
  single('llm.provider', 'azure', { provider: 'azure' }),
  single('llm.system', 'anthropic', { provider: 'anthropic' }),
  single('llm.model_name', 'gpt-4o-mini-2024-07-18', {
    requestModel: undefined,
    responseModel: 'gpt-4o-mini-2024-07-18',
  }),
  single('embedding.model_name', 'text-embedding-3-small', { requestModel: 'text-embedding-3-small' }),
  single('reranker.model_name', 'rerank-v3', { requestModel: 'rerank-v3' }),
  single('llm.token_count.prompt', 201, { inputTokens: 201 }),
  single('llm.token_count.completion', 202, { outputTokens: 202 }),
  single('llm.token_count.prompt_details.cache_read', 203, { cachedTokens: 203 }),
  single('llm.token_count.prompt_details.cache_write', 205, { cacheWriteTokens: 205 }),
  single('llm.token_count.completion_details.reasoning', 204, { reasoningTokens: 204 }),
  single('llm.invocation_parameters', '{"model":"gpt-4o","stream":true}', { streaming: true, requestModel: 'gpt-4o' }),
  single('tool.name', 'search_docs', { toolName: 'search_docs' }),
  single('agent.name', 'researcher', { agentName: 'researcher' }),
  single('time_to_first_token_ms', 320, { ttftMs: 320 }, LLM_NAME),
];

const OPENLLMETRY: Case[] = [
  single('llm.request.type', 'embedding', { kind: 'embedding', convention: 'traceloop' }),
  single('traceloop.span.kind', 'workflow', { kind: 'chain', convention: 'traceloop' }),
  single('llm.vendor', 'OpenAI', { provider: 'OpenAI' }),
  single('llm.request.model_name', 'gpt-3.5-turbo', { requestModel: 'gpt-3.5-turbo' }),
  single('llm.request.model', 'gpt-3.5-turbo-16k', { requestModel: 'gpt-3.5-turbo-16k' }),
  single('llm.response.model_name', 'gpt-3.5-turbo-0125', { responseModel: 'gpt-3.5-turbo-0125' }),
  single('llm.response.model', 'gpt-3.5-turbo-0613', { responseModel: 'gpt-3.5-turbo-0613' }),
  single('llm.usage.prompt_tokens', 301, { inputTokens: 301 }),
  single('llm.usage.completion_tokens', 302, { outputTokens: 302 }),
  single('llm.usage.reasoning_tokens', 303, { reasoningTokens: 303 }),
  single('llm.is_streaming', true, { streaming: true }),
  {
    title: 'traceloop.entity.name of a tool',
    span: { attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'list_files' } },
    expected: { kind: 'tool', toolName: 'list_files' },
  },
  {
    title: 'traceloop.entity.name of an agent',
    span: { attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'triage' } },
    expected: { kind: 'agent', agentName: 'triage' },
  },
];

const VERCEL_AI: Case[] = [
  single('ai.operationId', 'ai.streamText', { kind: 'agent', convention: 'vercel-ai', streaming: true }),
  single('ai.model.provider', 'mistral.chat', { provider: 'mistral' }),
  single('ai.model.id', 'claude-sonnet-4', { requestModel: 'claude-sonnet-4' }),
  single('ai.response.model', 'claude-sonnet-4-20250514', { responseModel: 'claude-sonnet-4-20250514' }),
  single('ai.usage.inputTokens', 401, { inputTokens: 401 }),
  single('ai.usage.promptTokens', 402, { inputTokens: 402 }),
  single('ai.usage.tokens', 403, { inputTokens: 403 }),
  single('ai.usage.outputTokens', 404, { outputTokens: 404 }),
  single('ai.usage.completionTokens', 405, { outputTokens: 405 }),
  single('ai.usage.inputTokenDetails.cacheReadTokens', 406, { cachedTokens: 406 }),
  single('ai.usage.cachedInputTokens', 407, { cachedTokens: 407 }),
  single('ai.usage.inputTokenDetails.cacheWriteTokens', 410, { cacheWriteTokens: 410 }),
  single('ai.usage.outputTokenDetails.reasoningTokens', 408, { reasoningTokens: 408 }),
  single('ai.usage.reasoningTokens', 409, { reasoningTokens: 409 }),
  single('ai.toolCall.name', 'get_weather', { toolName: 'get_weather' }),
  single('ai.response.msToFirstChunk', 410, { ttftMs: 410 }, LLM_NAME),
  single('ai.stream.msToFirstChunk', 411, { ttftMs: 411 }, LLM_NAME),
  {
    title: 'ai.response.msToFinish times the decoding',
    span: {
      name: LLM_NAME,
      attributes: { 'ai.response.msToFirstChunk': 250, 'ai.response.msToFinish': 1250, 'ai.usage.outputTokens': 11 },
    },
    expected: { tpotMs: 100 },
  },
  {
    title: 'ai.telemetry.functionId names the wrapper',
    span: { attributes: { 'ai.operationId': 'ai.generateText', 'ai.telemetry.functionId': 'billing' } },
    expected: { kind: 'agent', agentName: 'billing' },
  },
];

const OTHERS: Case[] = [
  single('mcp.method.name', 'tools/list', { kind: 'mcp', convention: 'otel-mcp' }),
  single('langsmith.span.kind', 'retriever', { kind: 'retriever', convention: 'otel-genai' }),
  single('langsmith.request.streaming', true, { streaming: true }),
  single('agent_name', 'support', { agentName: 'support' }),
  single('rpc.system', 'jsonrpc', { kind: 'mcp', convention: 'heuristic' }, 'MCP request: tools/list'),
];

const CODE_LOCATION: Case[] = [
  single('code.file.path', '/srv/app.py', { code: { file: '/srv/app.py', line: undefined, function: undefined } }),
  single('code.filepath', '/srv/old.py', { code: { file: '/srv/old.py', line: undefined, function: undefined } }),
  single('code.line.number', 12, { code: { file: undefined, line: 12, function: undefined } }),
  single('code.lineno', 13, { code: { file: undefined, line: 13, function: undefined } }),
  single('code.function.name', 'Cart.add', { code: { file: undefined, line: undefined, function: 'Cart.add' } }),
  single('code.function', 'add', { code: { file: undefined, line: undefined, function: 'add' } }),
  {
    title: 'code.namespace qualifies code.function',
    span: { attributes: { 'code.function': 'add', 'code.namespace': 'Cart' } },
    expected: { code: { file: undefined, line: undefined, function: 'Cart.add' } },
  },
];

const CASES: Record<string, Case[]> = {
  'OTel GenAI': OTEL_GENAI,
  OpenInference: OPEN_INFERENCE,
  'OpenLLMetry / Traceloop': OPENLLMETRY,
  'Vercel AI SDK': VERCEL_AI,
  'MCP, LangSmith, Pydantic AI, Logfire': OTHERS,
  'code location': CODE_LOCATION,
};

for (const [convention, cases] of Object.entries(CASES))
  describe(`each key alone: ${convention}`, () => runCases(cases));

test('the cases above cover every key the analyzer reads', () => {
  const covered = new Set(
    Object.values(CASES)
      .flat()
      .flatMap(({ span }) => Object.keys(span.attributes ?? {})),
  );
  assert.deepEqual(
    readKeys().filter((key) => !covered.has(key)),
    [],
  );
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { toolCallOf } from '../../src/core/semantics/extract';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import { makeSpan, type SpanInit } from '../support/spanBuilder';

interface Case {
  title: string;
  span: SpanInit;
  expected: Partial<AiSpanInfo>;
}

/** Compares only the fields a case names, so each case states what its convention carries. */
function assertCase({ span, expected }: Case): void {
  const info = analyzeSpan(makeSpan(span));
  const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, info[key as keyof AiSpanInfo]]));
  assert.deepEqual(actual, expected);
}

function runCases(cases: Case[]): void {
  for (const c of cases) test(c.title, () => assertCase(c));
}

describe('OTel GenAI semantic conventions', () => {
  runCases([
    {
      title: 'v1.37+ chat span with cache and reasoning usage',
      span: {
        name: 'chat gpt-4o',
        kind: SpanKind.Client,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.response.finish_reasons': ['stop'],
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.cache_read.input_tokens': 1024,
          'gen_ai.usage.cache_creation.input_tokens': 0,
          'gen_ai.usage.reasoning.output_tokens': 128,
          'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]',
        },
      },
      expected: {
        kind: 'llm',
        convention: 'otel-genai',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        inputTokens: 1200,
        outputTokens: 300,
        cachedTokens: 1024,
        reasoningTokens: 128,
        streaming: undefined,
        ttftMs: undefined,
      },
    },
    {
      title: 'v1.26 span without an operation name: prompt/completion tokens, recognised by model + usage',
      span: {
        name: 'chat gpt-4',
        kind: SpanKind.Client,
        attributes: {
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4',
          'gen_ai.response.model': 'gpt-4-0613',
          'gen_ai.usage.prompt_tokens': 42,
          'gen_ai.usage.completion_tokens': 7,
        },
      },
      expected: {
        kind: 'llm',
        convention: 'heuristic',
        provider: 'openai',
        inputTokens: 42,
        outputTokens: 7,
      },
    },
    {
      title: 'deprecated gen_ai.system members are renamed to their provider.name spelling',
      span: {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'az.ai.openai',
          'gen_ai.request.model': 'gpt-4o',
        },
      },
      expected: { kind: 'llm', provider: 'azure.ai.openai' },
    },
    {
      title: 'generate_content and text_completion are model calls',
      span: { attributes: { 'gen_ai.operation.name': 'generate_content', 'gen_ai.provider.name': 'gcp.gemini' } },
      expected: { kind: 'llm', convention: 'otel-genai', provider: 'gcp.gemini' },
    },
    {
      title: 'embeddings',
      span: {
        name: 'embeddings text-embedding-3-small',
        kind: SpanKind.Client,
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 16,
        },
      },
      expected: {
        kind: 'embedding',
        convention: 'otel-genai',
        requestModel: 'text-embedding-3-small',
        inputTokens: 16,
      },
    },
    {
      title: 'invoke_agent is an agent even though it carries aggregated usage',
      span: {
        name: 'invoke_agent weather-bot',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.provider.name': 'openai',
          'gen_ai.agent.name': 'weather-bot',
          'gen_ai.agent.id': 'asst_1',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 900,
        },
      },
      expected: { kind: 'agent', convention: 'otel-genai', agentName: 'weather-bot', inputTokens: 900 },
    },
    {
      title: 'create_agent',
      span: { attributes: { 'gen_ai.operation.name': 'create_agent', 'gen_ai.agent.name': 'planner' } },
      expected: { kind: 'agent', agentName: 'planner' },
    },
    {
      title: 'execute_tool',
      span: {
        name: 'execute_tool get_weather',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.id': 'call_1',
          'gen_ai.tool.type': 'function',
        },
      },
      expected: { kind: 'tool', convention: 'otel-genai', toolName: 'get_weather' },
    },
    {
      title: 'retrieval',
      span: { attributes: { 'gen_ai.operation.name': 'retrieval', 'gen_ai.data_source.id': 'kb-1' } },
      expected: { kind: 'retriever', convention: 'otel-genai' },
    },
    {
      title: 'search_memory',
      span: { attributes: { 'gen_ai.operation.name': 'search_memory' } },
      expected: { kind: 'retriever', convention: 'otel-genai' },
    },
    {
      title: 'invoke_workflow',
      span: { attributes: { 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'crew' } },
      expected: { kind: 'chain', convention: 'otel-genai' },
    },
    {
      title: 'plan',
      span: { attributes: { 'gen_ai.operation.name': 'plan' } },
      expected: { kind: 'chain', convention: 'otel-genai' },
    },
    {
      title: 'an operation the table does not know falls through to other',
      span: { attributes: { 'gen_ai.operation.name': 'create_memory' } },
      expected: { kind: 'other', convention: undefined },
    },
    {
      title: 'Semantic Kernel streaming operation name',
      span: {
        name: 'chat.streaming_completions gpt-4o',
        attributes: {
          'gen_ai.operation.name': 'chat.streaming_completions',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 10,
        },
      },
      expected: { kind: 'llm', convention: 'otel-genai', streaming: true },
    },
    {
      title: 'Google ADK call_llm: framework gen_ai.system is not a provider',
      span: {
        name: 'call_llm',
        attributes: {
          'gen_ai.system': 'gcp.vertex.agent',
          'gen_ai.request.model': 'gemini-2.0-flash',
          'gcp.vertex.agent.invocation_id': 'e-1',
        },
      },
      expected: { kind: 'llm', convention: 'heuristic', provider: undefined, requestModel: 'gemini-2.0-flash' },
    },
    {
      title: 'Logfire embedding span recognised by name',
      span: {
        name: "Embedding Creation with 'text-embedding-3-small'",
        attributes: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'text-embedding-3-small' },
      },
      expected: { kind: 'embedding', convention: 'heuristic' },
    },
  ]);
});

describe('MCP', () => {
  runCases([
    {
      title: 'semconv client tools/call: kind mcp with the tool name',
      span: {
        name: 'tools/call get-weather',
        kind: SpanKind.Client,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'get-weather',
          'gen_ai.operation.name': 'execute_tool',
          'jsonrpc.request.id': '5',
          'mcp.session.id': '191c4850af6c49e08843a3f6c80e5046',
          'mcp.protocol.version': '2025-06-18',
          'network.transport': 'pipe',
        },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp', toolName: 'get-weather' },
    },
    {
      title: 'semconv server span',
      span: {
        name: 'tools/call get-weather',
        kind: SpanKind.Server,
        attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get-weather', 'jsonrpc.request.id': '5' },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp', toolName: 'get-weather' },
    },
    {
      title: 'semconv initialize has no tool',
      span: { name: 'initialize', kind: SpanKind.Client, attributes: { 'mcp.method.name': 'initialize' } },
      expected: { kind: 'mcp', convention: 'otel-mcp', toolName: undefined },
    },
    {
      title: 'an INTERNAL execute_tool span merged with MCP attributes is an MCP call',
      span: {
        name: 'execute_tool search',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'search',
          'mcp.method.name': 'tools/call',
        },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp', toolName: 'search' },
    },
    {
      title: 'MCP Python SDK: tool name from the span name',
      span: {
        name: 'MCP send tools/call get_forecast',
        kind: SpanKind.Client,
        scopeName: 'mcp-python-sdk',
        attributes: { 'mcp.method.name': 'tools/call', 'jsonrpc.request.id': 3 },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp', toolName: 'get_forecast' },
    },
    {
      title: 'Logfire MCP client span: JSON-RPC attributes and an MCP name',
      span: {
        name: 'MCP request: tools/call add',
        kind: SpanKind.Client,
        scopeName: 'logfire',
        attributes: { 'rpc.system': 'jsonrpc', 'rpc.jsonrpc.version': '2.0', 'rpc.method': 'tools/call' },
      },
      expected: { kind: 'mcp', convention: 'heuristic', toolName: 'add' },
    },
    {
      title: 'OpenLLMetry MCP tool call: a Traceloop tool span from the MCP instrumentation',
      span: {
        name: 'get_forecast.tool',
        scopeName: 'opentelemetry.instrumentation.mcp.instrumentation',
        attributes: {
          'traceloop.span.kind': 'tool',
          'traceloop.entity.name': 'get_forecast',
          'traceloop.entity.input': '{"tool_name":"get_forecast","arguments":{"city":"Paris"}}',
        },
      },
      expected: { kind: 'mcp', convention: 'traceloop', toolName: 'get_forecast' },
    },
    {
      title: 'OpenLLMetry JS MCP tool call (@traceloop/instrumentation-mcp 0.27): MCP, not a plain Traceloop tool',
      span: {
        name: 'get_weather.tool',
        kind: SpanKind.Client,
        scopeName: '@traceloop/instrumentation-mcp',
        attributes: {
          'traceloop.span.kind': 'tool',
          'traceloop.entity.name': 'get_weather',
          'traceloop.entity.input': '{"tool_name":"get_weather","arguments":{"city":"Paris"}}',
        },
      },
      expected: { kind: 'mcp', convention: 'traceloop', toolName: 'get_weather' },
    },
    {
      title: 'OpenLLMetry MCP other method',
      span: { name: 'tools/list.mcp', attributes: { 'traceloop.entity.input': '{}' } },
      expected: { kind: 'mcp', convention: 'traceloop', toolName: undefined },
    },
    {
      title: 'OpenLLMetry FastMCP server span',
      span: {
        name: 'mcp.server',
        attributes: { 'traceloop.span.kind': 'server', 'traceloop.entity.name': 'mcp.server' },
      },
      expected: { kind: 'mcp', convention: 'traceloop' },
    },
  ]);
});

describe('OpenInference', () => {
  runCases([
    {
      title: 'LLM span: host provider, model, token counts with details',
      span: {
        name: 'ChatCompletion',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.system': 'openai',
          'llm.provider': 'azure',
          'llm.model_name': 'gpt-4o-mini',
          'llm.token_count.prompt': 50,
          'llm.token_count.completion': 10,
          'llm.token_count.total': 60,
          'llm.token_count.prompt_details.cache_read': 20,
          'llm.token_count.completion_details.reasoning': 4,
          'llm.invocation_parameters': '{"model":"gpt-4o-mini","temperature":0}',
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.content': 'hello',
          'input.value': '{"messages":[]}',
          'input.mime_type': 'application/json',
        },
      },
      expected: {
        kind: 'llm',
        convention: 'openinference',
        provider: 'azure',
        requestModel: 'gpt-4o-mini',
        inputTokens: 50,
        outputTokens: 10,
        cachedTokens: 20,
        reasoningTokens: 4,
      },
    },
    {
      title: 'request and response model names',
      span: {
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.system': 'anthropic',
          'llm.request.model_name': 'claude-sonnet-4',
          'llm.response.model_name': 'claude-sonnet-4-20250514',
        },
      },
      expected: { provider: 'anthropic', requestModel: 'claude-sonnet-4', responseModel: 'claude-sonnet-4-20250514' },
    },
    {
      title: 'EMBEDDING span uses embedding.model_name',
      span: {
        name: 'CreateEmbeddings',
        attributes: {
          'openinference.span.kind': 'EMBEDDING',
          'embedding.model_name': 'text-embedding-3-small',
          'llm.token_count.prompt': 8,
        },
      },
      expected: {
        kind: 'embedding',
        convention: 'openinference',
        requestModel: 'text-embedding-3-small',
        inputTokens: 8,
      },
    },
    {
      title: 'TOOL span',
      span: { attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'lookup', 'input.value': '{"q":1}' } },
      expected: { kind: 'tool', convention: 'openinference', toolName: 'lookup' },
    },
    {
      title: 'AGENT span',
      span: { attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': 'Triage', 'graph.node.id': 'triage' } },
      expected: { kind: 'agent', convention: 'openinference', agentName: 'Triage' },
    },
    {
      title: 'RETRIEVER',
      span: { attributes: { 'openinference.span.kind': 'RETRIEVER' } },
      expected: { kind: 'retriever', convention: 'openinference' },
    },
    {
      title: 'RERANKER is a retriever and names its model',
      span: { attributes: { 'openinference.span.kind': 'RERANKER', 'reranker.model_name': 'rerank-english-v3.0' } },
      expected: { kind: 'retriever', requestModel: 'rerank-english-v3.0' },
    },
    ...['CHAIN', 'PROMPT', 'GUARDRAIL', 'EVALUATOR', 'DECISION'].map((value): Case => ({
      title: `${value} is a chain step`,
      span: { attributes: { 'openinference.span.kind': value } },
      expected: { kind: 'chain', convention: 'openinference' },
    })),
    {
      title: 'kind values are matched case-insensitively',
      span: { attributes: { 'openinference.span.kind': 'llm' } },
      expected: { kind: 'llm', convention: 'openinference' },
    },
  ]);
});

describe('LangSmith OTel export', () => {
  runCases([
    {
      title: 'a retriever run is a retriever although its operation name says embeddings',
      span: {
        name: 'VectorStoreRetriever',
        attributes: {
          'langsmith.span.kind': 'retriever',
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.system': 'langchain',
        },
      },
      expected: { kind: 'retriever', convention: 'otel-genai', provider: undefined },
    },
    {
      title: 'a prompt run is a chain step although its operation name says chat',
      span: {
        name: 'ChatPromptTemplate',
        attributes: { 'langsmith.span.kind': 'prompt', 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'langchain' },
      },
      expected: { kind: 'chain', convention: 'otel-genai' },
    },
    {
      title: 'an llm run',
      span: {
        name: 'ChatOpenAI',
        attributes: {
          'langsmith.span.kind': 'llm',
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 30,
          'gen_ai.usage.output_tokens': 12,
          'gen_ai.usage.total_tokens': 42,
          'langsmith.request.streaming': false,
        },
      },
      expected: {
        kind: 'llm',
        convention: 'otel-genai',
        provider: 'openai',
        inputTokens: 30,
        outputTokens: 12,
        streaming: false,
      },
    },
  ]);
});

describe('OpenLLMetry / Traceloop', () => {
  runCases([
    {
      title: '≤ 2024-04: llm.* names and llm.usage.*',
      span: {
        name: 'openai.chat',
        kind: SpanKind.Client,
        attributes: {
          'llm.request.type': 'chat',
          'llm.vendor': 'OpenAI',
          'llm.request.model': 'gpt-3.5-turbo',
          'llm.response.model': 'gpt-3.5-turbo-0125',
          'llm.usage.prompt_tokens': 20,
          'llm.usage.completion_tokens': 5,
          'llm.usage.total_tokens': 25,
          'llm.is_streaming': false,
          'llm.prompts.0.role': 'user',
          'llm.prompts.0.content': 'hi',
        },
      },
      expected: {
        kind: 'llm',
        convention: 'traceloop',
        provider: 'OpenAI',
        requestModel: 'gpt-3.5-turbo',
        responseModel: 'gpt-3.5-turbo-0125',
        inputTokens: 20,
        outputTokens: 5,
        streaming: false,
      },
    },
    {
      title: '2024-04 → 2025-10: gen_ai.usage.prompt_tokens era with llm.usage.total_tokens',
      span: {
        name: 'anthropic.chat',
        kind: SpanKind.Client,
        attributes: {
          'llm.request.type': 'chat',
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.response.model': 'claude-3-5-sonnet-20241022',
          'gen_ai.usage.prompt_tokens': 1500,
          'gen_ai.usage.completion_tokens': 200,
          'llm.usage.total_tokens': 1700,
          'gen_ai.usage.cache_read_input_tokens': 1200,
          'gen_ai.usage.cache_creation_input_tokens': 0,
          'llm.is_streaming': true,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'hi',
        },
      },
      expected: {
        kind: 'llm',
        convention: 'traceloop',
        provider: 'Anthropic',
        inputTokens: 1500,
        outputTokens: 200,
        cachedTokens: 1200,
        streaming: true,
      },
    },
    {
      title: 'HEAD: gen_ai.operation.name with custom reasoning tokens and gen_ai.is_streaming',
      span: {
        name: 'openai.chat',
        kind: SpanKind.Client,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'o3-mini',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 400,
          'gen_ai.usage.total_tokens': 500,
          'gen_ai.usage.reasoning_tokens': 320,
          'gen_ai.is_streaming': false,
        },
      },
      expected: { kind: 'llm', convention: 'otel-genai', reasoningTokens: 320, streaming: false },
    },
    {
      title: 'legacy embedding request type',
      span: {
        name: 'openai.embeddings',
        attributes: { 'llm.request.type': 'embedding', 'gen_ai.system': 'openai', 'gen_ai.usage.prompt_tokens': 9 },
      },
      expected: { kind: 'embedding', convention: 'traceloop', inputTokens: 9 },
    },
    {
      title: 'rerank request type is a retriever',
      span: { name: 'cohere.rerank', attributes: { 'llm.request.type': 'rerank', 'gen_ai.system': 'Cohere' } },
      expected: { kind: 'retriever', convention: 'traceloop' },
    },
    {
      title: '@workflow decorator',
      span: {
        name: 'joke_generator.workflow',
        attributes: {
          'traceloop.span.kind': 'workflow',
          'traceloop.entity.name': 'joke_generator',
          'traceloop.workflow.name': 'joke_generator',
        },
      },
      expected: { kind: 'chain', convention: 'traceloop', agentName: undefined, toolName: undefined },
    },
    {
      title: '@task decorator',
      span: {
        name: 'create_joke.task',
        attributes: { 'traceloop.span.kind': 'task', 'traceloop.entity.name': 'create_joke' },
      },
      expected: { kind: 'chain', convention: 'traceloop' },
    },
    {
      title: '@agent decorator names the agent',
      span: {
        name: 'researcher.agent',
        attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'researcher' },
      },
      expected: { kind: 'agent', convention: 'traceloop', agentName: 'researcher' },
    },
    {
      title: '@tool decorator names the tool',
      span: {
        name: 'web_search.tool',
        attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'web_search' },
      },
      expected: { kind: 'tool', convention: 'traceloop', toolName: 'web_search' },
    },
    {
      title: 'OpenAI Agents instrumentation: invoke_agent with a Traceloop kind',
      span: {
        name: 'Triage.agent',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'traceloop.span.kind': 'agent',
          'gen_ai.agent.name': 'Triage',
          'gen_ai.provider.name': 'openai',
        },
      },
      expected: { kind: 'agent', convention: 'otel-genai', agentName: 'Triage' },
    },
  ]);
});

describe('Vercel AI SDK, legacy ai.* spans', () => {
  runCases([
    {
      title: 'v4 generateText wrapper is an agent, named by its functionId',
      span: {
        name: 'ai.generateText',
        scopeName: 'ai',
        attributes: {
          'operation.name': 'ai.generateText my-fn',
          'resource.name': 'my-fn',
          'ai.operationId': 'ai.generateText',
          'ai.telemetry.functionId': 'my-fn',
          'ai.model.id': 'gpt-4o',
          'ai.model.provider': 'openai.chat',
          'ai.usage.promptTokens': 300,
          'ai.usage.completionTokens': 40,
          'ai.prompt': '{"prompt":"hi"}',
        },
      },
      expected: {
        kind: 'agent',
        convention: 'vercel-ai',
        agentName: 'my-fn',
        provider: 'openai',
        requestModel: 'gpt-4o',
        inputTokens: 300,
        outputTokens: 40,
        streaming: false,
      },
    },
    {
      title: 'v5 doGenerate is the model call; the raw gen_ai.system is not used as provider',
      span: {
        name: 'ai.generateText.doGenerate',
        kind: SpanKind.Client,
        scopeName: 'ai',
        attributes: {
          'operation.name': 'ai.generateText.doGenerate',
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'claude-sonnet-4-20250514',
          'ai.model.provider': 'anthropic.messages',
          'ai.response.model': 'claude-sonnet-4-20250514',
          'ai.usage.inputTokens': 812,
          'ai.usage.outputTokens': 96,
          'ai.usage.totalTokens': 908,
          'ai.usage.cachedInputTokens': 512,
          'ai.usage.reasoningTokens': 0,
          'gen_ai.system': 'anthropic.messages',
          'gen_ai.request.model': 'claude-sonnet-4-20250514',
          'gen_ai.response.model': 'claude-sonnet-4-20250514',
          'gen_ai.usage.input_tokens': 812,
          'gen_ai.usage.output_tokens': 96,
        },
      },
      expected: {
        kind: 'llm',
        convention: 'vercel-ai',
        provider: 'anthropic',
        requestModel: 'claude-sonnet-4-20250514',
        responseModel: 'claude-sonnet-4-20250514',
        inputTokens: 812,
        outputTokens: 96,
        cachedTokens: 512,
        reasoningTokens: 0,
        streaming: false,
        ttftMs: undefined,
      },
    },
    {
      title: 'v7 legacy token details',
      span: {
        name: 'ai.streamText.doStream',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.streamText.doStream',
          'ai.model.provider': 'google.vertex.chat',
          'ai.usage.inputTokens': 70,
          'ai.usage.outputTokens': 900,
          'ai.usage.inputTokenDetails.noCacheTokens': 10,
          'ai.usage.inputTokenDetails.cacheReadTokens': 60,
          'ai.usage.outputTokenDetails.textTokens': 100,
          'ai.usage.outputTokenDetails.reasoningTokens': 800,
        },
      },
      expected: { kind: 'llm', provider: 'google', cachedTokens: 60, reasoningTokens: 800, streaming: true },
    },
    {
      title: 'streamObject wrapper is an agent and streaming',
      span: { name: 'ai.streamObject', scopeName: 'ai', attributes: { 'ai.operationId': 'ai.streamObject' } },
      expected: { kind: 'agent', convention: 'vercel-ai', streaming: true },
    },
    {
      title: 'tool call',
      span: {
        name: 'ai.toolCall',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.toolCall',
          'ai.toolCall.name': 'weather',
          'ai.toolCall.id': 'call_9',
          'ai.toolCall.args': '{"city":"Oslo"}',
        },
      },
      expected: { kind: 'tool', convention: 'vercel-ai', toolName: 'weather' },
    },
    {
      title: 'embedMany wrapper repeats usage, so it is a chain, not an embedding',
      span: {
        name: 'ai.embedMany',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.embedMany',
          'ai.model.id': 'text-embedding-3-small',
          'ai.usage.tokens': 64,
        },
      },
      expected: { kind: 'chain', convention: 'vercel-ai', inputTokens: 64 },
    },
    {
      title: 'embedMany.doEmbed is the embedding call',
      span: {
        name: 'ai.embedMany.doEmbed',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.embedMany.doEmbed',
          'ai.model.id': 'text-embedding-3-small',
          'ai.usage.tokens': 64,
        },
      },
      expected: { kind: 'embedding', convention: 'vercel-ai', inputTokens: 64 },
    },
    {
      title: 'embed wrapper is a chain',
      span: { name: 'ai.embed', scopeName: 'ai', attributes: { 'ai.operationId': 'ai.embed' } },
      expected: { kind: 'chain', convention: 'vercel-ai' },
    },
    {
      title: "the span name identifies the operation when the tracer is the SDK's",
      span: { name: 'ai.streamText.doStream', scopeName: 'ai', attributes: { 'ai.model.id': 'gpt-4o' } },
      expected: { kind: 'llm', convention: 'vercel-ai', streaming: true },
    },
    {
      title: 'the same span name from another tracer is not trusted',
      span: { name: 'ai.streamText.doStream', scopeName: 'my-app' },
      expected: { kind: 'other', convention: undefined, streaming: undefined },
    },
  ]);
});

describe('Vercel AI SDK v7 GenAI spans', () => {
  runCases([
    {
      title: 'invoke_agent root with aggregated usage is an agent',
      span: {
        name: 'invoke_agent gpt-4o',
        scopeName: 'ai',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.agent.name': 'support-bot',
          'gen_ai.usage.input_tokens': 2000,
          'gen_ai.usage.output_tokens': 300,
        },
      },
      expected: { kind: 'agent', convention: 'otel-genai', agentName: 'support-bot' },
    },
    {
      title: 'step span',
      span: { name: 'step 1', scopeName: 'ai', attributes: { 'gen_ai.operation.name': 'agent_step' } },
      expected: { kind: 'chain', convention: 'otel-genai' },
    },
    {
      title: 'chat span per provider call',
      span: {
        name: 'chat gpt-4o',
        kind: SpanKind.Client,
        scopeName: 'ai',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 150,
          'gen_ai.usage.cache_read.input_tokens': 0,
        },
      },
      expected: {
        kind: 'llm',
        convention: 'otel-genai',
        provider: 'openai',
        inputTokens: 1000,
        outputTokens: 150,
        cachedTokens: 0,
      },
    },
    {
      title: 'execute_tool',
      span: {
        name: 'execute_tool weather',
        scopeName: 'ai',
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'weather',
          'gen_ai.tool.type': 'function',
        },
      },
      expected: { kind: 'tool', toolName: 'weather' },
    },
    {
      title: 'rerank',
      span: { name: 'rerank rerank-v3.5', scopeName: 'ai', attributes: { 'gen_ai.operation.name': 'rerank' } },
      expected: { kind: 'retriever', convention: 'otel-genai' },
    },
    {
      title: 'embed wrapper (@ai-sdk/otel 1.0.173, tracer gen_ai): same name and operation as its call, no usage',
      span: {
        name: 'embeddings text-embedding-3-small',
        kind: SpanKind.Client,
        scopeName: 'gen_ai',
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
        },
      },
      expected: { kind: 'chain', convention: 'otel-genai', inputTokens: undefined },
    },
    {
      title: 'the embedding call inside it, with usage',
      span: {
        name: 'embeddings text-embedding-3-small',
        kind: SpanKind.Client,
        scopeName: 'gen_ai',
        attributes: {
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'text-embedding-3-small',
          'gen_ai.usage.input_tokens': 57,
        },
      },
      expected: {
        kind: 'embedding',
        convention: 'otel-genai',
        requestModel: 'text-embedding-3-small',
        inputTokens: 57,
      },
    },
    {
      title: "another library's embeddings span without usage is still an embedding call",
      span: {
        name: 'embeddings text-embedding-3-small',
        kind: SpanKind.Client,
        scopeName: '@opentelemetry/instrumentation-openai',
        attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' },
      },
      expected: { kind: 'embedding', convention: 'otel-genai' },
    },
  ]);
});

describe('precedence when several conventions are present', () => {
  runCases([
    {
      title: 'OpenInference kind beats gen_ai.operation.name',
      span: {
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
        },
      },
      expected: { kind: 'chain', convention: 'openinference' },
    },
    {
      title: 'OpenInference processor on an AI SDK wrapper: agent, still named by functionId',
      span: {
        name: 'ai.generateText',
        scopeName: 'ai',
        attributes: {
          'openinference.span.kind': 'AGENT',
          'ai.operationId': 'ai.generateText',
          'ai.telemetry.functionId': 'fn',
        },
      },
      expected: { kind: 'agent', convention: 'openinference', agentName: 'fn', streaming: false },
    },
    {
      title: 'Traceloop-rewritten AI SDK wrapper (op chat, ai.operationId kept) is not a model call',
      span: {
        name: 'chat gpt-4o',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.generateText',
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 2000,
        },
      },
      expected: { kind: 'agent', convention: 'vercel-ai' },
    },
    {
      title: 'MCP method beats execute_tool',
      span: {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 't',
        },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp' },
    },
    {
      title: 'gen_ai.operation.name beats traceloop.span.kind',
      span: {
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'traceloop.span.kind': 'task', 'gen_ai.tool.name': 't' },
      },
      expected: { kind: 'tool', convention: 'otel-genai' },
    },
    {
      title: 'gen_ai.provider.name beats gen_ai.system and llm.provider',
      span: {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.system': 'anthropic',
          'llm.provider': 'aws',
        },
      },
      expected: { provider: 'aws.bedrock' },
    },
    {
      title: 'new token names beat old ones',
      span: {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 11,
          'gen_ai.usage.prompt_tokens': 99,
          'gen_ai.usage.output_tokens': 12,
          'gen_ai.usage.completion_tokens': 98,
        },
      },
      expected: { inputTokens: 11, outputTokens: 12 },
    },
  ]);
});

describe('spans that are not AI', () => {
  test('an HTTP span is other with every field undefined', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'GET /api/users',
        kind: SpanKind.Server,
        attributes: { 'http.request.method': 'GET', 'url.path': '/api/users', 'http.response.status_code': 200 },
      }),
    );
    assert.deepEqual(info, {
      kind: 'other',
      convention: undefined,
      provider: undefined,
      requestModel: undefined,
      responseModel: undefined,
      inputTokens: undefined,
      outputTokens: undefined,
      cachedTokens: undefined,
      reasoningTokens: undefined,
      streaming: undefined,
      ttftMs: undefined,
      tpotMs: undefined,
      toolName: undefined,
      agentName: undefined,
      code: undefined,
    });
  });

  test('a model without usage is not enough for the heuristic', () => {
    const info = analyzeSpan(makeSpan({ attributes: { 'gen_ai.request.model': 'gpt-4o' } }));
    assert.equal(info.kind, 'other');
    assert.equal(info.requestModel, 'gpt-4o');
  });
});

describe('code location', () => {
  runCases([
    {
      title: 'stable attributes',
      span: {
        attributes: {
          'code.file.path': '/srv/app/agent.py',
          'code.line.number': 42,
          'code.function.name': 'app.agent.Agent.run',
          'code.filepath': 'old.py',
          'code.lineno': 1,
        },
      },
      expected: { code: { file: '/srv/app/agent.py', line: 42, function: 'app.agent.Agent.run' } },
    },
    {
      title: 'deprecated attributes, as Logfire sends them',
      span: { attributes: { 'code.filepath': 'src/agent.py', 'code.lineno': 17, 'code.function': 'Agent.run' } },
      expected: { code: { file: 'src/agent.py', line: 17, function: 'Agent.run' } },
    },
    {
      title: 'older Java instrumentation: namespace joined with the function',
      span: { attributes: { 'code.namespace': 'com.example.Service', 'code.function': 'serve' } },
      expected: { code: { file: undefined, line: undefined, function: 'com.example.Service.serve' } },
    },
    {
      title: 'a fractional or negative line is not a line',
      span: { attributes: { 'code.filepath': 'a.py', 'code.lineno': 3.5, 'code.line.number': -1 } },
      expected: { code: { file: 'a.py', line: undefined, function: undefined } },
    },
  ]);
});

describe('tool call arguments and results', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['OTel GenAI', { 'gen_ai.tool.call.arguments': '{"a":1}', 'gen_ai.tool.call.result': '"ok"' }, '{"a":1}', '"ok"'],
    ['OpenInference', { 'input.value': '{"a":2}', 'output.value': 'sunny' }, '{"a":2}', 'sunny'],
    ['OpenLLMetry', { 'traceloop.entity.input': '{"args":[3]}', 'traceloop.entity.output': '4' }, '{"args":[3]}', '4'],
    ['AI SDK', { 'ai.toolCall.args': '{"a":5}', 'ai.toolCall.result': '{"b":6}' }, '{"a":5}', '{"b":6}'],
    [
      'Google ADK',
      { 'gcp.vertex.agent.tool_call_args': '{"a":7}', 'gcp.vertex.agent.tool_response': '8' },
      '{"a":7}',
      '8',
    ],
    ['Pydantic AI v2', { tool_arguments: '{"a":9}', tool_response: '10' }, '{"a":9}', '10'],
  ];
  for (const [convention, attributes, expectedArguments, expectedResult] of cases) {
    test(`${convention}: read from the span's attributes`, () => {
      const call = toolCallOf(makeSpan({ attributes }).attributes);
      assert.deepEqual(call, { arguments: expectedArguments, result: expectedResult });
    });
  }

  test('the OTel GenAI names win over the generic input and output values; absent ones are undefined', () => {
    const span = makeSpan({ attributes: { 'input.value': 'generic', 'gen_ai.tool.call.arguments': '{"a":1}' } });
    assert.deepEqual(toolCallOf(span.attributes), { arguments: '{"a":1}', result: undefined });
  });
});

import { describe } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { runCases } from './semanticsCases';

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

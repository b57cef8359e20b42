import { describe } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { runCases } from './semanticsCases';

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

import { describe } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { runCases } from './semanticsCases';

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

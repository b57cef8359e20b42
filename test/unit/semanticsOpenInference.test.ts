import { describe } from 'node:test';
import { runCases, type Case } from './semanticsCases';

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
          'llm.model_name': 'gpt-4o-mini-2024-07-18',
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
        responseModel: 'gpt-4o-mini-2024-07-18',
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
      title: 'llm.model_name without parameters: the response model only',
      span: { attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-2024-08-06' } },
      expected: { requestModel: undefined, responseModel: 'gpt-4o-2024-08-06' },
    },
    {
      title: 'Python json.dumps parameters (a space after the colon) name the request model',
      span: {
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'claude-3-5-haiku-20241022',
          'llm.invocation_parameters': '{"model": "claude-3-5-haiku-latest", "max_tokens": 256}',
        },
      },
      expected: { requestModel: 'claude-3-5-haiku-latest', responseModel: 'claude-3-5-haiku-20241022' },
    },
    {
      title: 'a model nested in the parameters, or parameters that are not JSON, name no request model',
      span: {
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o',
          'llm.invocation_parameters': '{"response_format":{"model":"Answer"},"temperature":0}',
        },
      },
      expected: { requestModel: undefined, responseModel: 'gpt-4o' },
    },
    {
      title: 'truncated parameters name no request model',
      span: { attributes: { 'openinference.span.kind': 'LLM', 'llm.invocation_parameters': '{"model":"gpt-4o","te' } },
      expected: { requestModel: undefined, responseModel: undefined },
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

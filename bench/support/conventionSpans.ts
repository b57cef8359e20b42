/**
 * One span of each shape the analyzer meets in real traces, as their producers write them: OpenInference (flattened
 * messages), OpenLLMetry/Traceloop (old llm.* and newer gen_ai.* spans, workflows), the Vercel AI SDK (wrappers,
 * provider calls, tool calls), MCP client and server spans, LangSmith, and plain HTTP, database and messaging spans,
 * which most traces hold more of than AI spans.
 */
import { SpanKind } from '../../src/core/model';
import type { PlainAttributes, SpanInit } from '../../test/support/spanBuilder';

const PROMPT = 'Summarise the open pull requests that touch the billing module and list their authors.';

/** OpenInference and OpenLLMetry flatten each message into numbered attributes. */
function flatMessages(prefix: string, roleKey: string, contentKey: string, count: number): PlainAttributes {
  const attributes: PlainAttributes = {};
  for (let index = 0; index < count; index++) {
    attributes[`${prefix}.${index}.${roleKey}`] = index % 2 === 0 ? 'user' : 'assistant';
    attributes[`${prefix}.${index}.${contentKey}`] = `${PROMPT} (${index})`;
  }
  return attributes;
}

const OPEN_INFERENCE: SpanInit[] = [
  {
    name: 'ChatCompletion',
    kind: SpanKind.Internal,
    scopeName: 'openinference.instrumentation.openai',
    attributes: {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-mini-2024-07-18',
      'llm.invocation_parameters': '{"model":"gpt-4o-mini","stream":true,"temperature":0}',
      ...flatMessages('llm.input_messages', 'message.role', 'message.content', 3),
      ...flatMessages('llm.output_messages', 'message.role', 'message.content', 1),
      'llm.token_count.prompt': 1200,
      'llm.token_count.completion': 85,
      'llm.token_count.total': 1285,
      'llm.token_count.prompt_details.cache_read': 1024,
      'input.value': `{"messages":[{"role":"user","content":"${PROMPT}"}]}`,
      'input.mime_type': 'application/json',
      'output.value': '{"choices":[]}',
      'output.mime_type': 'application/json',
    },
    events: [{ name: 'First Token Stream Event', offsetMs: 40 }],
  },
  {
    name: 'search_docs',
    scopeName: 'openinference.instrumentation.langchain',
    attributes: {
      'openinference.span.kind': 'TOOL',
      'tool.name': 'search_docs',
      'tool.description': 'Searches the documentation',
      'input.value': '{"query":"billing"}',
      'output.value': '["doc-1","doc-2"]',
    },
  },
  {
    name: 'RunnableSequence',
    scopeName: 'openinference.instrumentation.langchain',
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': PROMPT,
      'output.value': 'Three pull requests.',
      metadata: '{"ls_run_depth":1}',
    },
  },
];

const OPENLLMETRY: SpanInit[] = [
  {
    name: 'openai.chat',
    kind: SpanKind.Client,
    scopeName: 'opentelemetry.instrumentation.openai.v1',
    attributes: {
      'llm.request.type': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.prompt_tokens': 1500,
      'gen_ai.usage.completion_tokens': 200,
      'llm.usage.total_tokens': 1700,
      'llm.is_streaming': true,
      'llm.headers': 'None',
      'gen_ai.openai.api_base': 'https://api.openai.com/v1/',
      ...flatMessages('gen_ai.prompt', 'role', 'content', 3),
      ...flatMessages('gen_ai.completion', 'role', 'content', 1),
      'traceloop.workflow.name': 'billing_report',
      'traceloop.association.properties.user_id': 'u-42',
    },
    events: [{ name: 'llm.content.completion.chunk', offsetMs: 30 }],
  },
  {
    name: 'billing_report.workflow',
    scopeName: 'traceloop.tracer',
    attributes: {
      'traceloop.span.kind': 'workflow',
      'traceloop.entity.name': 'billing_report',
      'traceloop.workflow.name': 'billing_report',
      'traceloop.entity.input': `{"args":["${PROMPT}"]}`,
      'traceloop.entity.output': '"Three pull requests."',
    },
  },
  {
    name: 'list_pull_requests.tool',
    scopeName: 'traceloop.tracer',
    attributes: {
      'traceloop.span.kind': 'tool',
      'traceloop.entity.name': 'list_pull_requests',
      'traceloop.entity.path': 'billing_report',
      'traceloop.workflow.name': 'billing_report',
      'traceloop.entity.input': '{"module":"billing"}',
      'traceloop.entity.output': '[1201, 1207, 1210]',
    },
  },
];

const VERCEL_AI: SpanInit[] = [
  {
    name: 'ai.streamText',
    scopeName: 'ai',
    attributes: {
      'operation.name': 'ai.streamText billing',
      'resource.name': 'billing',
      'ai.operationId': 'ai.streamText',
      'ai.telemetry.functionId': 'billing',
      'ai.model.id': 'claude-sonnet-4-20250514',
      'ai.model.provider': 'anthropic.messages',
      'ai.prompt': `{"prompt":"${PROMPT}"}`,
      'ai.settings.maxRetries': 2,
      'ai.usage.inputTokens': 2400,
      'ai.usage.outputTokens': 310,
      'ai.response.text': 'Three pull requests.',
      'ai.response.finishReason': 'stop',
    },
  },
  {
    name: 'ai.streamText.doStream',
    kind: SpanKind.Client,
    scopeName: 'ai',
    attributes: {
      'operation.name': 'ai.streamText.doStream billing',
      'ai.operationId': 'ai.streamText.doStream',
      'ai.model.id': 'claude-sonnet-4-20250514',
      'ai.model.provider': 'anthropic.messages',
      'ai.prompt.messages': `[{"role":"user","content":[{"type":"text","text":"${PROMPT}"}]}]`,
      'ai.response.msToFirstChunk': 420.5,
      'ai.response.msToFinish': 2950.2,
      'ai.response.avgOutputTokensPerSecond': 105.3,
      'ai.response.model': 'claude-sonnet-4-20250514',
      'ai.usage.inputTokens': 1200,
      'ai.usage.outputTokens': 155,
      'ai.usage.cachedInputTokens': 1024,
      'gen_ai.system': 'anthropic.messages',
      'gen_ai.request.model': 'claude-sonnet-4-20250514',
      'gen_ai.response.model': 'claude-sonnet-4-20250514',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 155,
    },
  },
  {
    name: 'ai.toolCall',
    scopeName: 'ai',
    attributes: {
      'operation.name': 'ai.toolCall billing',
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'list_pull_requests',
      'ai.toolCall.id': 'toolu_01A',
      'ai.toolCall.args': '{"module":"billing"}',
      'ai.toolCall.result': '[1201,1207,1210]',
    },
  },
];

const MCP: SpanInit[] = [
  {
    name: 'tools/call list_pull_requests',
    kind: SpanKind.Client,
    scopeName: '@modelcontextprotocol/sdk',
    attributes: {
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'list_pull_requests',
      'gen_ai.operation.name': 'execute_tool',
      'jsonrpc.request.id': '7',
      'mcp.session.id': 'f3b1c2',
      'mcp.protocol.version': '2025-06-18',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'server.address': 'localhost',
      'server.port': 8931,
    },
  },
  {
    name: 'mcp.server',
    kind: SpanKind.Server,
    scopeName: 'opentelemetry.instrumentation.mcp.instrumentation',
    attributes: { 'traceloop.span.kind': 'server', 'traceloop.entity.name': 'mcp.server' },
  },
];

const LANGSMITH: SpanInit[] = [
  {
    name: 'ChatOpenAI',
    kind: SpanKind.Client,
    scopeName: 'langsmith',
    attributes: {
      'langsmith.span.kind': 'llm',
      'langsmith.trace.name': 'ChatOpenAI',
      'langsmith.request.streaming': false,
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 640,
      'gen_ai.usage.output_tokens': 48,
      'gen_ai.prompt': `{"messages":[{"role":"user","content":"${PROMPT}"}]}`,
      'gen_ai.completion': '{"generations":[]}',
    },
  },
];

const PLAIN: SpanInit[] = [
  {
    name: 'GET /api/pulls',
    kind: SpanKind.Server,
    scopeName: '@opentelemetry/instrumentation-http',
    attributes: {
      'http.request.method': 'GET',
      'url.path': '/api/pulls',
      'url.scheme': 'https',
      'http.route': '/api/pulls',
      'http.response.status_code': 200,
      'server.address': 'billing.internal',
      'server.port': 443,
      'client.address': '10.0.3.17',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
      'network.protocol.version': '1.1',
    },
  },
  {
    name: 'POST',
    kind: SpanKind.Client,
    scopeName: '@opentelemetry/instrumentation-undici',
    attributes: {
      'http.request.method': 'POST',
      'url.full': 'https://api.github.com/graphql',
      'server.address': 'api.github.com',
      'server.port': 443,
      'http.response.status_code': 200,
      'http.response.header.content-length': 5120,
    },
  },
  {
    name: 'SELECT billing.pull_requests',
    kind: SpanKind.Client,
    scopeName: '@opentelemetry/instrumentation-pg',
    attributes: {
      'db.system.name': 'postgresql',
      'db.namespace': 'billing',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'pull_requests',
      'db.query.text': 'SELECT id, author FROM pull_requests WHERE module = $1',
      'server.address': 'db.internal',
      'server.port': 5432,
      'code.function.name': 'PullRequests.list',
      'code.file.path': '/srv/billing/pulls.ts',
      'code.line.number': 88,
    },
  },
  {
    name: 'publish billing-events',
    kind: SpanKind.Producer,
    scopeName: '@opentelemetry/instrumentation-kafkajs',
    attributes: {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'billing-events',
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': 'pr-1201',
    },
  },
];

/** AI spans of every convention the analyzer recognises, without the OTel GenAI ones the other payloads hold. */
export const CONVENTION_SPANS: readonly SpanInit[] = [
  ...OPEN_INFERENCE,
  ...OPENLLMETRY,
  ...VERCEL_AI,
  ...MCP,
  ...LANGSMITH,
];

/** Spans no convention claims. */
export const PLAIN_SPANS: readonly SpanInit[] = PLAIN;

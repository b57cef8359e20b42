/**
 * A realistic agent run as an OTLP/JSON export request, the way an OpenTelemetry SDK with GenAI and MCP
 * instrumentation would send it: a travel-planner agent retrieves guides (with an embeddings call), asks gpt-4o,
 * which calls two tools in parallel (weather over MCP, with the MCP server's span from a second service, and an
 * exchange-rate tool that times out), then asks gpt-4o again for the streamed final answer.
 * Every call makes fresh ids and places the run so that it ends now.
 */
import { randomBytes } from 'node:crypto';

export const DEMO_ROOT_SPAN_NAME = 'invoke_agent travel-planner';
export const DEMO_SERVICE_NAME = 'travel-planner-demo';

export interface DemoTrace {
  /** OTLP/JSON `ExportTraceServiceRequest`, for `Content-Type: application/json`. */
  body: string;
  traceId: string;
  spanCount: number;
}

export interface DemoTraceOptions {
  /** When the run ends, in ms since the epoch; defaults to now. */
  endTimeMs?: number;
  /** Source of random bytes for ids; defaults to crypto. */
  randomHex?: (bytes: number) => string;
}

type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: OtlpAnyValue[] } };

interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

type AttributeInput = string | number | boolean | string[] | { double: number };

interface DemoSpan {
  name: string;
  id: string;
  parent: string | undefined;
  kind: 1 | 2 | 3;
  /** Milliseconds from the start of the run. */
  start: number;
  end: number;
  attributes: Record<string, AttributeInput>;
  events?: { name: string; at: number; attributes: Record<string, AttributeInput> }[];
  error?: string;
}

const RUN_MS = 4_860;
const PROVIDER = 'openai';
const MODEL = 'gpt-4o';
const RESPONSE_MODEL = 'gpt-4o-2024-08-06';
const EMBEDDING_MODEL = 'text-embedding-3-small';

const SYSTEM_PROMPT =
  'You are a travel planner. Use the tools to check the weather and prices before recommending anything.';
const USER_PROMPT = 'I land in Lisbon on Friday with 300 USD. What should I pack, and what can I afford for dinner?';
const FINAL_ANSWER =
  'Lisbon on Friday: sunny, 24 °C by day and 16 °C at night, so pack light layers and a thin jacket for the evening. ' +
  'I could not fetch the USD→EUR exchange rate just now; at roughly 0.92 EUR per USD your 300 USD is about 275 EUR. ' +
  'A dinner of grilled sardines in Alfama costs 20–30 EUR per person, which fits comfortably.';

export function buildDemoTrace(options: DemoTraceOptions = {}): DemoTrace {
  const hex = options.randomHex ?? ((bytes: number) => randomBytes(bytes).toString('hex'));
  const endMs = options.endTimeMs ?? Date.now();
  const startNs = BigInt(Math.round(endMs - RUN_MS)) * 1_000_000n;
  const traceId = hex(16);
  const id = (): string => hex(8);

  const agent = id();
  const retrieval = id();
  const embeddings = id();
  const firstChat = id();
  const weatherTool = id();
  const mcpClient = id();
  const mcpServer = id();
  const rateTool = id();
  const finalChat = id();
  const weatherCallId = 'call_' + hex(6);
  const rateCallId = 'call_' + hex(6);
  const sessionId = hex(8);
  // Tool spans carry these as JSON text, the messages' parts as objects.
  const weatherInput = { city: 'Lisbon', date: 'Friday' };
  const weatherOutput = { city: 'Lisbon', forecast: 'sunny', highC: 24, lowC: 16, rainChance: 0.05 };
  const rateInput = { from: 'USD', to: 'EUR' };
  const weatherArguments = JSON.stringify(weatherInput);
  const weatherResult = JSON.stringify(weatherOutput);
  const rateArguments = JSON.stringify(rateInput);

  const agentSpans: DemoSpan[] = [
    {
      name: DEMO_ROOT_SPAN_NAME,
      id: agent,
      parent: undefined,
      kind: 1,
      start: 0,
      end: RUN_MS,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': PROVIDER,
        'gen_ai.agent.name': 'travel-planner',
        'gen_ai.agent.id': 'agent_travel_planner_v2',
        'gen_ai.request.model': MODEL,
        'gen_ai.conversation.id': 'conv_' + hex(6),
      },
    },
    {
      name: 'retrieval travel-guides',
      id: retrieval,
      parent: agent,
      kind: 3,
      start: 12,
      end: 305,
      attributes: {
        'gen_ai.operation.name': 'retrieval',
        'gen_ai.data_source.id': 'travel-guides',
        'gen_ai.retrieval.query.text': USER_PROMPT,
        'gen_ai.retrieval.documents': JSON.stringify([
          { id: 'guide-lisbon-food', score: 0.89 },
          { id: 'guide-lisbon-weather', score: 0.81 },
          { id: 'guide-portugal-budget', score: 0.74 },
        ]),
      },
    },
    {
      name: `embeddings ${EMBEDDING_MODEL}`,
      id: embeddings,
      parent: retrieval,
      kind: 3,
      start: 18,
      end: 164,
      attributes: {
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': PROVIDER,
        'gen_ai.request.model': EMBEDDING_MODEL,
        'gen_ai.response.model': EMBEDDING_MODEL,
        'gen_ai.embeddings.dimension.count': 1536,
        'gen_ai.usage.input_tokens': 24,
        'server.address': 'api.openai.com',
      },
    },
    {
      name: `chat ${MODEL}`,
      id: firstChat,
      parent: agent,
      kind: 3,
      start: 318,
      end: 1_402,
      attributes: {
        ...chatAttributes(hex),
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.response.time_to_first_chunk': { double: 0.486 },
        'gen_ai.usage.input_tokens': 1_262,
        'gen_ai.usage.cache_read.input_tokens': 1_024,
        'gen_ai.usage.output_tokens': 61,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM_PROMPT }]),
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: USER_PROMPT }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'tool_call', id: weatherCallId, name: 'get_weather', arguments: weatherInput },
              { type: 'tool_call', id: rateCallId, name: 'get_exchange_rate', arguments: rateInput },
            ],
            finish_reason: 'tool_calls',
          },
        ]),
      },
    },
    {
      name: 'execute_tool get_weather',
      id: weatherTool,
      parent: agent,
      kind: 1,
      start: 1_410,
      end: 2_148,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.type': 'extension',
        'gen_ai.tool.call.id': weatherCallId,
        'gen_ai.tool.description': 'Weather forecast for a city and day, served by the weather MCP server.',
        'gen_ai.tool.call.arguments': weatherArguments,
        'gen_ai.tool.call.result': weatherResult,
      },
    },
    {
      name: 'tools/call get_weather',
      id: mcpClient,
      parent: weatherTool,
      kind: 3,
      start: 1_416,
      end: 2_141,
      attributes: {
        'mcp.method.name': 'tools/call',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'jsonrpc.request.id': '7',
        'mcp.protocol.version': '2025-06-18',
        'mcp.session.id': sessionId,
        'network.transport': 'tcp',
        'network.protocol.name': 'http',
        'server.address': 'localhost',
        'server.port': 8931,
        'gen_ai.tool.call.arguments': weatherArguments,
      },
    },
    {
      name: 'execute_tool get_exchange_rate',
      id: rateTool,
      parent: agent,
      kind: 1,
      start: 1_412,
      end: 2_416,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_exchange_rate',
        'gen_ai.tool.type': 'function',
        'gen_ai.tool.call.id': rateCallId,
        'gen_ai.tool.call.arguments': rateArguments,
        'error.type': 'TimeoutError',
      },
      events: [
        {
          name: 'exception',
          at: 2_415,
          attributes: {
            'exception.type': 'TimeoutError',
            'exception.message': 'exchange-rate service did not answer within 1000 ms',
            'exception.stacktrace':
              'Traceback (most recent call last):\n' +
              '  File "travel/tools.py", line 42, in get_exchange_rate\n' +
              '    response = await client.get(RATES_URL, params=params, timeout=1.0)\n' +
              'TimeoutError: exchange-rate service did not answer within 1000 ms',
          },
        },
      ],
      error: 'exchange-rate service did not answer within 1000 ms',
    },
    {
      name: `chat ${MODEL}`,
      id: finalChat,
      parent: agent,
      kind: 3,
      start: 2_431,
      end: 4_846,
      attributes: {
        ...chatAttributes(hex),
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.response.time_to_first_chunk': { double: 0.412 },
        'gen_ai.usage.input_tokens': 1_418,
        'gen_ai.usage.cache_read.input_tokens': 1_280,
        'gen_ai.usage.output_tokens': 96,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM_PROMPT }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: USER_PROMPT }] },
          {
            role: 'assistant',
            parts: [
              { type: 'tool_call', id: weatherCallId, name: 'get_weather', arguments: weatherInput },
              { type: 'tool_call', id: rateCallId, name: 'get_exchange_rate', arguments: rateInput },
            ],
          },
          {
            role: 'tool',
            parts: [
              { type: 'tool_call_response', id: weatherCallId, response: weatherOutput },
              { type: 'tool_call_response', id: rateCallId, response: { error: 'TimeoutError' } },
            ],
          },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: FINAL_ANSWER }], finish_reason: 'stop' },
        ]),
      },
      events: [
        // The first streamed chunk, as OpenLLMetry-style instrumentations record it.
        { name: 'gen_ai.content.completion.chunk', at: 2_431 + 412, attributes: {} },
      ],
    },
  ];

  const serverSpans: DemoSpan[] = [
    {
      name: 'tools/call get_weather',
      id: mcpServer,
      parent: mcpClient,
      kind: 2,
      start: 1_431,
      end: 2_127,
      attributes: {
        'mcp.method.name': 'tools/call',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'jsonrpc.request.id': '7',
        'mcp.protocol.version': '2025-06-18',
        'mcp.session.id': sessionId,
        'network.transport': 'tcp',
        'client.address': '127.0.0.1',
        'gen_ai.tool.call.result': weatherResult,
      },
    },
  ];

  const request = {
    resourceSpans: [
      resourceSpans(
        DEMO_SERVICE_NAME,
        '1.4.0',
        'python',
        { name: 'opentelemetry.instrumentation.genai', version: '0.3.0' },
        agentSpans,
        traceId,
        startNs,
      ),
      resourceSpans(
        'weather-mcp-server',
        '0.9.2',
        'nodejs',
        { name: 'mcp-server', version: '1.2.0' },
        serverSpans,
        traceId,
        startNs,
      ),
    ],
  };
  return { body: JSON.stringify(request), traceId, spanCount: agentSpans.length + serverSpans.length };
}

function chatAttributes(hex: (bytes: number) => string): Record<string, AttributeInput> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': PROVIDER,
    'gen_ai.request.model': MODEL,
    'gen_ai.response.model': RESPONSE_MODEL,
    'gen_ai.response.id': 'chatcmpl-' + hex(12),
    'gen_ai.request.stream': true,
    'gen_ai.request.temperature': { double: 0.3 },
    'gen_ai.request.max_tokens': 800,
    'gen_ai.output.type': 'text',
    'server.address': 'api.openai.com',
    'server.port': 443,
  };
}

function resourceSpans(
  service: string,
  version: string,
  language: string,
  scope: { name: string; version: string },
  spans: DemoSpan[],
  traceId: string,
  runStartNs: bigint,
): object {
  return {
    resource: {
      attributes: keyValues({
        'service.name': service,
        'service.version': version,
        'deployment.environment.name': 'demo',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.language': language,
      }),
    },
    scopeSpans: [
      {
        scope,
        spans: spans.map((span) => ({
          traceId,
          spanId: span.id,
          ...(span.parent === undefined ? {} : { parentSpanId: span.parent }),
          name: span.name,
          kind: span.kind,
          startTimeUnixNano: String(runStartNs + BigInt(span.start) * 1_000_000n),
          endTimeUnixNano: String(runStartNs + BigInt(span.end) * 1_000_000n),
          attributes: keyValues(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name,
            timeUnixNano: String(runStartNs + BigInt(event.at) * 1_000_000n),
            attributes: keyValues(event.attributes),
          })),
          status: span.error === undefined ? {} : { code: 2, message: span.error },
        })),
      },
    ],
  };
}

function keyValues(attributes: Record<string, AttributeInput>): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: AttributeInput): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  // OTLP/JSON writes int64 as a decimal string.
  if (typeof value === 'number') return { intValue: String(value) };
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
  return { doubleValue: value.double };
}

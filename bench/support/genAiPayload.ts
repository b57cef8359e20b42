/**
 * A realistic OTLP trace request of GenAI agent runs, shared by the decode and store-memory benches: per trace an
 * invoke_agent root, then chat spans with prompts and completions as JSON messages, token usage and TTFT, tool and MCP
 * spans with their arguments and results, some failing with an exception event.
 */
import type { AttributeMap, AttributeValue, Span, TraceRequest } from '../../src/core/model';
import { Rng } from '../../test/support/randomRequest';

export const TRACES = 50;
export const SPANS_PER_TRACE = 40;

const SYSTEM_PROMPT =
  'You are TravelPlanner, a careful travel assistant. Always check the weather and opening hours with the tools ' +
  'before suggesting activities, prefer public transport, and answer in the language of the user. ';
export const USER_TURNS = [
  "I'm in Lisbon from Friday to Sunday with two kids. What should we do each day?",
  'Can you find a restaurant near Alfama that has vegetarian options and is open on Sunday evening?',
  'What is the cheapest way to get from the airport to Baixa with luggage?',
  'Is Sintra worth a day trip if it rains? Compare with Cascais.',
];
const TOOLS = ['get_weather', 'search_restaurants', 'get_opening_hours', 'plan_route', 'search_web'];

function messageJson(rng: Rng, turns: number): string {
  const messages: object[] = [{ role: 'system', parts: [{ type: 'text', content: SYSTEM_PROMPT }] }];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', parts: [{ type: 'text', content: rng.pick(USER_TURNS) }] });
    const tool = rng.pick(TOOLS);
    const callId = `call_${rng.hex(8)}`;
    messages.push({
      role: 'assistant',
      parts: [{ type: 'tool_call', id: callId, name: tool, arguments: { city: 'Lisbon', day: turn + 1 } }],
    });
    messages.push({
      role: 'tool',
      parts: [
        {
          type: 'tool_call_response',
          id: callId,
          response: JSON.stringify({ results: [`${tool} result ${rng.hex(6)}`, 'Time Out Market', 'Tram 28'] }),
        },
      ],
    });
  }
  return JSON.stringify(messages);
}

function llmAttributes(rng: Rng, turn: number): AttributeMap {
  const input = 800 + rng.int(0, 4000);
  const output = 20 + rng.int(0, 600);
  return new Map<string, AttributeValue>([
    ['gen_ai.operation.name', 'chat'],
    ['gen_ai.provider.name', 'openai'],
    ['gen_ai.request.model', 'gpt-4o'],
    ['gen_ai.request.temperature', 0.2],
    ['gen_ai.request.max_tokens', 1024],
    ['gen_ai.request.stream', true],
    ['gen_ai.response.model', 'gpt-4o-2024-08-06'],
    ['gen_ai.response.id', `chatcmpl-${rng.hex(12)}`],
    ['gen_ai.response.finish_reasons', [rng.chance(0.6) ? 'tool_calls' : 'stop']],
    ['gen_ai.response.time_to_first_chunk', 0.2 + rng.next()],
    ['gen_ai.usage.input_tokens', input],
    ['gen_ai.usage.output_tokens', output],
    ['gen_ai.usage.cache_read.input_tokens', Math.floor(input * 0.7)],
    ['server.address', 'api.openai.com'],
    ['server.port', 443],
    ['gen_ai.input.messages', messageJson(rng, 1 + (turn % 4))],
    [
      'gen_ai.output.messages',
      JSON.stringify([
        {
          role: 'assistant',
          parts: [{ type: 'text', content: `Here is a plan for day ${turn + 1}: ${USER_TURNS.join(' ')}` }],
          finish_reason: 'stop',
        },
      ]),
    ],
  ]);
}

function toolAttributes(rng: Rng, mcp: boolean): AttributeMap {
  const tool = rng.pick(TOOLS);
  const attributes = new Map<string, AttributeValue>([
    ['gen_ai.operation.name', 'execute_tool'],
    ['gen_ai.tool.name', tool],
    ['gen_ai.tool.call.id', `call_${rng.hex(8)}`],
    ['gen_ai.tool.call.arguments', JSON.stringify({ city: 'Lisbon', query: rng.pick(USER_TURNS) })],
    ['gen_ai.tool.call.result', JSON.stringify({ items: [rng.hex(16), rng.hex(16), rng.hex(16)] })],
  ]);
  if (mcp) {
    attributes.set('mcp.method.name', 'tools/call');
    attributes.set('jsonrpc.request.id', String(rng.int(1, 999)));
    attributes.set('mcp.protocol.version', '2025-06-18');
    attributes.set('mcp.session.id', `mcp-session-${rng.hex(4)}`);
    attributes.set('network.transport', 'pipe');
  } else attributes.set('gen_ai.tool.type', 'function');
  return attributes;
}

/** 50 agent traces of 40 spans: an invoke_agent root, then chat / tool / MCP spans, some with exception events. */
export function buildPayload(seed: number): TraceRequest {
  const rng = new Rng(seed);
  const resource = {
    attributes: new Map<string, AttributeValue>([
      ['service.name', 'travel-agent'],
      ['service.version', '0.4.2'],
      ['telemetry.sdk.language', 'python'],
      ['telemetry.sdk.name', 'opentelemetry'],
      ['telemetry.sdk.version', '1.38.0'],
      ['process.pid', 48213],
    ]),
    droppedAttributesCount: 0,
  };
  const scope = {
    name: 'opentelemetry.instrumentation.openai_agents',
    version: '0.1.0',
    attributes: new Map(),
    droppedAttributesCount: 0,
  };
  const spans: Span[] = [];
  let time = 1_760_000_000_000_000_000n;
  for (let trace = 0; trace < TRACES; trace++) {
    const traceId = rng.hex(16);
    const rootId = rng.hex(8);
    for (let index = 0; index < SPANS_PER_TRACE; index++) {
      const role = index === 0 ? 'agent' : index % 3 === 1 ? 'llm' : index % 3 === 2 ? 'tool' : 'mcp';
      const failed = role === 'mcp' && rng.chance(0.1);
      const start = time + BigInt(index) * 50_000_000n;
      spans.push({
        traceId,
        spanId: index === 0 ? rootId : rng.hex(8),
        parentSpanId: index === 0 ? undefined : rootId,
        traceState: '',
        flags: 257,
        name:
          role === 'agent'
            ? 'invoke_agent TravelPlanner'
            : role === 'llm'
              ? 'chat gpt-4o'
              : role === 'tool'
                ? 'execute_tool get_weather'
                : 'tools/call get_weather',
        kind: role === 'llm' || role === 'mcp' ? 3 : 1,
        startTimeUnixNano: start,
        endTimeUnixNano: start + BigInt(rng.int(10_000_000, 2_000_000_000)),
        attributes:
          role === 'agent'
            ? new Map([
                ['gen_ai.operation.name', 'invoke_agent'],
                ['gen_ai.agent.name', 'TravelPlanner'],
                ['gen_ai.conversation.id', `conv_${rng.hex(6)}`],
              ])
            : role === 'llm'
              ? llmAttributes(rng, index)
              : toolAttributes(rng, role === 'mcp'),
        droppedAttributesCount: 0,
        events: failed
          ? [
              {
                timeUnixNano: start + 1000n,
                name: 'exception',
                attributes: new Map([
                  ['exception.type', 'mcp.shared.exceptions.McpError'],
                  ['exception.message', 'Request timed out'],
                  [
                    'exception.stacktrace',
                    'Traceback (most recent call last):\n  File "tools.py", line 58\n'.repeat(6),
                  ],
                ]),
                droppedAttributesCount: 0,
              },
            ]
          : [],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        status: { code: failed ? 2 : 0, message: failed ? 'Request timed out' : '' },
        resource,
        scope,
      });
    }
    time += 10_000_000_000n;
  }
  return { resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] }] };
}

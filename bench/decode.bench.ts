/**
 * Decode throughput: our OTLP/protobuf decoder against protobufjs (the generated code OpenTelemetry JS ships) on a
 * realistic GenAI payload, plus our OTLP/JSON decoder for comparison, and the logs decoder on GenAI log events.
 *   node --expose-gc --import tsx bench/decode.bench.ts        (npm run bench)
 * protobufjs only builds its message objects; ours also normalises (hex ids, bigint times, Maps), so the comparison
 * is conservative. Short rounds alternate the decoders so that machine noise hits all alike; medians are reported.
 * The decoders cycle through a few requests of the same shape but different ids and values, as a receiver never sees
 * the same bytes twice: a decoder's string caches must not be credited with repeats that only the benchmark has.
 * With --expose-gc every round starts from a collected heap, so no decoder pays for the garbage of the one before;
 * the decoder then runs untimed for a moment, because the first few decodes after a full collection run several times
 * slower for every decoder, a fixed cost that would otherwise take a larger share of a fast decoder's round.
 */
import legacyProtobufRoot from 'otlp-transformer-protobufjs/build/src/generated/root';
import { spansOf, type AttributeMap, type AttributeValue, type Span, type TraceRequest } from '../src/core/model';
import { encodeTraceRequestJson } from '../src/core/otlp/jsonEncoders';
import { decodeTraceRequestJson } from '../src/core/otlp/traceJson';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { ExportTraceServiceRequest, encodeWithProtobufjs } from '../test/support/protobufjsOracle';
import { logRecordsOf, type LogRecord, type LogsRequest } from '../src/core/otlp/logModel';
import { decodeLogsRequestProto } from '../src/core/otlp/logsProtobuf';
import { Rng } from '../test/support/randomRequest';
import { decodeLogsWithProtobufjsOnly, encodeLogsWithProtobufjs } from '../test/support/signalProtobufjsOracle';

const TRACES = 50;
const SPANS_PER_TRACE = 40;
/** Together they hold more unique short strings (call ids, session ids) than our value cache has entries. */
const PAYLOADS = 4;
/** Many short rounds: load changes on a busy machine then hit every decoder alike, and medians drop the outliers. */
const ROUNDS = 60;
const ROUND_MS = 60;
const SETTLE_MS = 20;
const WARM_UP_MS = 1500;

const SYSTEM_PROMPT =
  'You are TravelPlanner, a careful travel assistant. Always check the weather and opening hours with the tools ' +
  'before suggesting activities, prefer public transport, and answer in the language of the user. ';
const USER_TURNS = [
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
function buildPayload(seed: number): TraceRequest {
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

const collectGarbage = (globalThis as { gc?: () => void }).gc;

interface Decoder {
  name: string;
  decode(): unknown;
}

/** A decoder that takes the inputs in turn. */
function cycling<T>(name: string, inputs: readonly T[], decode: (input: T) => unknown): Decoder {
  let next = 0;
  return {
    name,
    decode: () => {
      const input = inputs[next]!;
      next = (next + 1) % inputs.length;
      return decode(input);
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs `decode` for about `ms` and returns decodes per second. */
function measure(decoder: Decoder, ms: number): number {
  let iterations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    decoder.decode();
    iterations++;
    now = process.hrtime.bigint();
  }
  return iterations / (Number(now - start) / 1e9);
}

/** Measures the decoders in alternating rounds and returns the median items (spans, log records) per second of each. */
function compare(decoders: Decoder[], spanCount: number, items = 'spans'): Map<string, number> {
  for (const decoder of decoders) measure(decoder, WARM_UP_MS / decoders.length);
  const rates = new Map<string, number[]>(decoders.map((decoder) => [decoder.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? decoders : [...decoders].reverse();
    for (const decoder of order) {
      if (collectGarbage) {
        collectGarbage();
        measure(decoder, SETTLE_MS);
      }
      rates.get(decoder.name)!.push(measure(decoder, ROUND_MS) * spanCount);
    }
  }
  const spansPerSecond = new Map([...rates].map(([name, values]) => [name, median(values)]));
  for (const [name, rate] of spansPerSecond) {
    console.log(`${name.padEnd(40)} ${(rate / 1e6).toFixed(2).padStart(6)} M ${items}/s`);
  }
  return spansPerSecond;
}

function main(): void {
  // Only the encoded bodies stay alive, so that the heap holds the same little for every decoder.
  const payloads = Array.from({ length: PAYLOADS }, (_, index) =>
    Buffer.from(encodeWithProtobufjs(buildPayload(20250101 + index))),
  );
  const spanCount = spansOf(decodeTraceRequestProto(payloads[0]!).request).length;
  const averageBytes = payloads.reduce((sum, payload) => sum + payload.length, 0) / PAYLOADS;
  const legacyRequest = (
    legacyProtobufRoot as unknown as {
      opentelemetry: {
        proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { decode(b: Uint8Array): unknown } } } } };
      };
    }
  ).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
  if (!collectGarbage) console.log('(run with node --expose-gc for a collected heap before every round)');
  console.log(
    `payload: ${PAYLOADS} requests of ${TRACES} traces x ${SPANS_PER_TRACE} spans = ${spanCount} spans, ` +
      `${(averageBytes / 1024).toFixed(0)} KiB of protobuf each`,
  );

  const ours = cycling('ours (protobuf)', payloads, decodeTraceRequestProto);
  const protobufjs8 = cycling('protobufjs 8 (otlp-transformer 0.212)', payloads, (bytes) =>
    ExportTraceServiceRequest.decode(bytes),
  );
  const protobufjs7 = cycling('protobufjs 7 (otlp-transformer 0.52)', payloads, (bytes) => legacyRequest.decode(bytes));
  const protobufRates = compare([ours, protobufjs8, protobufjs7], spanCount);

  const jsonTexts = payloads.map((bytes) => encodeTraceRequestJson(decodeTraceRequestProto(bytes).request));
  const averageJsonLength = jsonTexts.reduce((sum, text) => sum + text.length, 0) / PAYLOADS;
  console.log(`the same as ${(averageJsonLength / 1024).toFixed(0)} KiB of OTLP/JSON each, for comparison:`);
  const oursJson = cycling('ours (JSON)', jsonTexts, decodeTraceRequestJson);
  // What the receiver does with a JSON trace body: decode it, then take its spans.
  const jsonIngest = cycling('JSON ingest (decode + spansOf)', jsonTexts, (text) =>
    spansOf(decodeTraceRequestJson(text).request),
  );
  const parseAlone = cycling('JSON.parse alone', jsonTexts, (text) => JSON.parse(text));
  const jsonRates = compare([oursJson, jsonIngest, parseAlone], spanCount);

  const oursRate = protobufRates.get(ours.name)!;
  // Against the faster protobufjs of the run: either one now and then runs much slower for a whole run (GC).
  const protobufjsRate = Math.max(protobufRates.get(protobufjs8.name)!, protobufRates.get(protobufjs7.name)!);
  console.log(`ours: protobuf decoding is ${(oursRate / jsonRates.get(oursJson.name)!).toFixed(2)}x JSON decoding`);
  console.log(`decode speedup vs protobufjs: ${(oursRate / protobufjsRate).toFixed(2)}x`);
  const ingestRatio = jsonRates.get(jsonIngest.name)! / jsonRates.get(parseAlone.name)!;
  console.log(`JSON ingest vs JSON.parse alone: ${ingestRatio.toFixed(2)}x`);

  const logPayloads = Array.from({ length: PAYLOADS }, (_, index) =>
    Buffer.from(encodeLogsWithProtobufjs(buildLogsPayload(20260101 + index))),
  );
  const recordCount = logRecordsOf(decodeLogsRequestProto(logPayloads[0]!).request).length;
  const averageLogBytes = logPayloads.reduce((sum, payload) => sum + payload.length, 0) / PAYLOADS;
  console.log(
    `logs: ${PAYLOADS} requests of ${recordCount} GenAI event and log records, ${(averageLogBytes / 1024).toFixed(0)} KiB each`,
  );
  const oursLogs = cycling('ours (logs protobuf)', logPayloads, decodeLogsRequestProto);
  const protobufjsLogs = cycling('protobufjs 8 (logs)', logPayloads, decodeLogsWithProtobufjsOnly);
  const logRates = compare([oursLogs, protobufjsLogs], recordCount, 'records');
  console.log(
    `logs decode speedup vs protobufjs: ${(logRates.get(oursLogs.name)! / logRates.get(protobufjsLogs.name)!).toFixed(2)}x`,
  );
}

const GENAI_EVENTS = [
  'gen_ai.system.message',
  'gen_ai.user.message',
  'gen_ai.assistant.message',
  'gen_ai.tool.message',
  'gen_ai.choice',
];

/** Log records per LLM call span: its GenAI message events and a plain log line. */
const RECORDS_PER_SPAN = 5;

/**
 * 2000 log records as an instrumented agent sends them: per LLM call, GenAI message events with bodies and a plain log
 * line, all with that call's trace and span ids.
 */
function buildLogsPayload(seed: number): LogsRequest {
  const rng = new Rng(seed);
  const resource = {
    attributes: new Map<string, AttributeValue>([['service.name', 'travel-agent']]),
    droppedAttributesCount: 0,
  };
  const scope = {
    name: 'opentelemetry.instrumentation.openai_v2',
    version: '2.1b0',
    attributes: new Map(),
    droppedAttributesCount: 0,
  };
  const logRecords: LogRecord[] = [];
  let time = 1_760_000_000_000_000_000n;
  let traceId = '';
  let spanId = '';
  for (let index = 0; index < TRACES * SPANS_PER_TRACE; index++) {
    if (index % (RECORDS_PER_SPAN * SPANS_PER_TRACE) === 0) traceId = rng.hex(16);
    if (index % RECORDS_PER_SPAN === 0) spanId = rng.hex(8);
    const event = index % RECORDS_PER_SPAN !== RECORDS_PER_SPAN - 1;
    const eventName = event ? GENAI_EVENTS[index % GENAI_EVENTS.length]! : '';
    time += BigInt(rng.int(1_000, 50_000_000));
    logRecords.push({
      timeUnixNano: time,
      observedTimeUnixNano: time + 1_000n,
      severityNumber: event ? 9 : 13,
      severityText: event ? '' : 'WARN',
      body: event
        ? new Map<string, AttributeValue>([
            ['role', eventName.split('.')[1]!],
            ['content', `${rng.pick(USER_TURNS)} ${rng.hex(6)}`],
          ])
        : `weather API answered in ${rng.int(200, 3000)} ms`,
      attributes: new Map<string, AttributeValue>(
        event ? [['gen_ai.system', 'openai']] : [['code.line.number', rng.int(1, 400)]],
      ),
      droppedAttributesCount: 0,
      flags: 1,
      traceId,
      spanId,
      eventName,
      resource,
      scope,
    });
  }
  return { resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords }] }] };
}

main();

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
import { spansOf, type AttributeValue } from '../src/core/model';
import { encodeTraceRequestJson } from '../src/core/otlp/jsonEncoders';
import { decodeTraceRequestJson } from '../src/core/otlp/traceJson';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { ExportTraceServiceRequest, encodeWithProtobufjs } from '../test/support/protobufjsOracle';
import { logRecordsOf, type LogRecord, type LogsRequest } from '../src/core/otlp/logModel';
import { decodeLogsRequestProto } from '../src/core/otlp/logsProtobuf';
import { Rng } from '../test/support/randomRequest';
import { decodeLogsWithProtobufjsOnly, encodeLogsWithProtobufjs } from '../test/support/signalProtobufjsOracle';
import { buildPayload, SPANS_PER_TRACE, TRACES, USER_TURNS } from './support/genAiPayload';

/** Together they hold more unique short strings (call ids, session ids) than our value cache has entries. */
const PAYLOADS = 4;
/** Many short rounds: load changes on a busy machine then hit every decoder alike, and medians drop the outliers. */
const ROUNDS = 60;
const ROUND_MS = 60;
const SETTLE_MS = 20;
const WARM_UP_MS = 1500;

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
  const jsonRates = compare([oursJson, cycling('JSON.parse alone', jsonTexts, (text) => JSON.parse(text))], spanCount);

  const oursRate = protobufRates.get(ours.name)!;
  // Against the faster protobufjs of the run: either one now and then runs much slower for a whole run (GC).
  const protobufjsRate = Math.max(protobufRates.get(protobufjs8.name)!, protobufRates.get(protobufjs7.name)!);
  console.log(`ours: protobuf decoding is ${(oursRate / jsonRates.get(oursJson.name)!).toFixed(2)}x JSON decoding`);
  console.log(`decode speedup vs protobufjs: ${(oursRate / protobufjsRate).toFixed(2)}x`);

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

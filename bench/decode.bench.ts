/**
 * Decode throughput: our OTLP/protobuf decoder against protobufjs (the generated code OpenTelemetry JS ships) on a
 * realistic GenAI payload, plus our OTLP/JSON decoder for comparison, and the logs decoder on GenAI log events.
 *   node --expose-gc --import tsx bench/decode.bench.ts        (npm run bench)
 * protobufjs only builds its message objects; ours also normalises (hex ids, bigint times, Maps), so the comparison
 * is conservative. Short rounds alternate the decoders so that machine noise hits all alike; medians are reported.
 * Rates are per second of process CPU time, not wall time, which on a shared machine also counts other processes'
 * turns; the speedup is the median of per-round ratios, with their interquartile range to show how far it can be
 * trusted. V8's allocation-site pretenuring is off: a benchmark's decoded requests die at once, and V8's per-process
 * guess at which allocations will live long otherwise halved one decoder's rate for a whole run in some processes and
 * not in others (ours 0.20 or 0.37, protobufjs 0.12 or 0.29 M spans/s), so that the same code printed anything from
 * 0.7x to 3x.
 * The decoders cycle through a few requests of the same shape but different ids and values, as a receiver never sees
 * the same bytes twice: a decoder's string caches must not be credited with repeats that only the benchmark has.
 * With --expose-gc every round starts from a collected heap, so no decoder pays for the garbage of the one before;
 * the decoder then runs untimed for a moment, because the first few decodes after a full collection run several times
 * slower for every decoder, a fixed cost that would otherwise take a larger share of a fast decoder's round.
 */
import * as v8 from 'node:v8';
import legacyProtobufRoot from 'otlp-transformer-protobufjs/build/src/generated/root';
import { spansOf, type AttributeValue } from '../src/core/model';
import { encodeTraceRequestJson } from '../src/core/otlp/jsonEncoders';
import { decodeTraceRequestJson } from '../src/core/otlp/traceJson';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { analyzeSpan } from '../src/core/semantics/analyze';
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

// Before any decoder runs: the flag is read whenever the scavenger weighs its pretenuring feedback.
v8.setFlagsFromString('--no-allocation-site-pretenuring');

const collectGarbage = (globalThis as { gc?: () => void }).gc;
/** Bound once: called per span (an imported binding is a getter call under CommonJS). */
const analyze = analyzeSpan;

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

/**
 * Runs `decode` for about `ms` and returns decodes per second of the process's CPU time: time the scheduler gives to
 * other processes on a busy machine is not counted, while the GC work a decoder causes on helper threads is.
 */
function measure(decoder: Decoder, ms: number): number {
  let iterations = 0;
  const deadline = performance.now() + ms;
  const start = process.cpuUsage();
  do {
    decoder.decode();
    iterations++;
  } while (performance.now() < deadline);
  const used = process.cpuUsage(start);
  return iterations / ((used.user + used.system) / 1e6);
}

/** Measures the decoders in alternating rounds and returns each one's items (spans, log records) per second per round. */
function measureRounds(decoders: Decoder[], itemCount: number): Map<string, number[]> {
  for (const decoder of decoders) measure(decoder, WARM_UP_MS / decoders.length);
  const rates = new Map<string, number[]>(decoders.map((decoder) => [decoder.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? decoders : [...decoders].reverse();
    for (const decoder of order) {
      if (collectGarbage) {
        collectGarbage();
        measure(decoder, SETTLE_MS);
      }
      rates.get(decoder.name)!.push(measure(decoder, ROUND_MS) * itemCount);
    }
  }
  return rates;
}

/** Prints and returns the median rate of each decoder. */
function printMedians(rates: Map<string, number[]>, items: string): Map<string, number> {
  const medians = new Map([...rates].map(([name, values]) => [name, median(values)]));
  for (const [name, rate] of medians) {
    console.log(`${name.padEnd(40)} ${(rate / 1e6).toFixed(2).padStart(6)} M ${items}/s`);
  }
  return medians;
}

/** Measures the decoders in alternating rounds and returns the median items (spans, log records) per second of each. */
function compare(decoders: Decoder[], spanCount: number, items = 'spans'): Map<string, number> {
  return printMedians(measureRounds(decoders, spanCount), items);
}

/**
 * Per round, `ours` against the faster protobufjs of that round (either one now and then runs much slower for a while,
 * GC): the ratios of the same round share the machine's load, so their spread shows how far the median can be trusted.
 */
function roundRatios(rates: Map<string, number[]>, ours: string, others: string[]): number[] {
  return rates.get(ours)!.map((rate, round) => rate / Math.max(...others.map((name) => rates.get(name)![round]!)));
}

/** The interquartile range of per-round ratios, as `IQR 1.10-1.35x of 60 rounds`. */
function ratioSummary(ratios: number[]): string {
  const sorted = [...ratios].sort((a, b) => a - b);
  const quartile = (q: number) => sorted[Math.floor((sorted.length - 1) * q)]!.toFixed(2);
  return `IQR ${quartile(0.25)}-${quartile(0.75)}x of ${sorted.length} rounds`;
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
  // What ingest does with every decoded request: work a decoder defers to first use shows up here, not as a saving.
  const oursAnalyzed = cycling('ours (protobuf) + analyze', payloads, (bytes) =>
    spansOf(decodeTraceRequestProto(bytes).request).map(analyze),
  );
  const protobufRounds = measureRounds([ours, oursAnalyzed, protobufjs8, protobufjs7], spanCount);
  const protobufRates = printMedians(protobufRounds, 'spans');
  const protobufjsNames = [protobufjs8.name, protobufjs7.name];
  const speedups = roundRatios(protobufRounds, ours.name, protobufjsNames);
  console.log(`decode speedup vs protobufjs: ${median(speedups).toFixed(2)}x`);
  console.log(`  ${ratioSummary(speedups)}`);
  const analyzedSpeedups = roundRatios(protobufRounds, oursAnalyzed.name, protobufjsNames);
  console.log(
    `decode + analyze vs protobufjs decode alone: ${median(analyzedSpeedups).toFixed(2)}x ` +
      `(${ratioSummary(analyzedSpeedups)})`,
  );

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
  console.log(`ours: protobuf decoding is ${(oursRate / jsonRates.get(oursJson.name)!).toFixed(2)}x JSON decoding`);
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

/**
 * The real exports the receiver fuzz mutates (fuzzBodies.ts): what the OpenTelemetry SDKs' protobuf and JSON exporters
 * send for an agent run (spans, message events, GenAI metrics), and the trace fixtures. Ids and times are pinned, so
 * the bodies, and so the fuzz cases made from them, are the same in every run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { gunzipSync } from 'node:zlib';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { decodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { decodeMetricsRequestProto } from '../../src/core/otlp/metricsProtobuf';
import type { OtlpSignal } from '../../src/core/receiver/signals';
import type { SeedBody } from './fuzzBodies';
import { startCollector } from './recordingCollector';

const FIXTURES = join(__dirname, '..', 'fixtures');
const FIXTURE_NAMES = ['genai-agent', 'openinference-llm', 'vercel-ai'];
const START_MS = Date.UTC(2025, 5, 1, 9, 30);
/** A Date, since the SDKs read a number before the process started as a performance.now() reading. */
const at = (ms: number) => new Date(ms);
const PINNED_NANOS = BigInt(START_MS) * 1_000_000n;

/** Ids counted up from a seed instead of drawn at random. */
function countingIds(seed: number): IdGenerator {
  let next = seed * 1000;
  const id = (hexDigits: number) => (++next).toString(16).padStart(hexDigits, '0');
  return { generateTraceId: () => id(32), generateSpanId: () => id(16) };
}

/**
 * An agent run of `steps` chat and tool calls, batched as exporters batch it: one request of an invoke_agent span over
 * its chat and tool spans with GenAI attributes, and one of the message events emitted in them.
 */
async function exportAgentRun(steps: number, traceExporter: SpanExporter, logExporter: LogRecordExporter) {
  const resource = resourceFromAttributes({ 'service.name': 'fuzz-agent' });
  const idGenerator = countingIds(steps);
  const traces = new BasicTracerProvider({
    resource,
    idGenerator,
    spanProcessors: [new BatchSpanProcessor(traceExporter)],
  });
  const logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor(logExporter)] });
  const tracer = traces.getTracer('fuzz-test', '1.0.0');
  const logger = logs.getLogger('opentelemetry.instrumentation.openai_v2');
  const attributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' };
  const agent = tracer.startSpan('invoke_agent planner', { attributes, startTime: at(START_MS) });
  const inAgent = trace.setSpan(context.active(), agent);
  for (let step = 1; step <= steps; step++) {
    const startTime = START_MS + step * 1000;
    const chat = step % 2 === 1;
    const name = chat ? 'chat gpt-4o-mini' : 'execute_tool search';
    const stepAttributes = chat
      ? {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.usage.input_tokens': 900 + step,
        }
      : { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' };
    const span = tracer.startSpan(name, { attributes: stepAttributes, startTime: at(startTime) }, inAgent);
    logger.emit({
      context: trace.setSpan(inAgent, span),
      timestamp: at(startTime + 1),
      observedTimestamp: at(startTime + 2),
      eventName: chat ? 'gen_ai.user.message' : 'gen_ai.tool.message',
      body: { content: `Step ${step}: find flights to Lisbon under 300 EUR` },
    });
    span.end(at(startTime + 900));
  }
  agent.end(at(START_MS + (steps + 1) * 1000));
  await Promise.all([logs.shutdown(), traces.shutdown()]);
}

/** A counter, a histogram and a gauge through the real metrics SDK, exported once when it shuts down. */
async function recordAgentMetrics(exporter: PushMetricExporter, service: string): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('fuzz-test');
  const model = { 'gen_ai.request.model': 'gpt-4o-mini' };
  const tokens = meter.createCounter('gen_ai.client.token.usage', { unit: '{token}' });
  tokens.add(1200, { ...model, 'gen_ai.token.type': 'input' });
  tokens.add(80, { ...model, 'gen_ai.token.type': 'output' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  for (const seconds of [0.4, 1.2, 2.5]) duration.record(seconds, model);
  meter.createGauge('app.queue.depth').record(3);
  await provider.shutdown();
}

/** `body` with every `from` replaced by `to`, of the same length. */
function replaceBytes(body: Buffer, from: Buffer, to: Buffer): Buffer {
  const replaced = Buffer.from(body);
  for (let at = replaced.indexOf(from); at >= 0; at = replaced.indexOf(from, at + to.length)) to.copy(replaced, at);
  return replaced;
}

/** A fixed64 field (wire type 1) as encoded: its tag, then the value little-endian. */
function fixed64Field(field: number, value: bigint): Buffer {
  const bytes = Buffer.alloc(9);
  bytes[0] = (field << 3) | 1;
  bytes.writeBigUInt64LE(value, 1);
  return bytes;
}

const PINNED_START = PINNED_NANOS;
const PINNED_END = PINNED_NANOS + 1_000_000_000n;

function pointTimes(seed: SeedBody): [start: bigint, end: bigint][] {
  const json = seed.encoding === 'json';
  const { request } = json
    ? decodeMetricsRequestJson(seed.body.toString('utf8'))
    : decodeMetricsRequestProto(seed.body);
  return metricsOf(request).flatMap(({ data }) =>
    data.type === 'none' ? [] : data.dataPoints.map((point) => [point.startTimeUnixNano, point.timeUnixNano] as const),
  ) as [bigint, bigint][];
}

/**
 * A metrics export with its data points' clock times (the SDK has no way to set them) pinned in place: start time
 * (field 2 of every data point) and time (field 3) each to one fixed value.
 */
function pinMetricTimes(seed: SeedBody): SeedBody {
  let body = seed.body;
  for (const [start, end] of pointTimes(seed)) {
    if (seed.encoding === 'json') {
      body = Buffer.from(
        body
          .toString('utf8')
          .replaceAll(`"startTimeUnixNano":"${start}"`, `"startTimeUnixNano":"${PINNED_START}"`)
          .replaceAll(`"timeUnixNano":"${end}"`, `"timeUnixNano":"${PINNED_END}"`),
      );
    } else {
      body = replaceBytes(body, fixed64Field(2, start), fixed64Field(2, PINNED_START));
      body = replaceBytes(body, fixed64Field(3, end), fixed64Field(3, PINNED_END));
    }
  }
  const pinned = { ...seed, body };
  if (!pointTimes(pinned).every(([start, end]) => start === PINNED_START && end === PINNED_END)) {
    throw new Error(`The ${seed.encoding} metrics export's times could not be pinned`);
  }
  return pinned;
}

/** The bodies the SDKs' exporters send, uncompressed, and the trace fixtures. */
export async function realExports(): Promise<SeedBody[]> {
  const collector = await startCollector();
  try {
    const url = (signal: OtlpSignal) => ({ url: `${collector.endpoint}/v1/${signal}` });
    for (const steps of [3, 12]) {
      await exportAgentRun(steps, new ProtobufTraceExporter(url('traces')), new ProtobufLogExporter(url('logs')));
      await exportAgentRun(steps, new JsonTraceExporter(url('traces')), new JsonLogExporter(url('logs')));
    }
    for (const service of ['fuzz-agent', 'fuzz-tools']) {
      await recordAgentMetrics(new ProtobufMetricExporter(url('metrics')), service);
      await recordAgentMetrics(new JsonMetricExporter(url('metrics')), service);
    }
  } finally {
    await collector.close();
  }
  const exported = collector.received.map(({ url, headers, body }): SeedBody => {
    const signal = url.slice('/v1/'.length) as OtlpSignal;
    const encoding = headers['content-type'] === 'application/json' ? 'json' : 'protobuf';
    const seed = { signal, encoding, body: headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body } as const;
    return signal === 'metrics' ? pinMetricTimes(seed) : seed;
  });
  const fixtures = await Promise.all(
    FIXTURE_NAMES.flatMap((name) =>
      (['pb', 'json'] as const).map(async (extension): Promise<SeedBody> => {
        const body = await readFile(join(FIXTURES, `${name}.${extension}`));
        return { signal: 'traces', encoding: extension === 'pb' ? 'protobuf' : 'json', body };
      }),
    ),
  );
  // Traces and logs arrive in either order: sorted, the seeds are picked alike in every run.
  const order = (a: SeedBody, b: SeedBody) =>
    `${a.signal} ${a.encoding}`.localeCompare(`${b.signal} ${b.encoding}`) || Buffer.compare(a.body, b.body);
  return [...exported.sort(order), ...fixtures];
}

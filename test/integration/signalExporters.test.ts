/**
 * The real OpenTelemetry JS logs and metrics SDKs exporting to the real receiver, over protobuf (gzipped) and JSON, into
 * the stores the extension uses: GenAI events sent as log records join their span and make its transcript, and GenAI
 * metrics are queryable by model.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, trace, TraceFlags, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { logRecordsOf } from '../../src/core/otlp/logModel';
import type { HistogramDataPoint } from '../../src/core/otlp/metricModel';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { extractTranscript } from '../../src/core/transcript';
import { makeSpan } from '../support/spanBuilder';

const SERVICE = 'travel-planner-service';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const BASE_SECONDS = 1_750_000_000;

function at(nanos: number): HrTime {
  return [BASE_SECONDS, nanos];
}

/** The chat span's GenAI events (OTel GenAI 1.28–1.36, as instrumentation-openai-v2 emits them), then a plain log line. */
function emitChatEvents(provider: LoggerProvider): void {
  const logger = provider.getLogger('opentelemetry.instrumentation.openai_v2', '2.1b0');
  const spanContext = trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  const common = {
    context: spanContext,
    severityNumber: SeverityNumber.INFO,
    attributes: { 'gen_ai.system': 'openai' },
  };
  logger.emit({
    ...common,
    timestamp: at(100),
    eventName: 'gen_ai.system.message',
    body: { content: 'You are a travel agent.' },
  });
  logger.emit({
    ...common,
    timestamp: at(200),
    eventName: 'gen_ai.user.message',
    body: { content: 'Weather in Paris?' },
  });
  logger.emit({
    ...common,
    timestamp: at(300),
    eventName: 'gen_ai.choice',
    body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Rainy, 14 °C.' } },
  });
  logger.emit({
    context: spanContext,
    timestamp: at(400),
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'weather API answered slowly',
    attributes: { 'code.line.number': 42 },
  });
}

describe('OTel logs and metrics exporters → receiver → stores', () => {
  const traces = new TraceStore({ maxSpans: 1000 });
  const logs = new LogStore({ maxRecords: 1000 });
  const metrics = new MetricStore({ maxPoints: 1000 });
  const formats: string[] = [];
  let receiver: OtlpHttpReceiver;
  let base: string;

  before(async () => {
    logs.followTraces(traces);
    receiver = new OtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      onTraces: () => {},
      onLogs: (result) => logs.add(logRecordsOf(result.request)),
      onMetrics: (result) => {
        metrics.add(metricsOf(result.request));
      },
      log: { info: (line) => formats.push(line), warn() {}, error() {} },
    });
    const { port } = await receiver.start();
    base = `http://127.0.0.1:${port}`;
  });

  after(() => receiver.stop());

  const exporters: [string, () => LogRecordExporter][] = [
    [
      'protobuf, gzip',
      () => new ProtobufLogExporter({ url: `${base}/v1/logs`, compression: CompressionAlgorithm.GZIP }),
    ],
    ['json', () => new JsonLogExporter({ url: `${base}/v1/logs` })],
  ];

  for (const [format, makeExporter] of exporters) {
    test(`logs over ${format}: every field as the SDK sent it, joined to the span that arrives later`, async () => {
      logs.clear();
      traces.clear();
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE }),
        processors: [new BatchLogRecordProcessor(makeExporter())],
      });
      emitChatEvents(provider);
      await provider.forceFlush();
      await provider.shutdown();
      assert.ok(
        formats.some((line) => line.startsWith(`POST /v1/logs: 4 log records received (${format}`)),
        formats.join('\n'),
      );

      const records = logs.forSpan(TRACE_ID, SPAN_ID);
      assert.equal(records.length, 4);
      const [system, user, choice, warning] = records;
      assert.equal(system!.eventName, 'gen_ai.system.message');
      assert.equal(user!.timeUnixNano, BigInt(BASE_SECONDS) * 1_000_000_000n + 200n);
      assert.ok(user!.observedTimeUnixNano > user!.timeUnixNano, 'observed now, after the given event time');
      assert.equal(user!.severityNumber, SeverityNumber.INFO);
      assert.deepEqual(user!.body, new Map([['content', 'Weather in Paris?']]));
      assert.deepEqual([...user!.attributes], [['gen_ai.system', 'openai']]);
      assert.equal(user!.resource.attributes.get('service.name'), SERVICE);
      assert.equal(user!.scope.name, 'opentelemetry.instrumentation.openai_v2');
      assert.equal(user!.flags, TraceFlags.SAMPLED);
      assert.equal(choice!.eventName, 'gen_ai.choice');
      assert.deepEqual(
        [warning!.severityText, warning!.body, warning!.eventName],
        ['WARN', 'weather API answered slowly', ''],
      );
      assert.equal(warning!.attributes.get('code.line.number'), 42);

      // The span arrives after its logs.
      traces.ingest([makeSpan({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'chat gpt-4o' })]);
      const span = traces.getTrace(TRACE_ID)!.getSpan(SPAN_ID)!.span;
      assert.deepEqual(extractTranscript(span, logs.forSpan(span.traceId, span.spanId)), [
        { role: 'system', text: 'You are a travel agent.' },
        { role: 'user', text: 'Weather in Paris?' },
        { role: 'assistant', text: 'Rainy, 14 °C.' },
      ]);
    });
  }

  test('metrics over protobuf: GenAI histograms stored and queryable by model, other metrics dropped', async () => {
    const exporter = new OTLPMetricExporter({
      url: `${base}/v1/metrics`,
      temporalityPreference: AggregationTemporality.CUMULATIVE,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': SERVICE }),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    const meter = provider.getMeter('opentelemetry.instrumentation.openai_v2');
    const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
    const tokens = meter.createHistogram('gen_ai.client.token.usage', { unit: '{token}' });
    const httpRequests = meter.createCounter('http.client.request.count');
    duration.record(1.25, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat' });
    duration.record(0.75, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.operation.name': 'chat' });
    duration.record(3.5, { 'gen_ai.request.model': 'claude-sonnet-4', 'gen_ai.operation.name': 'chat' });
    tokens.record(1200, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.token.type': 'input' });
    tokens.record(80, { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.token.type': 'output' });
    httpRequests.add(3, { 'http.request.method': 'POST' });
    // Shutting down collects and exports once (a flush before it would export the cumulative points twice).
    await provider.shutdown();

    const [gpt] = metrics.query({
      name: 'gen_ai.client.operation.duration',
      attributes: { 'gen_ai.request.model': 'gpt-4o' },
    });
    assert.equal(gpt!.type, 'histogram');
    assert.equal(gpt!.unit, 's');
    assert.equal(gpt!.aggregationTemporality, 2);
    assert.equal(gpt!.resourceAttributes.get('service.name'), SERVICE);
    const point = gpt!.point as HistogramDataPoint;
    assert.deepEqual([point.count, point.sum, point.min, point.max], [2, 2, 0.75, 1.25]);
    assert.equal(point.bucketCounts.length, point.explicitBounds.length + 1);
    assert.equal(
      point.bucketCounts.reduce((sum, count) => sum + count, 0),
      2,
    );
    const [output] = metrics.query({
      name: 'gen_ai.client.token.usage',
      attributes: { 'gen_ai.token.type': 'output' },
    });
    assert.equal((output!.point as HistogramDataPoint).sum, 80);
    assert.equal(metrics.query({ name: 'gen_ai.client.operation.duration' }).length, 2);
    assert.deepEqual(metrics.names(), ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']);
    assert.equal(metrics.droppedPoints, 1, 'the HTTP counter');
  });
});

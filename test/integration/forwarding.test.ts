/**
 * Forwarding end to end: the real OpenTelemetry JS exporters send to our receivers (HTTP and gRPC), which hand every
 * accepted request to an OtlpForwarder; a second receiver on loopback plays the team collector. It gets every request
 * byte for byte; with the collector down, exports are answered at once and land locally while requests wait, then are
 * delivered when it comes up; a tiny queue counts its drops exactly; a 400 is not retried; secrets stay out of logs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { findFreePort } from '../../src/core/endpoint';
import { spansOf } from '../../src/core/model';
import { OtlpForwarder, type ForwardedRequest, type ForwarderOptions } from '../../src/core/forward/otlpForwarder';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import type { OtlpReceiverOptions, ReceiverLog } from '../../src/core/receiver/options';
import { TraceStore } from '../../src/core/store/traceStore';
import { startCollector, type Received } from '../support/recordingCollector';
import { exportChatWithEvents, recordMetrics } from './cliFixtures';
import { until } from '../support/until';

const LIMIT = 4 * 1024 * 1024;
const FAST_BACKOFF = { initialDelayMs: 20, maxDelayMs: 100 };

/** One finished span per call, recorded in memory, to export with whichever exporter a test picks. */
async function recordSpan(name: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider
    .getTracer('forwarding-test')
    .startSpan(name, { attributes: { 'gen_ai.operation.name': 'chat' } })
    .end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** A request's identity for comparing what was received with what was forwarded. */
const keyOf = ({ signal, contentType, contentEncoding, body }: ForwardedRequest) =>
  `${signal} ${contentType} ${contentEncoding ?? 'identity'} ${Buffer.from(body).toString('hex')}`;

const receivedKeyOf = ({ url, headers, body }: Received) =>
  `${url.slice('/v1/'.length)} ${headers['content-type']} ${headers['content-encoding'] ?? 'identity'} ${body.toString('hex')}`;

function recordingLog() {
  const lines: string[] = [];
  const log: ReceiverLog = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  return { lines, log };
}

/** Our HTTP receiver, storing traces locally and forwarding everything it accepts. */
async function startForwardingReceiver(forwarder: OtlpForwarder, log?: ReceiverLog) {
  const store = new TraceStore({ maxSpans: 10_000 });
  const accepted: ForwardedRequest[] = [];
  const options: OtlpReceiverOptions = {
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: LIMIT,
    log,
    onTraces: (result) => void store.ingest(spansOf(result.request)),
    onLogs: () => {},
    onMetrics: () => {},
    onAccepted: (request) => {
      accepted.push(request);
      forwarder.enqueue(request);
    },
  };
  const receiver = new OtlpHttpReceiver(options);
  const { port } = await receiver.start();
  return { receiver, options, store, accepted, base: `http://127.0.0.1:${port}` };
}

describe('forwarding to a team collector', () => {
  const stops: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  function forwarderTo(endpoint: string, options: Partial<ForwarderOptions> = {}): OtlpForwarder {
    const forwarder = new OtlpForwarder({ endpoint, headers: {}, backoff: FAST_BACKOFF, ...options });
    stops.push(() => forwarder.stop(0));
    return forwarder;
  }

  describe('every accepted request, every signal and encoding, HTTP and gRPC', () => {
    const collected: ForwardedRequest[] = [];
    const collectorStore = new TraceStore({ maxSpans: 10_000 });
    let local: Awaited<ReturnType<typeof startForwardingReceiver>>;
    let forwarder: OtlpForwarder;
    let grpcUrl: string;

    before(async () => {
      // The team collector is our own receiver too: it decodes what it gets and hands over the bytes as received.
      const collector = new OtlpHttpReceiver({
        host: '127.0.0.1',
        port: 0,
        maxBodyBytes: LIMIT,
        onTraces: (result) => void collectorStore.ingest(spansOf(result.request)),
        onLogs: () => {},
        onMetrics: () => {},
        onAccepted: (request) => collected.push(request),
      });
      const { port } = await collector.start();
      stops.push(() => collector.stop());
      forwarder = forwarderTo(`http://127.0.0.1:${port}`);
      local = await startForwardingReceiver(forwarder);
      stops.push(() => local.receiver.stop());
      const grpc = new OtlpGrpcReceiver({ ...local.options, port: 0 });
      grpcUrl = `http://127.0.0.1:${(await grpc.start()).port}`;
      stops.push(() => grpc.stop());
    });

    test('the collector gets each one byte for byte, with its media type and coding; gRPC as protobuf', async () => {
      const traces = `${local.base}/v1/traces`;
      const gzip = { compression: CompressionAlgorithm.GZIP };
      const exporters: SpanExporter[] = [
        new ProtobufTraceExporter({ url: traces }),
        new ProtobufTraceExporter({ url: traces, ...gzip }),
        new JsonTraceExporter({ url: traces }),
        new JsonTraceExporter({ url: traces, ...gzip }),
        new GrpcTraceExporter({ url: grpcUrl, ...gzip }),
      ];
      for (const [index, exporter] of exporters.entries()) {
        const result = await exportOnce(exporter, await recordSpan(`chat ${index}`));
        assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
        await exporter.shutdown();
      }
      await exportChatWithEvents(
        new ProtobufTraceExporter({ url: traces }),
        new JsonLogExporter({ url: `${local.base}/v1/logs`, ...gzip }),
      );
      await recordMetrics(new ProtobufMetricExporter({ url: `${local.base}/v1/metrics`, ...gzip }), 'forwarded');
      await recordMetrics(new JsonMetricExporter({ url: `${local.base}/v1/metrics` }), 'forwarded');

      await forwarder.stop(10_000);
      const { forwarded, dropped, queued } = forwarder.stats;
      assert.deepEqual({ forwarded, dropped, queued }, { forwarded: local.accepted.length, dropped: 0, queued: 0 });
      assert.deepEqual(collected.map(keyOf).sort(), local.accepted.map(keyOf).sort());

      // What the mix held: every signal, both encodings, gzip and not, and the gRPC request as plain protobuf.
      const kinds = new Set(local.accepted.map((r) => `${r.signal} ${r.contentType} ${r.contentEncoding ?? '-'}`));
      for (const kind of [
        'traces application/x-protobuf -',
        'traces application/x-protobuf gzip',
        'traces application/json -',
        'traces application/json gzip',
        'logs application/json gzip',
        'metrics application/x-protobuf gzip',
        'metrics application/json -',
      ]) {
        assert.ok(kinds.has(kind), `${kind} in ${[...kinds].join(', ')}`);
      }
      assert.equal(local.store.traceCount, collectorStore.traceCount);
      const names = (store: TraceStore) =>
        store
          .traces()
          .flatMap((record) => record.spans().map((node) => node.span.name))
          .sort();
      assert.deepEqual(names(collectorStore), names(local.store));
      assert.ok(names(collectorStore).includes('chat 4'), 'the span sent over gRPC');
    });
  });

  test('with the collector down, receiving is unaffected; requests wait and arrive once it is up', async () => {
    const port = await findFreePort('127.0.0.1');
    const secret = 'sk-team-collector-secret';
    const { lines, log } = recordingLog();
    const forwarder = forwarderTo(`http://127.0.0.1:${port}`, { headers: { authorization: `Bearer ${secret}` }, log });
    const local = await startForwardingReceiver(forwarder, log);
    stops.push(() => local.receiver.stop());
    const exporter = new ProtobufTraceExporter({ url: `${local.base}/v1/traces` });
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const result = await exportOnce(exporter, await recordSpan(`while down ${i}`));
      assert.equal(result.code, ExportResultCode.SUCCESS);
      assert.ok(Date.now() - started < 1000, `export ${i} took ${Date.now() - started} ms`);
    }
    await exporter.shutdown();
    assert.equal(local.store.traceCount, 5, 'every export is stored locally');
    await until(() => forwarder.stats.retried >= 2, 'failed tries');
    assert.equal(forwarder.stats.failing, true);
    assert.equal(forwarder.stats.forwarded, 0);
    assert.equal(forwarder.stats.queued, 5);

    const collector = await startCollector(undefined, port);
    stops.push(() => collector.close());
    await until(() => forwarder.stats.forwarded === 5, 'delivery after the collector came up');
    assert.deepEqual(collector.received.map(receivedKeyOf).sort(), local.accepted.map(keyOf).sort());
    assert.ok(collector.received.every((r) => r.headers.authorization === `Bearer ${secret}`));
    assert.deepEqual(
      { ...forwarder.stats, retried: 0, lastError: undefined },
      { forwarded: 5, dropped: 0, retried: 0, queued: 0, failing: false, lastError: undefined },
    );
    assert.equal(lines.filter((line) => line.includes('failing')).length, 1, lines.join('\n'));
    assert.equal(lines.filter((line) => line.includes('recovered')).length, 1, lines.join('\n'));
    assert.ok(!lines.join('\n').includes(secret), 'no header value in the log');
  });

  test('a tiny queue drops the oldest requests and counts them exactly', async () => {
    const held: Array<() => void> = [];
    const collector = await startCollector((_received, response) => held.push(() => response.end()));
    stops.push(() => collector.close());
    const forwarder = forwarderTo(collector.endpoint, { maxQueuedRequests: 2 });
    const local = await startForwardingReceiver(forwarder);
    stops.push(() => local.receiver.stop());
    const exporter = new ProtobufTraceExporter({ url: `${local.base}/v1/traces` });
    for (let i = 0; i < 10; i++) {
      assert.equal((await exportOnce(exporter, await recordSpan(`burst ${i}`))).code, ExportResultCode.SUCCESS);
    }
    await exporter.shutdown();
    // The collector holds the first two; the queue keeps the newest two; six are dropped.
    assert.equal(forwarder.stats.dropped, 6);
    assert.equal(forwarder.stats.queued, 4);
    await until(() => held.length === 2, 'two requests in flight');
    const release = setInterval(() => held.splice(0).forEach((end) => end()), 10);
    await until(() => forwarder.stats.forwarded === 4, 'the four kept');
    clearInterval(release);
    const kept = [0, 1, 8, 9].map((i) => keyOf(local.accepted[i]!));
    assert.deepEqual(collector.received.map(receivedKeyOf).sort(), kept.sort());
    assert.equal(forwarder.stats.dropped, 6);
  });

  test('a 400 from the collector is not retried', async () => {
    const collector = await startCollector((_received, response) => response.writeHead(400).end());
    stops.push(() => collector.close());
    const forwarder = forwarderTo(collector.endpoint);
    const local = await startForwardingReceiver(forwarder);
    stops.push(() => local.receiver.stop());
    const exporter = new JsonTraceExporter({ url: `${local.base}/v1/traces` });
    for (let i = 0; i < 3; i++) {
      assert.equal((await exportOnce(exporter, await recordSpan(`refused ${i}`))).code, ExportResultCode.SUCCESS);
    }
    await exporter.shutdown();
    await until(() => forwarder.stats.dropped === 3, 'three refusals');
    await new Promise((resolve) => setTimeout(resolve, 3 * FAST_BACKOFF.maxDelayMs));
    assert.equal(collector.received.length, 3);
    assert.equal(forwarder.stats.retried, 0);
    assert.equal(local.store.traceCount, 3);
  });
});

/** `ai-trace-lens serve`: a receiver that records what arrives over OTLP/HTTP and gRPC, and stops cleanly. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { decodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import type { SummaryJson } from '../../src/core/summarize';
import {
  assertChatJoined,
  bySpanId,
  exportChatWithEvents,
  finished,
  RECORDED_POINTS,
  recordedPointsOf,
  recordMetrics,
  runCli,
  startCli,
  summarySpans,
} from './cliFixtures';

describe('ai-trace-lens serve', () => {
  /** Starts `serve`, resolving with the address from its first stdout line (and the gRPC one from the second). */
  async function startServe(args: string[]) {
    const child = startCli(['serve', ...args]);
    const result = finished(child);
    const lines = createInterface({ input: child.stdout });
    const count = args.includes('--grpc-port') ? 2 : 1;
    const read = await new Promise<string[]>((resolve, reject) => {
      const received: string[] = [];
      lines.on('line', (line) => received.push(line) === count && resolve(received));
      result.then((ended) => reject(new Error(`serve exited early (${ended.code}): ${ended.stderr}`)), reject);
    });
    lines.close();
    const [first, second] = read;
    const match = /^listening http:\/\/127\.0\.0\.1:(\d+)$/.exec(first!);
    assert.ok(match, first);
    const grpcMatch = second === undefined ? undefined : /^listening grpc:\/\/127\.0\.0\.1:(\d+)$/.exec(second);
    if (second !== undefined) assert.ok(grpcMatch, second);
    const grpcUrl = grpcMatch && `http://127.0.0.1:${grpcMatch[1]}`;
    return { child, result, first: read.join('\n'), url: `http://127.0.0.1:${match[1]}/v1/traces`, grpcUrl };
  }

  /** Exports a two-span GenAI trace over OTLP/HTTP protobuf, or over gRPC when `grpc` is set. */
  async function exportTrace(url: string, grpc = false): Promise<ReadableSpan[]> {
    const memory = new InMemorySpanExporter();
    // A generous timeout: the default 10 s can pass on a heavily loaded machine and drop the span.
    const exporter = new (grpc ? GrpcTraceExporter : OTLPTraceExporter)({ url, timeoutMillis: 60_000 });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'cli-serve-test' }),
      spanProcessors: [new SimpleSpanProcessor(exporter), new SimpleSpanProcessor(memory)],
    });
    try {
      const tracer = provider.getTracer('cli-test');
      const agent = tracer.startSpan('invoke_agent helper', {
        attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      });
      const llm = tracer.startSpan(
        'chat gpt-4o-mini',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 10,
            'gen_ai.usage.output_tokens': 3,
          },
        },
        trace.setSpan(context.active(), agent),
      );
      llm.end();
      agent.end();
      await provider.forceFlush();
      return memory.getFinishedSpans();
    } finally {
      await provider.shutdown();
    }
  }

  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-serve-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--port 0 --out FILE: what the exporter sent is on disk when it gets its response; SIGTERM exits 0', async () => {
    const out = join(dir, 'received.jsonl');
    const { child, result, first, url } = await startServe(['--port', '0', '--out', out]);
    let sdkSpans: ReadableSpan[];
    let written: string;
    try {
      sdkSpans = await exportTrace(url);
      // Read while the server still runs: the exporter's responses came after the lines were synced.
      written = await readFile(out, 'utf8');
    } finally {
      child.kill('SIGTERM');
    }
    const ended = await result;
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(ended.stdout, `${first}\n`, 'nothing but the listening line');
    assert.match(ended.stderr, /SIGTERM: stopping/);

    // The simple processor sends each span in its own request (a retry on a loaded machine would add one).
    const requests = ended.stderr.match(/POST \/v1\/traces: 1 spans received \(protobuf/g)?.length ?? 0;
    assert.ok(requests >= 2, ended.stderr);
    assert.ok(written.endsWith('\n'));
    assert.equal(written.split('\n').length - 1, requests, 'one line per request');
    const snapshot = join(dir, 'at-response-time.jsonl');
    await writeFile(snapshot, written);
    const summarized = await runCli(['summarize', '--json', snapshot]);
    assert.equal(summarized.code, 0, summarized.stderr);
    const summary = JSON.parse(summarized.stdout) as SummaryJson;
    const expected = sdkSpans.map((span): [string, string | null, string] => [
      span.spanContext().spanId,
      span.parentSpanContext?.spanId ?? null,
      span.name,
    ]);
    assert.deepEqual(summarySpans(summary).sort(bySpanId), expected.sort(bySpanId));
    assert.equal(summary.traces[0]!.service, 'cli-serve-test');
    assert.deepEqual(
      summary.traces[0]!.spans.map((span) => [span.kind, span.inputTokens, span.outputTokens]),
      [
        ['agent', null, null],
        ['llm', 10, 3],
      ],
    );
  });

  test('--grpc-port 0: a second line names the gRPC address, and --out records what arrives over gRPC', async () => {
    const out = join(dir, 'received-grpc.jsonl');
    const { child, result, first, grpcUrl } = await startServe(['--port', '0', '--grpc-port', '0', '--out', out]);
    assert.ok(grpcUrl);
    let sdkSpans: ReadableSpan[];
    let written: string;
    try {
      sdkSpans = await exportTrace(grpcUrl, true);
      written = await readFile(out, 'utf8');
    } finally {
      child.kill('SIGTERM');
    }
    const ended = await result;
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(ended.stdout, `${first}\n`, 'nothing but the two listening lines');
    const requests = ended.stderr.match(/gRPC TraceService\/Export: 1 spans received/g)?.length ?? 0;
    assert.ok(requests >= 2, ended.stderr);
    assert.equal(written.split('\n').length - 1, requests, 'one line per request');
    const snapshot = join(dir, 'grpc-at-response-time.jsonl');
    await writeFile(snapshot, written);
    const summarized = await runCli(['summarize', '--json', snapshot]);
    assert.equal(summarized.code, 0, summarized.stderr);
    const expected = sdkSpans.map((span): [string, string | null, string] => [
      span.spanContext().spanId,
      span.parentSpanContext?.spanId ?? null,
      span.name,
    ]);
    assert.deepEqual(
      summarySpans(JSON.parse(summarized.stdout) as SummaryJson).sort(bySpanId),
      expected.sort(bySpanId),
    );
  });

  test('--out records logs requests too; summarize joins them to their spans: logCount and the transcript', async () => {
    const out = join(dir, 'received-logs.jsonl');
    const { child, result, url } = await startServe(['--port', '0', '--out', out]);
    let llmSpanId: string;
    let written: string;
    try {
      llmSpanId = await exportChatWithEvents(
        new OTLPTraceExporter({ url, timeoutMillis: 60_000 }),
        new OTLPLogExporter({ url: url.replace('/v1/traces', '/v1/logs'), timeoutMillis: 60_000 }),
      );
      written = await readFile(out, 'utf8');
    } finally {
      child.kill('SIGTERM');
    }
    const ended = await result;
    assert.equal(ended.code, 0, ended.stderr);
    const lines = written.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => Object.keys(JSON.parse(line) as object)[0]).sort(),
      ['resourceLogs', 'resourceLogs', 'resourceLogs', 'resourceSpans'],
      'one OTLP JSON request per line, told apart by their top-level key',
    );
    const snapshot = join(dir, 'logs-and-traces.jsonl');
    await writeFile(snapshot, written);
    const summarized = await runCli(['summarize', '--json', snapshot]);
    assert.equal(summarized.code, 0, summarized.stderr);
    assertChatJoined(JSON.parse(summarized.stdout) as SummaryJson, llmSpanId);
  });

  test('--out records metrics requests over HTTP and gRPC, one line each, decoding back to the recorded points', async () => {
    const out = join(dir, 'received-metrics.jsonl');
    const { child, result, url, grpcUrl } = await startServe(['--port', '0', '--grpc-port', '0', '--out', out]);
    assert.ok(grpcUrl);
    let written: string;
    try {
      const metricsUrl = url.replace('/v1/traces', '/v1/metrics');
      await recordMetrics(new OTLPMetricExporter({ url: metricsUrl, timeoutMillis: 60_000 }), 'metrics-over-http');
      await recordMetrics(new GrpcMetricExporter({ url: grpcUrl, timeoutMillis: 60_000 }), 'metrics-over-grpc');
      // Read while the server still runs: the exporters' responses came after the lines were synced.
      written = await readFile(out, 'utf8');
    } finally {
      child.kill('SIGTERM');
    }
    const ended = await result;
    assert.equal(ended.code, 0, ended.stderr);
    // One export each (a retry on a loaded machine would add one).
    const httpRequests = ended.stderr.match(/POST \/v1\/metrics: 2 data points received \(protobuf/g)?.length ?? 0;
    const grpcRequests = ended.stderr.match(/gRPC MetricsService\/Export: 2 data points received/g)?.length ?? 0;
    assert.ok(httpRequests >= 1 && grpcRequests >= 1, ended.stderr);
    const lines = written.trimEnd().split('\n');
    assert.equal(lines.length, httpRequests + grpcRequests, 'one line per request');
    const services = new Set<unknown>();
    for (const line of lines) {
      const { request, rejectedDataPoints } = decodeMetricsRequestJson(line);
      assert.equal(rejectedDataPoints, 0);
      const { points, times } = recordedPointsOf(request);
      assert.deepEqual(points, RECORDED_POINTS);
      for (const [start, end] of times) assert.ok(start > 0n && start <= end, `${start}..${end}`);
      services.add(request.resourceMetrics[0]!.resource.attributes.get('service.name'));
    }
    assert.deepEqual([...services].sort(), ['metrics-over-grpc', 'metrics-over-http']);

    const snapshot = join(dir, 'metrics-at-response-time.jsonl');
    await writeFile(snapshot, written);
    const summarized = await runCli(['summarize', '--json', snapshot]);
    assert.deepEqual([summarized.code, summarized.stderr], [0, '']);
    assert.deepEqual(JSON.parse(summarized.stdout), { traces: [], metricDataPoints: 2 * lines.length });
  });

  test('a gRPC port in use: a message naming the address, exit code 1, the HTTP receiver closed again', async () => {
    const blocker = new OtlpGrpcReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, onTraces() {} });
    const { port } = await blocker.start();
    try {
      const result = await runCli(['serve', '--port', '0', '--grpc-port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.match(result.stdout, /^listening http:\/\/127\.0\.0\.1:\d+\n$/);
    } finally {
      await blocker.stop();
    }
  });

  test('SIGINT also stops it cleanly', async () => {
    const { child, result } = await startServe(['--port', '0']);
    child.kill('SIGINT');
    const ended = await result;
    assert.deepEqual([ended.code, ended.signal], [0, null], ended.stderr);
    assert.match(ended.stderr, /SIGINT: stopping/);
  });

  test('--store DIR held by a running serve: a second one says so and exits 1; once it stops, DIR is free', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atl-serve-lock-'));
    try {
      const store = join(dir, 'store');
      const { child, result } = await startServe(['--port', '0', '--store', store]);
      const second = await runCli(['serve', '--port', '0', '--store', store]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /being written by another process/);
      assert.equal(second.stdout, '');
      child.kill('SIGTERM');
      assert.equal((await result).code, 0);
      const third = await startServe(['--port', '0', '--store', store]);
      third.child.kill('SIGTERM');
      assert.equal((await third.result).code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a port in use: a message naming the address, exit code 1', async () => {
    const blocker = new OtlpHttpReceiver({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024, onTraces() {} });
    const { port } = await blocker.start();
    try {
      const result = await runCli(['serve', '--port', String(port)]);
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      assert.equal(result.stdout, '');
    } finally {
      await blocker.stop();
    }
  });
});

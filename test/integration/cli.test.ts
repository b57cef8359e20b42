/**
 * The CLI as a user runs it: a child process (src/cli/main.ts through tsx, the same code esbuild bundles into dist/cli.js),
 * checked through its stdout, stderr and exit code.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { metricsOf, type MetricsRequest } from '../../src/core/otlp/metricModel';
import { decodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import type { SummaryJson } from '../../src/core/summarize';

const ROOT_DIR = resolve(__dirname, '../..');
const FIXTURES = join(ROOT_DIR, 'test/fixtures');
const AGENT_JSON = join(FIXTURES, 'genai-agent.json');
const AGENT_PB = join(FIXTURES, 'genai-agent.pb');
const VERCEL_PB = join(FIXTURES, 'vercel-ai.pb');

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'src/cli/main.ts'), ...args], { cwd: ROOT_DIR });
}

function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const runCli = (args: string[]) => finished(startCli(args));

/** What the tests read of an OTLP JSON fixture. */
interface FixtureRequest {
  resourceSpans: Array<{
    scopeSpans: Array<{
      spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; startTimeUnixNano: string }>;
    }>;
  }>;
}

async function readFixture(path: string): Promise<FixtureRequest> {
  return JSON.parse(await readFile(path, 'utf8')) as FixtureRequest;
}

/** The spans of an OTLP JSON fixture, read straight from its JSON: id, lowercase parent id or null, name. */
async function fixtureSpans(path: string): Promise<Array<[string, string | null, string]>> {
  const request = await readFixture(path);
  const spans: Array<[string, string | null, string]> = [];
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        spans.push([span.spanId.toLowerCase(), span.parentSpanId ? span.parentSpanId.toLowerCase() : null, span.name]);
      }
    }
  }
  return spans;
}

/** A one-trace fixture's trace id and earliest start. */
async function fixtureTrace(path: string): Promise<{ traceId: string; start: bigint }> {
  const request = await readFixture(path);
  const spans = request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  const start = spans.reduce(
    (min, span) => (BigInt(span.startTimeUnixNano) < min ? BigInt(span.startTimeUnixNano) : min),
    BigInt(spans[0]!.startTimeUnixNano),
  );
  return { traceId: spans[0]!.traceId.toLowerCase(), start };
}

function summarySpans(summary: SummaryJson): Array<[string, string | null, string]> {
  return summary.traces.flatMap((trace) =>
    trace.spans.map((span) => [span.spanId, span.parentSpanId, span.name] as [string, string | null, string]),
  );
}

const bySpanId = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => (a[0] < b[0] ? -1 : 1);

/**
 * A chat span and its GenAI events through the real SDKs, each sent on its own: two events while the span is current
 * (as instrumentations emit them) and a log line without a span. Resolves with the span's id once everything is sent.
 */
async function exportChatWithEvents(traceExporter: SpanExporter, logExporter: LogRecordExporter): Promise<string> {
  const resource = resourceFromAttributes({ 'service.name': 'cli-serve-test' });
  const traces = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(traceExporter)] });
  const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor(logExporter)] });
  const llm = traces
    .getTracer('cli-test')
    .startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat' } });
  const logger = logs.getLogger('opentelemetry.instrumentation.openai_v2');
  const current = trace.setSpan(context.active(), llm);
  logger.emit({ context: current, eventName: 'gen_ai.user.message', body: { content: 'Hi' } });
  logger.emit({ context: current, eventName: 'gen_ai.choice', body: { index: 0, message: { content: 'Hello!' } } });
  logger.emit({ body: 'no span was current' });
  llm.end();
  await Promise.all([logs.shutdown(), traces.shutdown()]);
  return llm.spanContext().spanId;
}

/** The summary of `exportChatWithEvents`: its two events joined to the chat span. */
function assertChatJoined(summary: SummaryJson, llmSpanId: string): void {
  assert.equal(summary.traces.length, 1);
  const [llmSummary] = summary.traces[0]!.spans;
  assert.equal(llmSummary!.spanId, llmSpanId);
  assert.equal(llmSummary!.logCount, 2);
  assert.deepEqual(llmSummary!.transcript, [
    { role: 'user', text: 'Hi' },
    { role: 'assistant', text: 'Hello!' },
  ]);
}

/** What `recordMetrics` records, as the data points of one request read back: name, attributes, then the figures. */
const RECORDED_POINTS = [
  ['app.requests', { route: 'chat' }, 'sum', 7],
  ['gen_ai.client.operation.duration', { 'gen_ai.request.model': 'gpt-4o' }, 'histogram', [2, 2, 0.5, 1.5]],
];

/** Records a counter and a histogram through the real metrics SDK; shutting down exports them once (cumulative). */
async function recordMetrics(exporter: PushMetricExporter, service: string): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('cli-test');
  const requests = meter.createCounter('app.requests');
  requests.add(3, { route: 'chat' });
  requests.add(4, { route: 'chat' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  duration.record(0.5, { 'gen_ai.request.model': 'gpt-4o' });
  duration.record(1.5, { 'gen_ai.request.model': 'gpt-4o' });
  await provider.shutdown();
}

/** A request's data points in the shape of RECORDED_POINTS, and their start and end times. */
function recordedPointsOf(request: MetricsRequest): { points: unknown[]; times: Array<[bigint, bigint]> } {
  const points: unknown[] = [];
  const times: Array<[bigint, bigint]> = [];
  for (const metric of metricsOf(request)) {
    const { data } = metric;
    if (data.type !== 'sum' && data.type !== 'histogram') throw new Error(`unexpected ${data.type} ${metric.name}`);
    for (const point of data.dataPoints) {
      const figures = 'value' in point ? point.value : [point.count, point.sum, point.min, point.max];
      points.push([metric.name, Object.fromEntries(point.attributes), data.type, figures]);
      times.push([point.startTimeUnixNano, point.timeUnixNano]);
    }
  }
  return { points, times };
}

/** An OTLP/HTTP endpoint that keeps each request's raw body by path and answers success, as a capture proxy would. */
async function startBodyRecorder() {
  const bodies = new Map<string, Buffer[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.set(request.url!, [...(bodies.get(request.url!) ?? []), Buffer.concat(chunks)]);
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('ai-trace-lens summarize', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--json on the OTLP JSON fixture lists every span of it with its parent', async () => {
    const result = await runCli(['summarize', '--json', AGENT_JSON]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const summary = JSON.parse(result.stdout) as SummaryJson;
    assert.equal(summary.traces.length, 1);
    const expected = await fixtureSpans(AGENT_JSON);
    assert.deepEqual(summarySpans(summary).sort(bySpanId), expected.sort(bySpanId));
    assert.equal(summary.traces[0]!.spanCount, expected.length);
    assert.equal(summary.traces[0]!.spans[0]!.parentSpanId, null, 'the root comes first');
  });

  test('the protobuf fixture, gzipped or not, summarizes exactly like its JSON twin', async () => {
    const json = await runCli(['summarize', '--json', AGENT_JSON]);
    const gzipped = join(dir, 'agent.pb.gz');
    await writeFile(gzipped, gzipSync(await readFile(AGENT_PB)));
    for (const path of [AGENT_PB, gzipped]) {
      const result = await runCli(['summarize', path, '--json']);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout), JSON.parse(json.stdout), path);
    }
  });

  test('JSON Lines: every line is a request; traces are listed oldest first', async () => {
    const lines = [AGENT_JSON, join(FIXTURES, 'vercel-ai.json')].map(async (path) =>
      JSON.stringify(JSON.parse(await readFile(path, 'utf8'))),
    );
    const path = join(dir, 'export.jsonl');
    await writeFile(path, `${(await Promise.all(lines)).join('\n')}\n\n`);
    const result = await runCli(['summarize', '--json', path]);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as SummaryJson;
    assert.equal(summary.traces.length, 2);
    const expected = [...(await fixtureSpans(AGENT_JSON)), ...(await fixtureSpans(join(FIXTURES, 'vercel-ai.json')))];
    assert.deepEqual(summarySpans(summary).sort(bySpanId), expected.sort(bySpanId));
    const byStart = [...(await Promise.all([AGENT_JSON, join(FIXTURES, 'vercel-ai.json')].map(fixtureTrace)))].sort(
      (a, b) => (a.start < b.start ? -1 : 1),
    );
    assert.deepEqual(
      summary.traces.map((trace) => trace.traceId),
      byStart.map((trace) => trace.traceId),
    );
  });

  test('protobuf bodies saved from the exporters, some gzipped: logs join their spans as in JSON; metrics are counted', async () => {
    const recorder = await startBodyRecorder();
    let llmSpanId: string;
    try {
      llmSpanId = await exportChatWithEvents(
        new OTLPTraceExporter({ url: `${recorder.base}/v1/traces` }),
        new OTLPLogExporter({ url: `${recorder.base}/v1/logs` }),
      );
      await recordMetrics(new OTLPMetricExporter({ url: `${recorder.base}/v1/metrics` }), 'metrics-body');
    } finally {
      await recorder.close();
    }
    const files: string[] = [];
    for (const [path, bodies] of recorder.bodies) {
      for (const [index, body] of bodies.entries()) {
        const gzipped = index % 2 === 1;
        const file = join(dir, `body${path.replaceAll('/', '-')}-${index}.pb${gzipped ? '.gz' : ''}`);
        await writeFile(file, gzipped ? gzipSync(body) : body);
        files.push(file);
      }
    }
    assert.deepEqual(
      [...recorder.bodies].map(([path, bodies]) => [path, bodies.length]).sort(),
      [
        ['/v1/logs', 3],
        ['/v1/metrics', 1],
        ['/v1/traces', 1],
      ],
      'one request per span, record and metrics export',
    );
    const result = await runCli(['summarize', '--json', ...files]);
    assert.deepEqual([result.code, result.stderr], [0, '']);
    const summary = JSON.parse(result.stdout) as SummaryJson;
    assertChatJoined(summary, llmSpanId);
    assert.equal(summary.metricDataPoints, RECORDED_POINTS.length);
  });

  test('a bad file among good ones: named on stderr, the good ones still summarized, exit code 1', async () => {
    const bad = join(dir, 'notes.txt');
    await writeFile(bad, 'these are not traces');
    const missing = join(dir, 'missing.pb');
    const result = await runCli(['summarize', '--json', AGENT_JSON, bad, missing, VERCEL_PB]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`${escape(bad)}: not a valid protobuf ExportTraceServiceRequest`));
    assert.match(result.stderr, new RegExp(`${escape(missing)}: .*ENOENT`));
    const summary = JSON.parse(result.stdout) as SummaryJson;
    assert.equal(summary.traces.length, 2, 'both good files are in the output');
  });

  test('a bad line in JSON Lines is reported with its line number; the other lines count', async () => {
    const path = join(dir, 'partly-bad.jsonl');
    const good = JSON.stringify(JSON.parse(await readFile(AGENT_JSON, 'utf8')));
    await writeFile(path, `${good}\n{"resourceSpans": 12}\n`);
    const result = await runCli(['summarize', '--json', path]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`${escape(path)} line 2: `));
    assert.equal((JSON.parse(result.stdout) as SummaryJson).traces.length, 1);
  });

  test('without --json: a readable tree per trace', async () => {
    const result = await runCli(['summarize', AGENT_PB]);
    assert.equal(result.code, 0, result.stderr);
    const expected = await fixtureSpans(AGENT_JSON);
    const lines = result.stdout.trimEnd().split('\n');
    const root = expected.find(([, parent]) => parent === null)!;
    assert.ok(lines[0]!.startsWith(`${root[2]} · `), lines[0]);
    assert.equal(lines.length, 2 + expected.length, 'a header, the trace id, one line per span');
    for (const [, , name] of expected) assert.ok(result.stdout.includes(` ${name} · `), name);
  });

  test('usage: --help exits 0; unknown options, missing files and unknown commands exit 2 with the usage', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage:\n {2}ai-trace-lens summarize FILE\.\.\. \[--json\]/);
    for (const args of [
      ['summarize', '--jsno', AGENT_JSON],
      ['summarize'],
      ['serve', '--port', 'http'],
      ['frobnicate'],
      [],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^ai-trace-lens: .+\n\nUsage:/, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });
});

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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

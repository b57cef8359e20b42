/** `ai-trace-lens summarize` on OTLP files: JSON, protobuf and JSON Lines, gzipped or not, good and bad. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SummaryJson } from '../../src/core/summarize';
import {
  assertChatJoined,
  bySpanId,
  exportChatWithEvents,
  RECORDED_POINTS,
  recordMetrics,
  ROOT_DIR,
  runCli,
  summarySpans,
} from './cliFixtures';

const FIXTURES = join(ROOT_DIR, 'test/fixtures');
const AGENT_JSON = join(FIXTURES, 'genai-agent.json');
const AGENT_PB = join(FIXTURES, 'genai-agent.pb');
const VERCEL_PB = join(FIXTURES, 'vercel-ai.pb');

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

  test('--json prices an OpenInference call by its response model, and names the request model apart', async () => {
    const result = await runCli(['summarize', '--json', join(FIXTURES, 'openinference-llm.json')]);
    assert.equal(result.code, 0, result.stderr);
    const [trace] = (JSON.parse(result.stdout) as SummaryJson).traces;
    const call = trace!.spans.find((span) => span.kind === 'llm')!;
    assert.deepEqual([call.requestModel, call.responseModel], ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18']);
    // 42 input and 19 output tokens at gpt-4o-mini's list price: $0.15 and $0.60 per million.
    const listPrice = (42 * 0.15 + 19 * 0.6) / 1_000_000;
    assert.ok(Math.abs(call.costUsd! - listPrice) < 1e-12, String(call.costUsd));
    assert.deepEqual([trace!.costUsd, trace!.unpricedCalls], [call.costUsd, 0]);
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
    assert.match(help.stdout, /^Usage:\n {2}ai-trace-lens summarize \(FILE\.\.\. \| --store DIR\) \[--json\]/);
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

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

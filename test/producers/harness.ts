/**
 * Runs a real instrumented app (a file in test/producers/apps) under Node 22 against AI Trace Lens's real receiver and
 * store, with the fake OpenAI-compatible model server as its model provider, and hands back what the store made of
 * the app's spans. One child process per scenario group keeps the tier fast.
 *
 * The app reads: OTEL_EXPORTER_OTLP_ENDPOINT (the receiver; the OTLP exporters read it themselves), OPENAI_BASE_URL
 * and OPENAI_API_KEY (the fake server; the `openai` client reads them itself), PRODUCER_SCENARIO. It must shut its
 * tracer provider down before exiting, so its spans are exported: the receiver answers an export only once the spans
 * are in the store, and stopping the receiver waits for requests still being handled, so when `runProducer` returns
 * every span the app exported is in `store`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spansOf } from '../../src/core/model';
import { logRecordsOf, type LogRecord } from '../../src/core/otlp/logModel';
import { encodeTraceRequestJson } from '../../src/core/otlp/jsonEncoders';
import type { TraceDecodeResult } from '../../src/core/otlp/types';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { TraceStore } from '../../src/core/store/traceStore';
import type { SpanNode } from '../../src/core/store/types';
import { summarizeStore, type SummaryJson } from '../../src/core/summarize';
import { FakeModelServer, type FakeModelServerOptions } from '../support/fakeModelServer';

const run = promisify(execFile);

// test/producers has its own package.json of type module, so this file is an ES module.
const PRODUCERS_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Node 22 from the npm package `node`: most instrumentation libraries need Node >= 22.15; the tests run on Node 20. */
export const NODE_22 = join(PRODUCERS_DIR, 'node_modules', '.bin', 'node');
const CLI = join(PRODUCERS_DIR, '..', '..', 'dist', 'cli.js');
/** Far above any scenario's run time; only a hung app reaches it. */
const APP_TIMEOUT_MS = 60_000;

export interface ProducerRunOptions {
  /** File name under test/producers/apps. */
  app: string;
  /** Passed as PRODUCER_SCENARIO, for apps that run one of several scenarios. */
  scenario?: string;
  model?: FakeModelServerOptions;
  env?: Record<string, string>;
  /** The store the received spans go into, when the test shares it (with the AI gateway); a new one otherwise. */
  store?: TraceStore;
}

export interface ProducerRun {
  store: TraceStore;
  model: FakeModelServer;
  /** Every trace export request the receiver accepted, in arrival order. */
  exports: TraceDecodeResult[];
  /** Every log record the app exported (some instrumentations put message content in GenAI event records). */
  logs: LogRecord[];
  /** The app's last stdout line parsed as JSON when it is JSON (apps print what their calls returned). */
  output: unknown;
  stderr: string;
}

/** Starts the fake model server and the receiver, runs the app to its exit, and stops both (waiting for exports). */
export async function runProducer(options: ProducerRunOptions): Promise<ProducerRun> {
  const store = options.store ?? new TraceStore({ maxSpans: 1_000_000 });
  const exports: TraceDecodeResult[] = [];
  const logs: LogRecord[] = [];
  const problems: string[] = [];
  const model = new FakeModelServer(options.model);
  const receiver = new OtlpHttpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 20 * 1024 * 1024,
    onTraces: (result) => {
      if (result.rejectedSpans > 0) problems.push(`${result.rejectedSpans} spans rejected: ${result.rejectionMessage}`);
      exports.push(result);
      store.ingest(spansOf(result.request));
    },
    onLogs: (result) => {
      if (result.rejectedLogRecords > 0)
        problems.push(`${result.rejectedLogRecords} log records rejected: ${result.rejectionMessage}`);
      logs.push(...logRecordsOf(result.request));
    },
    log: { info() {}, warn: (line) => problems.push(line), error: (line) => problems.push(line) },
  });
  await model.start();
  try {
    const { port } = await receiver.start();
    const { stdout, stderr } = await runApp(options, {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: 'sk-fake-producer-tests',
      PRODUCER_SCENARIO: options.scenario ?? '',
      ...options.env,
    });
    await receiver.stop();
    if (problems.length > 0) throw new Error(`The receiver reported problems:\n${problems.join('\n')}\n${stderr}`);
    return { store, model, exports, logs, output: lastJsonLine(stdout), stderr };
  } finally {
    await receiver.stop();
    await model.stop();
  }
}

/**
 * Runs an app under Node 22 with only `env` (and PATH, HOME), with no receiver or model server of its own: for apps
 * pointed at servers the test started (the fake upstreams, the gateway). Resolves with the app's last stdout line
 * parsed as JSON.
 */
export async function runAppOutput(app: string, env: Record<string, string>): Promise<unknown> {
  const { stdout } = await runApp({ app, scenario: env.PRODUCER_SCENARIO }, env);
  return lastJsonLine(stdout);
}

async function runApp(
  options: ProducerRunOptions,
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(NODE_22, [join(PRODUCERS_DIR, 'apps', options.app)], {
      cwd: PRODUCERS_DIR,
      // Only what the app needs: the test process's own OTEL_* or NODE_OPTIONS (tsx) must not leak into it.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: APP_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    // execFile's message holds the command and its stderr.
    const failed = error as Error & { stdout?: string; killed?: boolean };
    const timedOut = failed.killed ? ` (killed after ${APP_TIMEOUT_MS} ms)` : '';
    throw new Error(
      `${options.app} (${options.scenario ?? 'no scenario'}) failed${timedOut}: ${failed.message}\n${failed.stdout ?? ''}`,
      { cause: error },
    );
  }
}

function lastJsonLine(stdout: string): unknown {
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return undefined;
  }
}

/** Every span in the store, each trace in pre-order. */
export function allSpans(store: TraceStore): SpanNode[] {
  return store.traces().flatMap((record) => record.spans());
}

/** The one span with this name; fails listing the names there are when there is not exactly one. */
export function spanNamed(store: TraceStore, name: string): SpanNode {
  const matches = allSpans(store).filter((node) => node.span.name === name);
  if (matches.length !== 1) {
    const names = allSpans(store).map((node) => node.span.name);
    throw new Error(`Expected one span named "${name}", found ${matches.length} among: ${names.join(', ')}`);
  }
  return matches[0]!;
}

/** The spans under `node`, in pre-order. */
export function descendants(node: SpanNode): SpanNode[] {
  return node.children.flatMap((child) => [child, ...descendants(child)]);
}

/** The spans an app made under its `scenario <name>` root span (the root itself excluded). */
export function scenarioSpans(store: TraceStore, name: string): SpanNode[] {
  const root = spanNamed(store, `scenario ${name}`);
  assert.equal(root.parent, undefined, `scenario ${name} is a root span`);
  return descendants(root);
}

/** The one span of `kind` among `nodes`. */
export function onlyOfKind(nodes: readonly SpanNode[], kind: SpanNode['ai']['kind']): SpanNode {
  const matches = nodes.filter((node) => node.ai.kind === kind);
  assert.equal(
    matches.length,
    1,
    `one ${kind} span among ${nodes.map((node) => `${node.span.name} (${node.ai.kind})`).join(', ')}`,
  );
  return matches[0]!;
}

/** A span's `gen_ai.response.finish_reasons` (a string array) as one string: `tool_calls`, or `stop,length`. */
export function finishReasonsOf(node: SpanNode): string | undefined {
  const reasons = node.span.attributes.get('gen_ai.response.finish_reasons');
  const list = Array.isArray(reasons) ? reasons : [reasons];
  return list.every((reason) => typeof reason === 'string') ? list.join(',') : undefined;
}

/**
 * Each span starts once the one before it ended. The SDK takes span start times from `Date.now()` (whole
 * milliseconds) and end times from the performance clock, so a span can seem to start up to a millisecond before
 * the previous one ended, and siblings started in the same millisecond tie (the store then puts the one that ended first first).
 */
export function assertRunsInOrder(nodes: readonly SpanNode[]): void {
  const millisecond = 1_000_000n;
  for (let index = 1; index < nodes.length; index++) {
    const previous = nodes[index - 1]!.span;
    const next = nodes[index]!.span;
    assert.ok(
      next.startTimeUnixNano + millisecond >= previous.endTimeUnixNano,
      `${next.name} starts after ${previous.name} ends`,
    );
  }
}

/**
 * The built CLI reads the same exports, saved as `serve --out` saves them, into the same summary as the store's: every
 * trace, span, kind, model, token count and timing. Returns the CLI's JSON for further checks.
 */
export async function assertCliAgrees(run: ProducerRun): Promise<SummaryJson> {
  const cli = await cliSummary(run.exports);
  assert.deepEqual(cli, summarizeStore(run.store));
  return cli;
}

/**
 * What the built CLI (`dist/cli.js summarize --json`) makes of the same exports, saved as `serve --out` saves them
 * (one OTLP JSON request per line). Needs `npm run build` first, as `npm test` does.
 */
export async function cliSummary(exports: readonly TraceDecodeResult[]): Promise<SummaryJson> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-producers-'));
  try {
    const file = join(dir, 'exports.jsonl');
    await writeFile(file, exports.map((result) => encodeTraceRequestJson(result.request)).join('\n') + '\n');
    const { stdout } = await run(process.execPath, [CLI, 'summarize', '--json', file]);
    return JSON.parse(stdout) as SummaryJson;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

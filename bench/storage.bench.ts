/**
 * The durable store's two numbers (issue 11), on real GenAI spans: agent runs (bench/support/agentTrace.ts) whose
 * chat spans carry their prompt and completion, sent as OTel JS sends them (OTLP/protobuf, 500 spans a request).
 *   node --expose-gc --import tsx bench/storage.bench.ts        (npm run bench)
 * - `store reload 200k spans`: a store directory of 200k spans, written through SegmentStore, loaded newest first
 *   into fresh stores with a budget of 200k; also the time to the first batch (the newest traces shown).
 * - `ingest with storage`: the spans posted over loopback by several keep-alive clients to the real CLI's
 *   `serve --store DIR`, against `serve` without a store in the same run (rounds alternate between the two).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { spansOf, type Span } from '../src/core/model';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { loadNewestFirst } from '../src/core/storage/newestFirst';
import { SegmentStore } from '../src/core/storage/segmentStore';
import { LogStore } from '../src/core/store/logStore';
import { TraceStore } from '../src/core/store/traceStore';
import { encodeWithProtobufjs } from '../test/support/protobufjsOracle';
import { generateAgentTrace } from './support/agentTrace';

const SPAN_COUNT = 200_000;
const SPANS_PER_TRACE = 100;
const TRACES_PER_REQUEST = 5;
const RELOAD_ROUNDS = 5;
const CLIENTS = 4;
/** Rounds per server, alternating; each posts every request once. */
const INGEST_ROUNDS = 7;

const USER_TURNS = [
  'Find the failing test in the payments service and explain why it fails.',
  'Summarise the open pull requests that touch the billing module.',
  'Which endpoints of the API have no rate limit? Propose a fix for each.',
  'Plan a migration of the settings page to the new design system.',
];

/** The agent run's spans as one more trace: its own ids and times, and prompts on its chat spans. */
function traceNumber(base: readonly Span[], index: number): Span[] {
  const traceId = (index + 1).toString(16).padStart(32, '0');
  const shift = BigInt(index) * 60_000_000_000n;
  return base.map((span, spanIndex) => {
    const attributes = new Map(span.attributes);
    if (span.name.startsWith('chat ')) {
      const turn = USER_TURNS[(index + spanIndex) % USER_TURNS.length]!;
      const input = [
        { role: 'system', parts: [{ type: 'text', content: 'You are a careful coding agent. Use the tools.' }] },
        { role: 'user', parts: [{ type: 'text', content: `${turn} (run ${index}, step ${spanIndex})` }] },
      ];
      const output = [{ role: 'assistant', parts: [{ type: 'text', content: `Step ${spanIndex}: ${turn}` }] }];
      attributes.set('gen_ai.input.messages', JSON.stringify(input));
      attributes.set('gen_ai.output.messages', JSON.stringify(output));
      attributes.set('gen_ai.response.id', `chatcmpl-${index}-${spanIndex}`);
    }
    return {
      ...span,
      traceId,
      startTimeUnixNano: span.startTimeUnixNano + shift,
      endTimeUnixNano: span.endTimeUnixNano + shift,
      attributes,
    };
  });
}

/** 200k spans as OTLP/protobuf request bodies. */
function requestBodies(): Buffer[] {
  const base = generateAgentTrace(SPANS_PER_TRACE);
  const bodies: Buffer[] = [];
  for (let first = 0; first < SPAN_COUNT / SPANS_PER_TRACE; first += TRACES_PER_REQUEST) {
    const spans = Array.from({ length: TRACES_PER_REQUEST }, (_, offset) => traceNumber(base, first + offset)).flat();
    const { resource, scope } = spans[0]!;
    const body = encodeWithProtobufjs({
      resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] }],
    });
    bodies.push(Buffer.from(body));
  }
  return bodies;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Reloads the store in `dir` into fresh stores; the time to all loaded and to the first batch, in ms. */
async function reloadOnce(dir: string): Promise<{ total: number; first: number }> {
  const stores = { traces: new TraceStore({ maxSpans: SPAN_COUNT }), logs: new LogStore({ maxRecords: 100_000 }) };
  const started = performance.now();
  let first: number | undefined;
  const report = await loadNewestFirst(dir, stores, {
    spanBudget: SPAN_COUNT,
    repair: true,
    onBatch: () => (first ??= performance.now() - started),
  });
  const total = performance.now() - started;
  if (report.spans !== SPAN_COUNT || stores.traces.spanCount !== SPAN_COUNT) {
    throw new Error(`reload loaded ${report.spans} spans, the store holds ${stores.traces.spanCount}`);
  }
  return { total, first: first! };
}

/** The floor: the same requests decoded and ingested from memory, as the receiver does; ms. */
function ingestFromMemory(bodies: readonly Buffer[]): number {
  const traces = new TraceStore({ maxSpans: SPAN_COUNT });
  const started = performance.now();
  for (const body of bodies) traces.ingest(spansOf(decodeTraceRequestProto(body).request));
  return performance.now() - started;
}

async function reloadBench(bodies: readonly Buffer[], dir: string): Promise<void> {
  const store = await SegmentStore.open(dir);
  for (const body of bodies) await store.append('traces', 'protobuf', body, Date.now());
  await store.close();
  const rounds = { total: [] as number[], first: [] as number[], memory: [] as number[] };
  // Alternating, each from a collected heap (with --expose-gc): 200k spans make a large heap to trace.
  for (let round = 0; round < RELOAD_ROUNDS; round++) {
    collectGarbage?.();
    const { total, first } = await reloadOnce(dir);
    rounds.total.push(total);
    rounds.first.push(first);
    collectGarbage?.();
    rounds.memory.push(ingestFromMemory(bodies));
  }
  const megabytes = bodies.reduce((sum, body) => sum + body.length, 0) / 1024 / 1024;
  console.log(`${bodies.length} requests, ${megabytes.toFixed(1)} MiB of protobuf; median of ${RELOAD_ROUNDS} rounds:`);
  const total = median(rounds.total);
  const memory = median(rounds.memory);
  console.log(`store reload 200k spans: ${Math.round(total)} ms`);
  console.log(`  first batch (the newest traces shown): ${Math.round(median(rounds.first))} ms`);
  console.log(
    `  decoded and ingested from memory instead: ${Math.round(memory)} ms (reload ${(total / memory).toFixed(2)}x)`,
  );
}

interface Server {
  child: ChildProcess;
  url: URL;
}

async function startServe(store: string | undefined): Promise<Server> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'];
  if (store !== undefined) args.push('--store', store);
  // Its stderr says a line per request: not wanted here, and cheap when it goes nowhere.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const address = /^listening (http:\/\/\S+)$/.exec(line);
  if (!address) throw new Error(`serve printed "${line}"`);
  return { child, url: new URL('/v1/traces', address[1]) };
}

function post(url: URL, agent: Agent, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
      (response) => {
        response.resume();
        response.once('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`)),
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}

/** Posts every body once from `CLIENTS` keep-alive connections; spans per second. */
async function postAll(server: Server, bodies: readonly Buffer[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next < bodies.length) await post(server.url, agent, bodies[next++]!);
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return (bodies.length * TRACES_PER_REQUEST * SPANS_PER_TRACE) / seconds;
}

async function stopServe({ child }: Server): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function ingestBench(bodies: readonly Buffer[], dir: string): Promise<void> {
  const plain = await startServe(undefined);
  const stored = await startServe(dir);
  try {
    const warmUp = bodies.slice(0, 100);
    await postAll(plain, warmUp);
    await postAll(stored, warmUp);
    const rates = { plain: [] as number[], stored: [] as number[] };
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      rates.plain.push(await postAll(plain, bodies));
      rates.stored.push(await postAll(stored, bodies));
    }
    const withStore = median(rates.stored);
    const without = median(rates.plain);
    console.log(`${CLIENTS} keep-alive clients, median of ${INGEST_ROUNDS} rounds of ${SPAN_COUNT} spans each:`);
    console.log(`ingest with storage: ${Math.round(withStore)} spans/s`);
    console.log(`  without storage: ${Math.round(without)} spans/s; ratio ${(withStore / without).toFixed(2)}x`);
  } finally {
    await Promise.all([stopServe(plain), stopServe(stored)]);
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'atl-storage-bench-'));
  try {
    const bodies = requestBodies();
    await reloadBench(bodies, join(dir, 'reload'));
    await ingestBench(bodies, join(dir, 'ingest'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();

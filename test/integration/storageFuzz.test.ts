/**
 * `serve --store` fuzzed through OTLP/HTTP: 100,000 mutated bodies of real exports (test/support/fuzzBodies.ts) on the
 * traces, logs and metrics paths. Every request gets the status a correct receiver gives it, the server stays up and
 * still accepts a valid export, and afterwards the store loads cleanly and holds exactly the accepted requests, as
 * decoded: their spans, log records and data points, and their bodies byte for byte.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { SIGNAL_CODECS, type OtlpSignal, type SignalCodec, type SignalResults } from '../../src/core/receiver/signals';
import { loadSegments } from '../../src/core/storage/loadStore';
import { readSegments } from '../../src/core/storage/segmentReader';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { fuzzCase, type BodyEncoding, type FuzzCase } from '../support/fuzzBodies';
import { Rng } from '../support/randomRequest';
import { realExports } from '../support/fuzzSeeds';
import { startCli } from './cliFixtures';

const REQUESTS = 100_000;
const CONCURRENCY = 8;
const SEED = 20_251_106;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Spans, log records or data points in a body, as the repo's decoders read it. */
function itemsIn<S extends OtlpSignal>(signal: S, encoding: BodyEncoding, body: Uint8Array): number {
  const codec = SIGNAL_CODECS[signal] as SignalCodec<SignalResults[S]>;
  return codec.itemCount(encoding === 'json' ? codec.decodeJson(utf8.decode(body)) : codec.decodeProto(body));
}

const digestOf = (signal: OtlpSignal, encoding: BodyEncoding, body: Uint8Array) =>
  `${signal} ${encoding} ${createHash('sha1').update(body).digest('hex')}`;

/** The status of one request over the keep-alive agent; rejects on any socket error. */
function send(agent: http.Agent, port: number, fuzz: FuzzCase): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = { ...fuzz.headers, 'Content-Length': String(fuzz.body.length) };
    const request = http.request({ host: '127.0.0.1', port, method: fuzz.method, path: fuzz.path, headers, agent });
    request.on('error', reject);
    request.on('response', (response) => {
      response.on('error', reject);
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.end(fuzz.body);
  });
}

/** `serve --store DIR --port 0`: its port, its end, its error lines and its line saying what the store holds. */
async function startServe(store: string) {
  const child = startCli(['serve', '--port', '0', '--store', store]);
  const errors: string[] = [];
  let storeLine = '';
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line.startsWith('error:')) errors.push(line);
    if (line.startsWith('store ')) storeLine = line;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void ended.then(() => reject(new Error(`serve exited early: ${errors.join('\n')}`)));
  });
  const port = Number(/^listening http:\/\/127\.0\.0\.1:(\d+)$/.exec(firstLine)?.[1]);
  return { child, port, ended, errors, storeLine: () => storeLine };
}

interface Tally {
  accepted: Record<OtlpSignal, { requests: number; items: number }>;
  byStatus: Map<number, number>;
  /** Requests sent and accepted of each kind of mutation. */
  byKind: Map<string, { sent: number; accepted: number }>;
  /** Accepted bodies not yet found in the store, by digest. */
  unmatched: Map<string, number>;
  itemsByDigest: Map<string, number>;
  unexpected: string[];
  socketErrors: string[];
}

function newTally(): Tally {
  const none = () => ({ requests: 0, items: 0 });
  return {
    accepted: { traces: none(), logs: none(), metrics: none() },
    byStatus: new Map(),
    byKind: new Map(),
    unmatched: new Map(),
    itemsByDigest: new Map(),
    unexpected: [],
    socketErrors: [],
  };
}

/** Counts an answered case; an accepted one's body is decoded to know what the store must hold. */
function record(tally: Tally, index: number, fuzz: FuzzCase, status: number): void {
  tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
  const kind = tally.byKind.get(fuzz.kind) ?? { sent: 0, accepted: 0 };
  tally.byKind.set(fuzz.kind, { sent: kind.sent + 1, accepted: kind.accepted + (status === 200 ? 1 : 0) });
  if (!fuzz.statuses.includes(status)) {
    tally.unexpected.push(
      `#${index} ${fuzz.kind} ${fuzz.method} ${fuzz.path} ${JSON.stringify(fuzz.headers)}: ${status}`,
    );
  }
  if (status !== 200) return;
  const { signal, encoding } = fuzz;
  try {
    const body = fuzz.inflated();
    const digest = digestOf(signal, encoding!, body);
    // Most accepted bodies are exports sent unchanged: each distinct one is decoded once.
    const items = tally.itemsByDigest.get(digest) ?? itemsIn(signal, encoding!, body);
    tally.itemsByDigest.set(digest, items);
    tally.accepted[signal].requests++;
    tally.accepted[signal].items += items;
    tally.unmatched.set(digest, (tally.unmatched.get(digest) ?? 0) + 1);
  } catch (error) {
    tally.unexpected.push(`#${index} ${fuzz.kind} was accepted but does not decode here: ${String(error)}`);
  }
}

describe('serve --store fuzzed with mutated exports', () => {
  let dir = '';
  after(() => rm(dir, { recursive: true, force: true }));

  test(`every one of ${REQUESTS} requests is answered, and the store holds exactly the accepted ones`, async (t) => {
    dir = await mkdtemp(join(tmpdir(), 'atl-fuzz-'));
    const store = join(dir, 'store');
    const seeds = await realExports();
    const seedCounts = (signal: OtlpSignal) => seeds.filter((seed) => seed.signal === signal).length;
    assert.deepEqual([seedCounts('traces'), seedCounts('logs'), seedCounts('metrics')], [10, 4, 4]);

    const serve = await startServe(store);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const rng = new Rng(SEED);
    const tally = newTally();
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const fuzz = fuzzCase(rng, seeds);
        try {
          record(tally, index, fuzz, await send(agent, serve.port, fuzz));
        } catch (error) {
          tally.socketErrors.push(`#${index} ${fuzz.kind}: ${String(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    assert.deepEqual(tally.socketErrors.slice(0, 5), [], `${tally.socketErrors.length} requests got no answer`);
    assert.deepEqual(tally.unexpected.slice(0, 5), [], `${tally.unexpected.length} unexpected answers`);
    assert.deepEqual([serve.child.exitCode, serve.child.signalCode], [null, null], 'serve is still running');
    const valid = seeds.find((seed) => seed.encoding === 'protobuf' && seed.signal === 'traces')!;
    const last: FuzzCase = {
      kind: 'valid at the end',
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: valid.body,
      statuses: [200],
      signal: 'traces',
      encoding: 'protobuf',
      inflated: () => valid.body,
    };
    const lastStatus = await send(agent, serve.port, last);
    assert.equal(lastStatus, 200);
    record(tally, REQUESTS, last, lastStatus);
    agent.destroy();
    serve.child.kill('SIGTERM');
    assert.deepEqual(await serve.ended, { code: 0, signal: null });
    assert.deepEqual(serve.errors, []);

    // Read-only, as summarize reads it: no damage, no torn tail, every record decodes.
    const traces = new TraceStore({ maxSpans: 1_000_000 });
    const logs = new LogStore({ maxRecords: 1_000_000 });
    const loaded = await loadSegments(
      {
        readAll: (visit) =>
          readSegments(
            store,
            (request) => {
              const digest = digestOf(request.signal, request.encoding, request.body);
              const left = (tally.unmatched.get(digest) ?? 0) - 1;
              if (left === 0) tally.unmatched.delete(digest);
              else tally.unmatched.set(digest, left);
              return visit(request);
            },
            false,
          ),
      },
      { traces, logs },
    );
    const { traces: tracesIn, logs: logsIn, metrics: metricsIn } = tally.accepted;
    const acceptedRequests = tracesIn.requests + logsIn.requests + metricsIn.requests;
    assert.deepEqual([loaded.damaged, loaded.tornTails, loaded.undecodable], [[], [], []]);
    assert.equal(loaded.records, acceptedRequests);
    assert.deepEqual([...tally.unmatched].slice(0, 5), [], 'stored bodies differ from the accepted ones');
    assert.deepEqual(
      [loaded.spans, loaded.logRecords, loaded.metricDataPoints],
      [tracesIn.items, logsIn.items, metricsIn.items],
    );

    // A restarted serve reads the same store and finds nothing to repair.
    const restarted = await startServe(store);
    restarted.child.kill('SIGTERM');
    assert.deepEqual(await restarted.ended, { code: 0, signal: null });
    const held = `${tracesIn.requests} trace, ${logsIn.requests} logs and ${metricsIn.requests} metrics requests`;
    assert.match(restarted.storeLine(), new RegExp(`^store .+: ${held} in \\d+ segments? \\(\\d+ bytes\\)$`));

    const rejected = [...tally.byStatus].filter(([status]) => status !== 200).sort(([a], [b]) => a - b);
    const bySignal = `traces ${tracesIn.requests}, logs ${logsIn.requests}, metrics ${metricsIn.requests}`;
    t.diagnostic(`requests: ${REQUESTS + 1}, accepted (200): ${acceptedRequests} (${bySignal})`);
    t.diagnostic(`rejected: ${rejected.map(([status, count]) => `${status}: ${count}`).join(', ')}`);
    const kinds = [...tally.byKind].map(([kind, { sent, accepted }]) => `${kind} ${accepted}/${sent}`);
    t.diagnostic(`accepted of each kind: ${kinds.join(', ')}`);
    t.diagnostic(
      `stored: ${loaded.records} requests, ${loaded.spans} spans, ${loaded.logRecords} log records, ` +
        `${loaded.metricDataPoints} data points`,
    );
  });
});

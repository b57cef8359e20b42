/**
 * Loading the durable store newest first: the newest traces when the budget cuts, nothing evicted, a cursor that
 * continues exactly where loading stopped, the owner's segment left out, torn tails and damage, logs and metrics.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Span } from '../../src/core/model';
import { encodeLogsRequestJson } from '../../src/core/otlp/logsJson';
import { encodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { loadNewestFirst, loadOlder, type NewestFirstReport } from '../../src/core/storage/newestFirst';
import { encodeRecord, RECORD_FRAME_BYTES, SEGMENT_HEADER_BYTES } from '../../src/core/storage/segmentFormat';
import { segmentFileName } from '../../src/core/storage/segmentReader';
import { SegmentStore } from '../../src/core/storage/segmentStore';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { makeLogRecord } from '../support/logBuilder';
import { encodeWithProtobufjs } from '../support/protobufjsOracle';
import { makeResource, makeScope, makeSpan, toAttributeMap } from '../support/spanBuilder';

const SPANS_PER_TRACE = 3;
/** Payload header (signal, encoding, time) inside each record's frame. */
const PAYLOAD_HEADER_BYTES = 10;

const traceIdOf = (index: number) => (index + 1).toString(16).padStart(32, '0');

/** One stored request: a trace of `SPANS_PER_TRACE` spans. */
function traceBody(index: number): Uint8Array {
  const traceId = traceIdOf(index);
  const spans: Span[] = Array.from({ length: SPANS_PER_TRACE }, (_, child) =>
    makeSpan({ traceId, spanId: (index * 16 + child + 1).toString(16).padStart(16, '0'), startMs: index * 1000 }),
  );
  return encodeWithProtobufjs({
    resourceSpans: [
      { resource: spans[0]!.resource, schemaUrl: '', scopeSpans: [{ scope: spans[0]!.scope, schemaUrl: '', spans }] },
    ],
  });
}

const freshStores = (maxSpans = 10_000) => ({
  traces: new TraceStore({ maxSpans }),
  logs: new LogStore({ maxRecords: 10_000 }),
  metrics: new MetricStore({ maxPoints: 10_000 }),
});

/** Trace ids held, oldest trace (by start time) first: the written order. */
const heldTraces = (traces: TraceStore) =>
  traces
    .traces()
    .map((trace) => trace.summary.traceId)
    .reverse();

describe('loadNewestFirst and loadOlder', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function newDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'atl-newest-'));
    dirs.push(dir);
    return dir;
  }

  /** A store of `count` trace requests over several segments (received now: the age bound keeps them). */
  async function storeOfTraces(count: number, segmentBytes = 4000) {
    const dir = await newDir();
    const store = await SegmentStore.open(dir, { segmentBytes });
    const bodies = Array.from({ length: count }, (_, index) => traceBody(index));
    for (const body of bodies) await store.append('traces', 'protobuf', body, Date.now());
    await store.close();
    return { dir, bodies, ids: bodies.map((_, index) => traceIdOf(index)) };
  }

  test('with room for everything, every trace loads, the newest last in eviction order, and `end` is the file end', async () => {
    const { dir, ids } = await storeOfTraces(40);
    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false });
    assert.deepEqual(heldTraces(stores.traces), ids);
    assert.deepEqual([report.spans, report.records, report.older], [40 * SPANS_PER_TRACE, 40, undefined]);
    assert.ok(report.segments > 2, `${report.segments} segments`);
    const newestFile = join(dir, segmentFileName(report.segments));
    assert.deepEqual(report.end, { sequence: report.segments, offset: (await stat(newestFile)).size });
    assert.deepEqual([report.damaged, report.tornTails, report.undecodable], [[], [], []]);
    // Eviction takes the oldest: lowering the bound keeps the newest traces.
    stores.traces.setMaxSpans(5 * SPANS_PER_TRACE);
    assert.deepEqual(heldTraces(stores.traces), ids.slice(-5));
  });

  test('a budget that cuts keeps the newest traces, evicts nothing, and says where the older ones start', async () => {
    const { dir, ids } = await storeOfTraces(40);
    const stores = freshStores();
    stores.traces.ingest([makeSpan({ traceId: 'ffffffffffffffffffffffffffffffff', startMs: 1e9 })]);
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10 * SPANS_PER_TRACE, repair: false });
    // One span was live already, so only nine traces fit.
    assert.deepEqual(heldTraces(stores.traces), [...ids.slice(-9), 'ffffffffffffffffffffffffffffffff']);
    assert.deepEqual([stores.traces.evictedTraces, report.spans, report.records], [0, 27, 9]);
    assert.notEqual(report.older, undefined);
  });

  test('the budget never exceeds the trace store bound', async () => {
    const { dir, ids } = await storeOfTraces(10);
    const stores = freshStores(4 * SPANS_PER_TRACE);
    await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false });
    assert.deepEqual([heldTraces(stores.traces), stores.traces.evictedTraces], [ids.slice(-4), 0]);
  });

  test('loadOlder continues exactly where loading stopped, until everything is loaded once', async () => {
    const { dir, ids } = await storeOfTraces(50);
    const stores = freshStores();
    const step = 7 * SPANS_PER_TRACE;
    const loadedEachTime: string[][] = [];
    let seen = new Set<string>();
    const newlyHeld = () => {
      const held = heldTraces(stores.traces);
      const added = held.filter((id) => !seen.has(id));
      seen = new Set(held);
      return added;
    };
    let report = await loadNewestFirst(dir, stores, { spanBudget: step, repair: false });
    loadedEachTime.push(newlyHeld());
    while (report.older !== undefined) {
      const budget = stores.traces.spanCount + step;
      report = await loadOlder(dir, report.older, stores, { spanBudget: budget, repair: false });
      assert.equal(report.end, undefined);
      loadedEachTime.push(newlyHeld());
    }
    assert.deepEqual(loadedEachTime.flat().sort(), [...ids].sort());
    // Each load brought the seven traces just before the previous ones.
    assert.deepEqual(
      loadedEachTime.map((loaded) => loaded.length),
      [7, 7, 7, 7, 7, 7, 7, 1],
    );
    assert.deepEqual(loadedEachTime[1], ids.slice(-14, -7));
    assert.deepEqual(heldTraces(stores.traces), ids);
    assert.equal(stores.traces.spanCount, 50 * SPANS_PER_TRACE);
  });

  test('beforeSequence leaves the owner segment out, and `end` is in the newest segment read', async () => {
    const { dir, ids } = await storeOfTraces(40);
    const all = await loadNewestFirst(dir, freshStores(), { spanBudget: 10_000, repair: false });
    const last = all.segments;
    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false, beforeSequence: last });
    const inLast = all.records - report.records;
    assert.ok(inLast > 0);
    assert.deepEqual(heldTraces(stores.traces), ids.slice(0, -inLast));
    const previousFile = join(dir, segmentFileName(last - 1));
    assert.deepEqual(report.end, { sequence: last - 1, offset: (await stat(previousFile)).size });
  });

  test('a torn tail in the newest segment: without repair it is left and not reported, with repair cut', async () => {
    const { dir, ids, bodies } = await storeOfTraces(12);
    const probe = await loadNewestFirst(dir, freshStores(), { spanBudget: 10_000, repair: false });
    const newestFile = join(dir, segmentFileName(probe.segments));
    const size = (await stat(newestFile)).size;
    const partial = encodeRecord({ signal: 'traces', encoding: 'protobuf', receivedAtMs: 1, body: bodies[0]! });
    await appendFile(newestFile, partial.subarray(0, partial.length - 5));

    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false });
    assert.deepEqual(heldTraces(stores.traces), ids);
    assert.deepEqual([report.tornTails, report.damaged], [[], []]);
    assert.deepEqual(report.end, { sequence: probe.segments, offset: size });
    assert.equal((await stat(newestFile)).size, size + partial.length - 5);

    const repaired = await loadNewestFirst(dir, freshStores(), { spanBudget: 10_000, repair: true });
    assert.deepEqual(repaired.tornTails, [{ file: newestFile, offset: size, bytes: partial.length - 5, cut: true }]);
    assert.equal((await stat(newestFile)).size, size);
    assert.deepEqual(repaired.end, { sequence: probe.segments, offset: size });
  });

  test('a torn tail in an older segment is reported without repair, and the file is left as it is', async () => {
    const { dir, ids } = await storeOfTraces(40);
    const firstFile = join(dir, segmentFileName(1));
    const size = (await stat(firstFile)).size;
    await appendFile(firstFile, Buffer.from([9, 0, 0]));
    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false });
    assert.deepEqual(report.tornTails, [{ file: firstFile, offset: size, bytes: 3, cut: false }]);
    assert.deepEqual(heldTraces(stores.traces), ids);
    assert.equal((await stat(firstFile)).size, size + 3);
  });

  test('a damaged record is skipped and reported with its file and offset; the cursor goes past it', async () => {
    const { dir, ids, bodies } = await storeOfTraces(12);
    const firstFile = join(dir, segmentFileName(1));
    const bytes = await readFile(firstFile);
    // The second record of the first segment: after the header and the first record.
    const offset = SEGMENT_HEADER_BYTES + RECORD_FRAME_BYTES + PAYLOAD_HEADER_BYTES + bodies[0]!.length;
    const recordBytes = RECORD_FRAME_BYTES + PAYLOAD_HEADER_BYTES + bodies[1]!.length;
    bytes[offset + recordBytes - 3]! ^= 0xff;
    await writeFile(firstFile, bytes);

    const stores = freshStores();
    let report = await loadNewestFirst(dir, stores, { spanBudget: 3 * SPANS_PER_TRACE, repair: true });
    const reports: NewestFirstReport[] = [report];
    while (report.older !== undefined) {
      const budget = stores.traces.spanCount + 3 * SPANS_PER_TRACE;
      report = await loadOlder(dir, report.older, stores, { spanBudget: budget, repair: true });
      reports.push(report);
    }
    assert.deepEqual(
      reports.flatMap((each) => each.damaged),
      [{ file: firstFile, offset, bytes: recordBytes }],
    );
    assert.deepEqual(heldTraces(stores.traces), [ids[0], ...ids.slice(2)]);
  });

  test('an undecodable record is reported with its place and the others load', async () => {
    const dir = await newDir();
    const store = await SegmentStore.open(dir);
    await store.append('traces', 'protobuf', traceBody(0), 1);
    await store.append('traces', 'json', Buffer.from('{"resourceSpans": 7}'), 2);
    await store.append('traces', 'protobuf', traceBody(1), 3);
    await store.close();
    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 10_000, repair: false });
    assert.deepEqual(heldTraces(stores.traces), [traceIdOf(0), traceIdOf(1)]);
    assert.equal(report.undecodable.length, 1);
    const where = `${join(dir, segmentFileName(1))}:${SEGMENT_HEADER_BYTES + 18 + traceBody(0).length}`;
    assert.ok(report.undecodable[0]!.includes(where), report.undecodable[0]);
  });

  test('an empty or missing directory loads nothing', async () => {
    const dir = await newDir();
    for (const path of [dir, join(dir, 'missing')]) {
      const stores = freshStores();
      const report = await loadNewestFirst(path, stores, { spanBudget: 100, repair: true });
      assert.deepEqual(
        [report.segments, report.records, report.spans, report.end, report.older, stores.traces.traceCount],
        [0, 0, 0, undefined, undefined, 0],
      );
    }
  });

  test('batches: the newest traces are there after the first, and the event loop turns between them', async () => {
    const { dir, ids } = await storeOfTraces(3000, 64 * 1024);
    const stores = freshStores();
    const afterBatch: { traces: string[]; spans: number }[] = [];
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const report = await loadNewestFirst(dir, stores, {
      spanBudget: 10_000,
      repair: false,
      onBatch: (soFar) => afterBatch.push({ traces: heldTraces(stores.traces), spans: soFar.spans }),
    });
    clearInterval(ticking);
    assert.ok(afterBatch.length > 1, `${afterBatch.length} batches`);
    const first = afterBatch[0]!;
    assert.deepEqual(first.traces, ids.slice(-first.traces.length));
    assert.equal(first.spans, first.traces.length * SPANS_PER_TRACE);
    assert.equal(afterBatch.at(-1)!.spans, report.spans);
    assert.ok(turns > 0);
  });

  test('logs and metrics load into their stores in arrival order', async () => {
    const dir = await newDir();
    const store = await SegmentStore.open(dir, { segmentBytes: 600 });
    for (let index = 0; index < 8; index++) {
      const logs = [makeLogRecord({ traceId: traceIdOf(0), body: `log ${index}` })];
      const resource = makeResource('agent');
      const scope = makeScope('meter');
      const logsRequest = {
        resourceLogs: [{ resource, schemaUrl: '', scopeLogs: [{ scope, schemaUrl: '', logRecords: logs }] }],
      };
      await store.append('logs', 'json', Buffer.from(encodeLogsRequestJson(logsRequest)), Date.now());
      const point = {
        attributes: toAttributeMap({}),
        startTimeUnixNano: 0n,
        timeUnixNano: BigInt(index),
        flags: 0,
        value: index,
        exemplars: [],
      };
      const metric = {
        name: 'gen_ai.client.operation.duration',
        description: '',
        unit: 's',
        data: { type: 'gauge' as const, dataPoints: [point] },
        resource,
        scope,
      };
      const metricsRequest = {
        resourceMetrics: [{ resource, schemaUrl: '', scopeMetrics: [{ scope, schemaUrl: '', metrics: [metric] }] }],
      };
      await store.append('metrics', 'json', Buffer.from(encodeMetricsRequestJson(metricsRequest)), Date.now());
    }
    await store.close();
    const stores = freshStores();
    const report = await loadNewestFirst(dir, stores, { spanBudget: 100, repair: false });
    assert.ok(report.segments > 2);
    assert.deepEqual([report.logRecords, report.metricDataPoints], [8, 8]);
    const expected = Array.from({ length: 8 }, (_, index) => index);
    const values = stores.metrics.query({ name: 'gen_ai.client.operation.duration' });
    assert.deepEqual(
      values.map((stored) => (stored.point as { value: number }).value),
      expected,
    );
    assert.deepEqual(
      stores.logs.forTrace(traceIdOf(0)).map((record) => record.body),
      expected.map((index) => `log ${index}`),
    );
  });
});

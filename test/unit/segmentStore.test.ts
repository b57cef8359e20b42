/** The durable store's writer: appends read back in order, rotation, the size and age bounds, clear, the failed state. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeTraceRequestJson } from '../../src/core/otlp/jsonEncoders';
import { traceRequestOf } from '../../src/core/model';
import { loadSegments } from '../../src/core/storage/loadStore';
import type { StoredRequest } from '../../src/core/storage/segmentFormat';
import { segmentFileName } from '../../src/core/storage/segmentReader';
import { SegmentStore, type SegmentStoreOptions } from '../../src/core/storage/segmentStore';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { encodeWithProtobufjs } from '../support/protobufjsOracle';
import { makeSpan } from '../support/spanBuilder';

const DAY_MS = 24 * 60 * 60 * 1000;
/** 100 bytes of body: with its 18 bytes of framing, a record is 118 bytes. */
const BODY = new Uint8Array(100).fill(7);
const RECORD_BYTES = 118;
/** Magic and version at the start of every segment. */
const SEGMENT_HEADER = 12;

describe('SegmentStore', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function openStore(options: SegmentStoreOptions = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'atl-store-'));
    dirs.push(dir);
    return { dir, store: await SegmentStore.open(dir, options) };
  }

  async function readAll(store: SegmentStore): Promise<StoredRequest[]> {
    const requests: StoredRequest[] = [];
    await store.readAll((request) => void requests.push({ ...request, body: Uint8Array.from(request.body) }));
    return requests;
  }

  const segmentFiles = async (dir: string) => (await readdir(dir)).sort();

  /** The bytes of the files in `dir`, as the disk holds them. */
  async function diskBytes(dir: string): Promise<number> {
    const sizes = await Promise.all((await readdir(dir)).map(async (name) => (await stat(join(dir, name))).size));
    return sizes.reduce((sum, size) => sum + size, 0);
  }

  /** The receive times the store holds, oldest first. */
  const storedTimes = async (store: SegmentStore) => (await readAll(store)).map((request) => request.receivedAtMs);

  test('appends are read back in order with their signal, encoding and time, also after reopening', async () => {
    const { dir, store } = await openStore();
    await store.append('traces', 'protobuf', Uint8Array.from([1, 2, 3]), 1000);
    await store.append('logs', 'json', Buffer.from('{}'), 2000);
    await store.append('metrics', 'protobuf', new Uint8Array(0), 3000);
    const expected = [
      { signal: 'traces', encoding: 'protobuf', receivedAtMs: 1000, body: Uint8Array.from([1, 2, 3]) },
      { signal: 'logs', encoding: 'json', receivedAtMs: 2000, body: Uint8Array.from(Buffer.from('{}')) },
      { signal: 'metrics', encoding: 'protobuf', receivedAtMs: 3000, body: new Uint8Array(0) },
    ];
    assert.deepEqual(await readAll(store), expected);
    await store.close();
    const reopened = await SegmentStore.open(dir);
    await reopened.append('traces', 'json', Buffer.from('[]'), 4000);
    const again = await readAll(reopened);
    assert.deepEqual(again.slice(0, 3), expected);
    assert.equal(again[3]?.receivedAtMs, 4000);
    assert.deepEqual(await segmentFiles(dir), [segmentFileName(1), segmentFileName(2)]);
    await reopened.close();
  });

  test('appends made while a write is in progress are written together, in order, each resolved once on disk', async () => {
    const { dir, store } = await openStore();
    const file = join(dir, segmentFileName(1));
    const bodies = Array.from({ length: 50 }, (_, index) => new Uint8Array(100).fill(index));
    const sizesWhenResolved: number[] = [];
    await Promise.all(
      bodies.map((body, index) =>
        store.append('traces', 'protobuf', body, index).then(async () => {
          sizesWhenResolved[index] = (await stat(file)).size;
        }),
      ),
    );
    // Each append's record is in the file by the time it resolves: header, then whole records up to its own.
    for (const [index, size] of sizesWhenResolved.entries()) {
      assert.ok(size >= SEGMENT_HEADER + (index + 1) * RECORD_BYTES, `append ${index}: ${size} bytes`);
    }
    const read = await readAll(store);
    assert.deepEqual(
      read.map((request) => [request.receivedAtMs, request.body[0]]),
      bodies.map((_, index) => [index, index]),
    );
    await store.close();
  });

  test('segments rotate at segmentBytes and the size bound deletes the oldest', async () => {
    // Three records fill a segment (12 + 3 × 118 bytes); the bound keeps three full segments.
    const segmentBytes = 12 + 3 * RECORD_BYTES;
    const { dir, store } = await openStore({ segmentBytes, maxBytes: 3 * segmentBytes });
    const now = Date.now();
    for (let index = 0; index < 15; index++) await store.append('traces', 'protobuf', BODY, now + index);
    // 15 records make five full segments; after the last rotation the two oldest are over the bound.
    assert.deepEqual(await segmentFiles(dir), [3, 4, 5].map(segmentFileName));
    const times = (await readAll(store)).map((request) => request.receivedAtMs - now);
    assert.deepEqual(times, [6, 7, 8, 9, 10, 11, 12, 13, 14]);
    assert.deepEqual(store.size, { segments: 3, bytes: 3 * segmentBytes });
    await store.close();
  });

  test('after each rotation the disk is under the size bound, the oldest dropped first, the newest kept', async () => {
    // Four records fill a segment; a bound of two and a half segments keeps two whole ones.
    const segmentBytes = 12 + 4 * RECORD_BYTES;
    const maxBytes = Math.floor(2.5 * segmentBytes);
    const { dir, store } = await openStore({ segmentBytes, maxBytes });
    const start = Date.now();
    const appended: number[] = [];
    for (let index = 0; index < 30; index++) {
      appended.push(start + index);
      await store.append('traces', 'protobuf', BODY, start + index);
      const kept = await storedTimes(store);
      assert.deepEqual(kept, appended.slice(-kept.length), `a suffix of what was appended after ${index + 1}`);
      if (appended.length % 4 !== 0) continue;
      const disk = await diskBytes(dir);
      assert.ok(disk <= maxBytes, `${disk} bytes on disk after rotation ${appended.length / 4}`);
      assert.equal(store.size.bytes, disk);
      // Only what the bound needs goes: one more segment would not fit.
      assert.ok(kept.length === appended.length || disk + segmentBytes > maxBytes, `${kept.length} kept`);
    }
    assert.deepEqual(await storedTimes(store), appended.slice(-10), 'two whole segments and the two newest records');
    await store.close();

    // Reopened under a bound of one segment, the oldest segments go at once and the newest stays.
    const reopened = await SegmentStore.open(dir, { segmentBytes, maxBytes: segmentBytes });
    assert.ok((await diskBytes(dir)) <= segmentBytes);
    assert.deepEqual(await storedTimes(reopened), appended.slice(-2));
    await reopened.close();
  });

  test('a size bound smaller than a segment still keeps the newest records, and the older ones under it', async () => {
    const maxBytes = 4 * RECORD_BYTES;
    const { dir, store } = await openStore({ segmentBytes: 12 + 8 * RECORD_BYTES, maxBytes });
    const start = Date.now();
    const appended: number[] = [];
    for (let index = 0; index < 40; index++) {
      appended.push(start + index);
      await store.append('logs', 'protobuf', BODY, start + index);
      const kept = await storedTimes(store);
      assert.deepEqual(kept, appended.slice(-Math.max(1, kept.length)), `the newest kept after ${index + 1}`);
      // The segment being written grows until it rotates; the ones before it are within the bound.
      const files = await segmentFiles(dir);
      const newest = (await stat(join(dir, files.at(-1)!))).size;
      assert.ok((await diskBytes(dir)) - newest <= maxBytes, `older segments within the bound after ${index + 1}`);
    }
    await store.close();
  });

  test('the age bound deletes segments whose newest record is too old, at rotation and at open', async () => {
    let now = Date.now();
    const segmentBytes = 12 + 2 * RECORD_BYTES;
    const { dir, store } = await openStore({ segmentBytes, maxAgeMs: 7 * DAY_MS, now: () => now });
    await store.append('traces', 'protobuf', BODY, now - 9 * DAY_MS);
    await store.append('traces', 'protobuf', BODY, now - 8 * DAY_MS);
    await store.append('traces', 'protobuf', BODY, now - 8 * DAY_MS);
    await store.append('traces', 'protobuf', BODY, now - 6 * DAY_MS);
    // Segment 1 (newest 8 days old) goes as soon as it rotates; segment 2 (newest 6 days old) stays.
    assert.deepEqual(await segmentFiles(dir), [segmentFileName(2)]);
    await store.close();
    // Two days later the files' modification times (now) are recent: they stay.
    now += 2 * DAY_MS;
    await (await SegmentStore.open(dir, { maxAgeMs: 7 * DAY_MS, now: () => now })).close();
    assert.deepEqual(await segmentFiles(dir), [segmentFileName(2)]);
    // Eight days after they were written, they are over the bound.
    now += 6 * DAY_MS;
    await (await SegmentStore.open(dir, { maxAgeMs: 7 * DAY_MS, now: () => now })).close();
    assert.deepEqual(await segmentFiles(dir), []);
  });

  test("the age bound goes by a segment's newest record, as the clock moves on while the store is open", async () => {
    let now = Date.now();
    const { dir, store } = await openStore({
      segmentBytes: 12 + 2 * RECORD_BYTES,
      maxAgeMs: 7 * DAY_MS,
      now: () => now,
    });
    const start = now;
    // Segment 1 holds a record nine days old, but its newest is a day old: it stays.
    for (const time of [start - 9 * DAY_MS, start - DAY_MS, start, start]) {
      await store.append('traces', 'protobuf', BODY, time);
    }
    assert.deepEqual(await segmentFiles(dir), [1, 2].map(segmentFileName));
    // Six and a half days on, segment 1's newest record is over the bound: the next rotation deletes it, not segment 2.
    now += 6.5 * DAY_MS;
    await store.append('traces', 'protobuf', BODY, now);
    assert.deepEqual(await segmentFiles(dir), [1, 2, 3].map(segmentFileName), 'nothing goes between rotations');
    await store.append('traces', 'protobuf', BODY, now);
    assert.deepEqual(await segmentFiles(dir), [2, 3].map(segmentFileName));
    assert.deepEqual(await storedTimes(store), [start, start, now, now]);
    await store.close();
  });

  test('clear empties the directory and appending goes on in a new segment', async () => {
    const { dir, store } = await openStore({ segmentBytes: 12 + RECORD_BYTES });
    const now = Date.now();
    for (let index = 0; index < 3; index++) await store.append('logs', 'protobuf', BODY, now + index);
    assert.equal((await segmentFiles(dir)).length, 3);
    await store.clear();
    assert.deepEqual(await segmentFiles(dir), []);
    assert.deepEqual(await readAll(store), []);
    await store.append('logs', 'protobuf', BODY, now + 99);
    assert.deepEqual(await segmentFiles(dir), [segmentFileName(4)], 'a new segment, numbered after the cleared ones');
    assert.deepEqual(await storedTimes(store), [now + 99]);
    await store.close();
    const reopened = await SegmentStore.open(dir);
    assert.deepEqual(await storedTimes(reopened), [now + 99]);
    await reopened.close();
  });

  test('clear while a segment is being written leaves no file, and a reopened store loads nothing', async () => {
    const { dir, store } = await openStore();
    const span = makeSpan({ name: 'chat gpt-4o', attributes: { 'gen_ai.operation.name': 'chat' } });
    await store.append('traces', 'protobuf', encodeWithProtobufjs(traceRequestOf(span)), Date.now());
    await store.append(
      'logs',
      'json',
      Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'),
      Date.now(),
    );
    assert.deepEqual(await segmentFiles(dir), [segmentFileName(1)]);
    await store.clear();
    assert.deepEqual(await segmentFiles(dir), []);
    assert.deepEqual(store.size, { segments: 0, bytes: 0 });
    // The cleared segment's pending fsync has nothing left to do, and closing writes nothing.
    await store.flush();
    await store.close();
    assert.deepEqual(await segmentFiles(dir), []);
    assert.equal(store.failure, undefined);

    const reopened = await SegmentStore.open(dir);
    const traces = new TraceStore({ maxSpans: 100 });
    const logs = new LogStore({ maxRecords: 100 });
    const report = await loadSegments(reopened, { traces, logs });
    const { segments, records, spans, logRecords } = report;
    assert.deepEqual({ segments, records, spans, logRecords }, { segments: 0, records: 0, spans: 0, logRecords: 0 });
    assert.deepEqual([traces.traces().length, logs.uncorrelated().length], [0, 0]);
    await reopened.close();
  });

  test('a directory that cannot be created fails the store once, and appends keep resolving without writing', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'atl-store-'));
    dirs.push(parent);
    const file = join(parent, 'file');
    await writeFile(file, 'a regular file');
    const errors: string[] = [];
    const log = { info() {}, warn() {}, error: (message: string) => errors.push(message) };
    const store = await SegmentStore.open(join(file, 'segments'), { log });
    assert.match(store.failure ?? '', /ENOTDIR/);
    for (let index = 0; index < 5; index++) await store.append('traces', 'protobuf', BODY, index);
    await store.flush();
    await store.clear();
    await store.close();
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /cannot be written.*in memory only.*ENOTDIR/);
  });

  test('a directory gone unwritable after opening fails the store at its first append, said once', async () => {
    const errors: string[] = [];
    const { dir, store } = await openStore({ log: { info() {}, warn() {}, error: (message) => errors.push(message) } });
    // Permissions would not stop root (CI runs as root): a file where the directory was stops everyone.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a directory');
    await store.append('traces', 'protobuf', BODY, 1);
    await store.append('traces', 'protobuf', BODY, 2);
    assert.match(store.failure ?? '', /ENOTDIR/);
    assert.equal(errors.length, 1);
    await store.close();
  });

  test('loadSegments ingests stored traces and logs, decoding protobuf and JSON, and counts them', async () => {
    const { store } = await openStore();
    const first = makeSpan({ name: 'chat gpt-4o', attributes: { 'gen_ai.operation.name': 'chat' } });
    const second = makeSpan({ name: 'execute_tool search', parentSpanId: first.spanId });
    await store.append('traces', 'protobuf', encodeWithProtobufjs(traceRequestOf(first)), 1);
    await store.append('traces', 'json', Buffer.from(encodeTraceRequestJson(traceRequestOf(second))), 2);
    await store.append('logs', 'json', Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{}]}]}]}'), 3);
    await store.append('traces', 'protobuf', Uint8Array.from([0xff, 0xff]), 4);
    const traces = new TraceStore({ maxSpans: 100 });
    const logs = new LogStore({ maxRecords: 100 });
    const report = await loadSegments(store, { traces, logs });
    assert.equal(report.records, 4);
    assert.equal(report.spans, 2);
    assert.equal(report.logRecords, 1);
    assert.equal(report.undecodable.length, 1);
    assert.match(report.undecodable[0]!, /stored traces request does not decode/);
    const names = traces.traces().flatMap((record) => record.spans().map((node) => node.span.name));
    assert.deepEqual(names.sort(), ['chat gpt-4o', 'execute_tool search']);
    assert.equal(logs.uncorrelated().length, 1);
    await store.close();
  });
});

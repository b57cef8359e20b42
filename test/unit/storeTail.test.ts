/**
 * Following a store another process writes: records appended after each read, a record still being written, moving
 * on to the next segment, damage in a segment the writer left, and segments deleted under the reader.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeRecord, type StoredRequest } from '../../src/core/storage/segmentFormat';
import type { DamagedRecord } from '../../src/core/storage/segmentReader';
import { segmentFileName } from '../../src/core/storage/segmentReader';
import { SegmentStore } from '../../src/core/storage/segmentStore';
import { StoreTail } from '../../src/core/storage/storeTail';

/** Records of 100 bytes of body, told apart by their time: milliseconds after T0 (recent, or the age bound drops them). */
const body = () => new Uint8Array(100).fill(5);
const T0 = Date.now();

describe('StoreTail', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function follow(segmentBytes = 64 * 1024 * 1024) {
    const dir = await mkdtemp(join(tmpdir(), 'atl-tail-'));
    dirs.push(dir);
    const store = await SegmentStore.open(dir, { segmentBytes });
    const seen: number[] = [];
    const damaged: DamagedRecord[] = [];
    const tail = new StoreTail(
      dir,
      undefined,
      (request: StoredRequest) => seen.push(request.receivedAtMs - T0),
      (damage) => damaged.push(damage),
    );
    return { dir, store, tail, seen, damaged };
  }

  test('hands over what was appended since the last read, in order, across segments', async () => {
    const { store, tail, seen, damaged } = await follow(300);
    assert.equal(await tail.read(), 0);
    for (const time of [1, 2]) await store.append('traces', 'protobuf', body(), T0 + time);
    assert.equal(await tail.read(), 2);
    // 118-byte records in 300-byte segments: these rotate twice.
    for (const time of [3, 4, 5, 6, 7]) await store.append('logs', 'json', body(), T0 + time);
    assert.equal(await tail.read(), 5);
    assert.equal(await tail.read(), 0);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
    assert.ok((tail.at?.sequence ?? 0) >= 3, `read into segment ${tail.at?.sequence}`);
    assert.deepEqual(damaged, []);
    await store.close();
  });

  test('a record still being written is read once it is whole, and is not damage', async () => {
    const { dir, store, tail, seen, damaged } = await follow();
    await store.append('traces', 'protobuf', body(), T0 + 1);
    await store.close();
    const path = join(dir, segmentFileName(1));
    const record = encodeRecord({ signal: 'traces', encoding: 'protobuf', receivedAtMs: T0 + 2, body: body() });
    await appendFile(path, record.subarray(0, 50));
    assert.equal(await tail.read(), 1);
    await appendFile(path, record.subarray(50));
    assert.equal(await tail.read(), 1);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(damaged, []);
  });

  test('damage with a whole record after it is reported with its offset and skipped', async () => {
    const { dir, store, tail, seen, damaged } = await follow();
    for (const time of [1, 2, 3]) await store.append('traces', 'protobuf', body(), T0 + time);
    await store.close();
    const path = join(dir, segmentFileName(1));
    const bytes = await readFile(path);
    const secondRecordBody = 12 + 118 + 30;
    bytes[secondRecordBody] = bytes[secondRecordBody]! ^ 0xff;
    await writeFile(path, bytes);
    assert.equal(await tail.read(), 2);
    assert.deepEqual(seen, [1, 3]);
    assert.deepEqual(damaged, [{ file: path, offset: 12 + 118, bytes: 118 }]);
  });

  test('a torn tail of a segment the writer left is reported, and reading goes on in the next one', async () => {
    const { dir, store, tail, seen, damaged } = await follow();
    await store.append('traces', 'protobuf', body(), T0 + 1);
    await store.close();
    const first = join(dir, segmentFileName(1));
    await truncate(first, 12 + 118 - 40);
    const next = await SegmentStore.open(dir);
    await next.append('traces', 'protobuf', body(), T0 + 2);
    assert.equal(await tail.read(), 1);
    assert.deepEqual(seen, [2]);
    assert.deepEqual(damaged, [{ file: first, offset: 12, bytes: 78 }]);
    await next.close();
  });

  test('segments deleted under the reader are passed over; moveTo rereads after a clear', async () => {
    const { store, tail, seen } = await follow(300);
    for (const time of [1, 2, 3]) await store.append('traces', 'protobuf', body(), T0 + time);
    await store.clear();
    await store.append('traces', 'protobuf', body(), T0 + 4);
    assert.equal(await tail.read(), 1);
    assert.deepEqual(seen, [4]);
    tail.moveTo({ sequence: store.newestSequence, offset: 0 });
    assert.equal(await tail.read(), 1);
    assert.deepEqual(seen, [4, 4]);
    await store.close();
  });
});

/** The durable store's record framing, and how a reader treats torn and damaged segments. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  crc32,
  encodeRecord,
  recordAt,
  RECORD_FRAME_BYTES,
  segmentHeader,
  SEGMENT_HEADER_BYTES,
  tableCrc32,
  type StoredRequest,
} from '../../src/core/storage/segmentFormat';
import { readSegments, segmentFileName, type ReadReport } from '../../src/core/storage/segmentReader';

const REQUESTS: StoredRequest[] = [
  { signal: 'traces', encoding: 'protobuf', receivedAtMs: 1_700_000_000_123.5, body: Uint8Array.from([10, 0, 1, 2]) },
  { signal: 'logs', encoding: 'json', receivedAtMs: 1_700_000_001_000, body: Buffer.from('{"resourceLogs":[]}') },
  { signal: 'metrics', encoding: 'protobuf', receivedAtMs: 1_700_000_002_000, body: new Uint8Array(0) },
];

const plain = (request: StoredRequest) => ({ ...request, body: [...request.body] });

describe('segment format', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  /** A directory holding one segment of `REQUESTS` (or the given bytes); resolves with the file and its bytes. */
  async function segmentDir(bytes = Buffer.concat([segmentHeader(), ...REQUESTS.map(encodeRecord)])) {
    const dir = await mkdtemp(join(tmpdir(), 'atl-segment-'));
    dirs.push(dir);
    const file = join(dir, segmentFileName(1));
    await writeFile(file, bytes);
    return { dir, file, bytes };
  }

  async function readBack(dir: string, repair = true): Promise<{ requests: StoredRequest[]; report: ReadReport }> {
    const requests: StoredRequest[] = [];
    const report = await readSegments(dir, (request) => void requests.push(request), repair);
    return { requests, report };
  }

  test('records round-trip with their signal, encoding, receive time and body', () => {
    const bytes = Buffer.concat(REQUESTS.map(encodeRecord));
    const read: StoredRequest[] = [];
    for (let offset = 0; offset < bytes.length;) {
      const found = recordAt(bytes, offset);
      assert.ok('request' in found, `record at ${offset}`);
      read.push(found.request);
      offset = found.end;
    }
    assert.deepEqual(read.map(plain), REQUESTS.map(plain));
  });

  test('the table CRC-32 (Node 20 before 20.15) agrees with the known check value and with zlib', async () => {
    assert.equal(tableCrc32(Buffer.from('123456789')), 0xcbf43926);
    const zlib = await import('node:zlib');
    const data = randomBytes(4096);
    if (typeof zlib.crc32 === 'function') assert.equal(tableCrc32(data), zlib.crc32(data));
    assert.equal(tableCrc32(data.subarray(100), tableCrc32(data.subarray(0, 100))), tableCrc32(data));
  });

  test('an empty body with no memory behind it (as the receiver gets for an empty export) checks out', () => {
    // zlib.crc32 answers 0 for such a view whatever the initial value, so its record was written with a wrong checksum.
    const empty = new Uint8Array(new ArrayBuffer(0));
    assert.equal(crc32(empty, 0x1234), 0x1234);
    const request: StoredRequest = {
      signal: 'traces',
      encoding: 'protobuf',
      receivedAtMs: 1_700_000_003_000,
      body: empty,
    };
    const found = recordAt(encodeRecord(request), 0);
    assert.ok('request' in found, 'the record checks out');
    assert.deepEqual(plain(found.request), plain(request));
  });

  test('a segment cut at any length loads its whole records and cuts the torn tail off', async () => {
    const { bytes } = await segmentDir();
    const recordEnds = REQUESTS.map(encodeRecord).reduce<number[]>(
      (ends, record) => [...ends, (ends.at(-1) ?? SEGMENT_HEADER_BYTES) + record.length],
      [],
    );
    for (let length = 0; length < bytes.length; length++) {
      const { dir, file } = await segmentDir(bytes.subarray(0, length));
      const whole = recordEnds.filter((end) => end <= length).length;
      const keptBytes = length < SEGMENT_HEADER_BYTES ? 0 : (recordEnds[whole - 1] ?? SEGMENT_HEADER_BYTES);
      const { requests, report } = await readBack(dir);
      assert.deepEqual(requests.map(plain), REQUESTS.slice(0, whole).map(plain), `cut at ${length}`);
      assert.deepEqual(report.damaged, [], `cut at ${length}`);
      const torn = length - keptBytes;
      const expectedTails =
        torn > 0 || length < SEGMENT_HEADER_BYTES ? [{ file, offset: keptBytes, bytes: torn, cut: true }] : [];
      assert.deepEqual(report.tornTails, expectedTails, `cut at ${length}`);
      if (length < SEGMENT_HEADER_BYTES) await assert.rejects(stat(file), { code: 'ENOENT' });
      else assert.equal((await stat(file)).size, keptBytes, `cut at ${length}`);
      const again = await readBack(dir);
      assert.deepEqual([again.report.tornTails, again.report.damaged], [[], []], `reread after cut at ${length}`);
    }
  });

  test('without repair a torn tail is reported and the file is left as it is', async () => {
    const whole = Buffer.concat([segmentHeader(), ...REQUESTS.map(encodeRecord)]);
    const { dir, file } = await segmentDir(whole.subarray(0, whole.length - 3));
    const { requests, report } = await readBack(dir, false);
    assert.equal(requests.length, REQUESTS.length - 1);
    assert.equal(report.tornTails[0]?.cut, false);
    assert.equal((await readFile(file)).length, whole.length - 3);
  });

  test('a flipped byte in a middle record skips that record, reported with its offset, and loads the rest', async () => {
    const records = REQUESTS.map(encodeRecord);
    const secondOffset = SEGMENT_HEADER_BYTES + records[0]!.length;
    for (const flipAt of [0, 4, RECORD_FRAME_BYTES, RECORD_FRAME_BYTES + 3, records[1]!.length - 1]) {
      const bytes = Buffer.concat([segmentHeader(), ...records]);
      bytes[secondOffset + flipAt]! ^= 0x40;
      const { dir, file } = await segmentDir(bytes);
      const { requests, report } = await readBack(dir);
      assert.deepEqual(requests.map(plain), [REQUESTS[0]!, REQUESTS[2]!].map(plain), `flip at +${flipAt}`);
      assert.deepEqual(
        report.damaged,
        [{ file, offset: secondOffset, bytes: records[1]!.length }],
        `flip at +${flipAt}`,
      );
      assert.deepEqual(report.tornTails, []);
      assert.equal((await stat(file)).size, bytes.length, 'a damaged middle record is not cut');
    }
  });

  test('a file with a wrong header is reported as damaged and the other segments load', async () => {
    const { dir } = await segmentDir();
    const stranger = join(dir, segmentFileName(2));
    await writeFile(stranger, Buffer.from('not a segment of ours'));
    const { requests, report } = await readBack(dir);
    assert.equal(requests.length, REQUESTS.length);
    assert.deepEqual(report.damaged, [{ file: stranger, offset: 0, bytes: 21 }]);
    assert.equal(report.segments, 2);
  });
});

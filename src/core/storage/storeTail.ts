/**
 * Follows a store directory that another process writes: each `read` hands over the records appended since the last
 * one, in order, moving on to the next segment once the writer has (a newer segment exists). A record that does not
 * check out at the end of the segment being written is a write still in progress, so it is read again next time; in
 * a segment the writer has left, or with a whole record after it, it is damage, reported and skipped. A segment
 * deleted under the reader (by the store's bounds, or Clear) is passed over.
 */
import { open } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { recordAt, SEGMENT_HEADER_BYTES, type StoredRequest } from './segmentFormat';
import type { StorePosition } from './newestFirst';
import { listSegments, nextRecordAfter, type DamagedRecord } from './segmentReader';

/** Records handed over between two yields to the event loop. */
const RECORDS_PER_YIELD = 200;

export class StoreTail {
  private sinceYield = 0;

  /** Starts at `position`, or at the oldest segment's first record when there is none. */
  constructor(
    private readonly dir: string,
    private position: StorePosition | undefined,
    private readonly visit: (request: StoredRequest) => void,
    private readonly onDamage: (damage: DamagedRecord) => void,
  ) {}

  /** Where the next read starts. */
  get at(): StorePosition | undefined {
    return this.position && { ...this.position };
  }

  /** Reads from `position` next time, e.g. the first segment written after a Clear. */
  moveTo(position: StorePosition): void {
    this.position = { ...position };
  }

  /** Hands over every whole record appended since the last read; resolves to how many. */
  async read(): Promise<number> {
    let records = 0;
    for (;;) {
      const segments = await listSegments(this.dir).catch(() => []);
      const position = this.position ?? (segments[0] && { sequence: segments[0].sequence, offset: 0 });
      if (position === undefined) return records;
      this.position = position;
      const current = segments.find((segment) => segment.sequence === position.sequence);
      const newer = segments.find((segment) => segment.sequence > position.sequence);
      // The writer starts a segment only after closing the one before: a newer one means this one is final.
      if (current) records += await this.readSegment(current.path, position, newer !== undefined);
      if (newer === undefined) return records;
      this.position = { sequence: newer.sequence, offset: 0 };
    }
  }

  private async readSegment(path: string, position: StorePosition, final: boolean): Promise<number> {
    const bytes = await readFrom(path, Math.max(position.offset, SEGMENT_HEADER_BYTES));
    if (bytes === undefined) return 0;
    const base = Math.max(position.offset, SEGMENT_HEADER_BYTES);
    let offset = 0;
    let records = 0;
    while (offset < bytes.length) {
      const found = recordAt(bytes, offset);
      if ('request' in found) {
        records++;
        this.visit(found.request);
        offset = found.end;
        if (++this.sinceYield === RECORDS_PER_YIELD) {
          this.sinceYield = 0;
          await yieldToEventLoop();
        }
        continue;
      }
      const next = found.problem === 'invalid' ? nextRecordAfter(bytes, offset) : undefined;
      if (next === undefined && !final) break;
      const end = next ?? bytes.length;
      this.onDamage({ file: path, offset: base + offset, bytes: end - offset });
      offset = end;
    }
    position.offset = base + offset;
    return records;
  }
}

/** The bytes of `path` from `offset` on, or undefined when there are none (or the file is gone). */
async function readFrom(path: string, offset: number): Promise<Buffer | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    if (size <= offset) return undefined;
    const bytes = Buffer.allocUnsafe(size - offset);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, offset);
    return bytes.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

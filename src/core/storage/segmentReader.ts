/**
 * Reads the durable store's segment files back (format: segmentFormat.ts). A record that does not check out is either
 * a torn tail, when no whole record follows it in its file (a write cut short by a crash), which is cut off when
 * repairing; or damage in the middle, which is skipped and reported with its file and offset while the records after
 * it load.
 */
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hasSegmentHeader, recordAt, SEGMENT_HEADER_BYTES, type StoredRequest } from './segmentFormat';

/** `segment-000000000042.atl`: the number orders segments, oldest first. */
const SEGMENT_NAME = /^segment-(\d{12})\.atl$/;

export function segmentFileName(sequence: number): string {
  return `segment-${String(sequence).padStart(12, '0')}.atl`;
}

/** The segment files in `dir`, oldest first. */
export async function listSegments(dir: string): Promise<{ sequence: number; path: string }[]> {
  const names = await readdir(dir);
  return names
    .flatMap((name) => {
      const match = SEGMENT_NAME.exec(name);
      return match ? [{ sequence: Number(match[1]), path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.sequence - b.sequence);
}

/** Bytes of a segment that were skipped: a damaged record, or a file that is not a segment. */
export interface DamagedRecord {
  file: string;
  offset: number;
  bytes: number;
}

/** A torn tail: from `offset` on, nothing in the file checks out. */
export interface TornTail {
  file: string;
  offset: number;
  bytes: number;
  /** Whether the file was truncated to `offset` (deleted when that is 0: its header was torn). */
  cut: boolean;
}

export interface ReadReport {
  segments: number;
  records: number;
  damaged: DamagedRecord[];
  tornTails: TornTail[];
}

export type RecordVisitor = (request: StoredRequest) => void | Promise<void>;

/** Every record of every segment in `dir`, oldest first; `repair` truncates torn tails. */
export async function readSegments(dir: string, visit: RecordVisitor, repair: boolean): Promise<ReadReport> {
  const report: ReadReport = { segments: 0, records: 0, damaged: [], tornTails: [] };
  for (const { path } of await listSegments(dir)) {
    await readSegment(path, visit, repair, report);
    report.segments++;
  }
  return report;
}

/** One segment's records, with what was skipped added to `report`. */
export async function readSegment(
  path: string,
  visit: RecordVisitor,
  repair: boolean,
  report: ReadReport,
): Promise<void> {
  const framed = frameSegment(path, await readFile(path));
  report.damaged.push(...framed.damaged);
  for (const { request } of framed.records) {
    report.records++;
    await visit(request);
  }
  if (framed.tornAt !== undefined) await cutTail(path, framed.tornAt, framed.bytes - framed.tornAt, repair, report);
}

/** A whole record of a segment: it starts at `offset` and the next one at `end`. */
export interface FramedRecord {
  offset: number;
  end: number;
  request: StoredRequest;
}

/** A segment's bytes split into records, oldest first. */
export interface FramedSegment {
  records: FramedRecord[];
  damaged: DamagedRecord[];
  /** Where a torn tail starts (0: the header itself is torn). */
  tornAt: number | undefined;
  bytes: number;
}

/** Frames the records of a segment file's bytes (forward: only a record's start says where it ends). */
export function frameSegment(file: string, bytes: Buffer): FramedSegment {
  const framed: FramedSegment = { records: [], damaged: [], tornAt: undefined, bytes: bytes.length };
  if (!hasSegmentHeader(bytes)) {
    // A header shorter than its size is a segment torn as it was created; a wrong one, not a segment of ours.
    if (bytes.length < SEGMENT_HEADER_BYTES) framed.tornAt = 0;
    else framed.damaged.push({ file, offset: 0, bytes: bytes.length });
    return framed;
  }
  let offset = SEGMENT_HEADER_BYTES;
  while (offset < bytes.length) {
    const found = recordAt(bytes, offset);
    if ('request' in found) {
      framed.records.push({ offset, end: found.end, request: found.request });
      offset = found.end;
      continue;
    }
    const next = nextRecordAfter(bytes, offset);
    if (next === undefined) {
      framed.tornAt = offset;
      return framed;
    }
    framed.damaged.push({ file, offset, bytes: next - offset });
    offset = next;
  }
  return framed;
}

/** The first offset after `offset` where a whole, valid record starts. */
export function nextRecordAfter(bytes: Buffer, offset: number): number | undefined {
  for (let candidate = offset + 1; candidate < bytes.length; candidate++) {
    if ('request' in recordAt(bytes, candidate)) return candidate;
  }
  return undefined;
}

/** Reports a torn tail, and with `repair` cuts it off (deletes the file when its header is torn). */
export async function cutTail(
  path: string,
  offset: number,
  bytes: number,
  repair: boolean,
  report: Pick<ReadReport, 'tornTails'>,
): Promise<void> {
  if (repair && offset === 0) await rm(path, { force: true });
  else if (repair) {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(offset);
    } finally {
      await handle.close();
    }
  }
  report.tornTails.push({ file: path, offset, bytes, cut: repair });
}

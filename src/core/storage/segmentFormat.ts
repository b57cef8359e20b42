/**
 * The on-disk format of the durable store: segment files of framed records, each record one received OTLP request.
 *
 * A segment starts with `ATLSEG1\n` and a u32 format version. Each record is `[u32 length][u32 CRC-32 of payload]
 * [payload]`, little-endian, and the payload is `[u8 signal][u8 encoding][f64 receive time, ms since the epoch]
 * [body]`: the request as our decoders read it (inflated protobuf, or JSON text). The length and checksum let a reader
 * tell a torn or damaged record from a whole one.
 */
import * as zlib from 'node:zlib';
import type { OtlpSignal } from '../receiver/signals';

export const SEGMENT_MAGIC = Buffer.from('ATLSEG1\n', 'latin1');
export const SEGMENT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = SEGMENT_MAGIC.length + 4;
/** Length and checksum before each payload. */
export const RECORD_FRAME_BYTES = 8;
/** Signal, encoding and receive time before each body. */
export const PAYLOAD_HEADER_BYTES = 10;
/** Larger than any body a receiver accepts by far; a length above it is damage, not a record. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024 * 1024;

export type BodyEncoding = 'protobuf' | 'json';

export const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];
export const ENCODINGS: readonly BodyEncoding[] = ['protobuf', 'json'];

/** One stored request. `body` may share memory with the segment it was read from. */
export interface StoredRequest {
  signal: OtlpSignal;
  encoding: BodyEncoding;
  receivedAtMs: number;
  body: Uint8Array;
}

/** The header a new segment file starts with. */
export function segmentHeader(): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(header);
  header.writeUInt32LE(SEGMENT_VERSION, SEGMENT_MAGIC.length);
  return header;
}

export function hasSegmentHeader(bytes: Buffer): boolean {
  return (
    bytes.length >= SEGMENT_HEADER_BYTES &&
    bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC) &&
    bytes.readUInt32LE(SEGMENT_MAGIC.length) === SEGMENT_VERSION
  );
}

/**
 * The frame and payload header of a record, to be written right before its body (two buffers, so a large body is
 * not copied).
 */
export function recordHead(request: StoredRequest): Buffer {
  const head = Buffer.alloc(RECORD_FRAME_BYTES + PAYLOAD_HEADER_BYTES);
  head.writeUInt8(SIGNALS.indexOf(request.signal), RECORD_FRAME_BYTES);
  head.writeUInt8(ENCODINGS.indexOf(request.encoding), RECORD_FRAME_BYTES + 1);
  head.writeDoubleLE(request.receivedAtMs, RECORD_FRAME_BYTES + 2);
  const payloadHeader = head.subarray(RECORD_FRAME_BYTES);
  head.writeUInt32LE(PAYLOAD_HEADER_BYTES + request.body.length, 0);
  head.writeUInt32LE(crc32(request.body, crc32(payloadHeader)), 4);
  return head;
}

/** A whole record as one buffer (for tests and small writes). */
export function encodeRecord(request: StoredRequest): Buffer {
  return Buffer.concat([recordHead(request), request.body]);
}

/**
 * The record that starts at `offset` in `bytes`, or why there is none: `short` when the bytes end before the record
 * does (a torn write), `invalid` when its length, checksum or header fields are wrong.
 */
export function recordAt(
  bytes: Buffer,
  offset: number,
): { request: StoredRequest; end: number } | { problem: 'short' | 'invalid' } {
  if (bytes.length - offset < RECORD_FRAME_BYTES) return { problem: 'short' };
  const length = bytes.readUInt32LE(offset);
  if (length < PAYLOAD_HEADER_BYTES || length > MAX_PAYLOAD_BYTES) return { problem: 'invalid' };
  const start = offset + RECORD_FRAME_BYTES;
  const end = start + length;
  if (end > bytes.length) return { problem: 'short' };
  const signal = SIGNALS[bytes[start]!];
  const encoding = ENCODINGS[bytes[start + 1]!];
  // The cheap checks first: resyncing tries this at every byte offset.
  if (!signal || !encoding) return { problem: 'invalid' };
  const payload = bytes.subarray(start, end);
  if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) return { problem: 'invalid' };
  const receivedAtMs = bytes.readDoubleLE(start + 2);
  return { request: { signal, encoding, receivedAtMs, body: payload.subarray(PAYLOAD_HEADER_BYTES) }, end };
}

/**
 * CRC-32 (IEEE, as zlib and gzip compute it), continuing from `initial`. Empty data is answered here: zlib.crc32
 * gives 0 for a view with no memory behind it (the body of an empty export), whatever `initial` is.
 */
export const crc32: (data: Uint8Array, initial?: number) => number =
  typeof zlib.crc32 === 'function'
    ? (data, initial = 0) => (data.length === 0 ? initial >>> 0 : zlib.crc32(data, initial))
    : tableCrc32;

let crcTable: Uint32Array | undefined;

/** Node 20 before 20.15 has no zlib.crc32. */
export function tableCrc32(data: Uint8Array, initial = 0): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = ~initial >>> 0;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

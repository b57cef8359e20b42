/**
 * Deterministic mutations of real OTLP export bodies for fuzzing the OTLP/HTTP receiver: bit flips, truncation,
 * corrupted protobuf length fields, JSON values of the wrong type, wrong media types and content codings, bodies posted
 * to another signal's path. Each case says which statuses a correct receiver may answer it with, and what body the
 * receiver decodes if it accepts it (the one the test then expects in the store).
 */
import { deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import type { OtlpSignal } from '../../src/core/receiver/signals';
import { varint } from './protoWriter';
import type { Rng } from './randomRequest';

export type BodyEncoding = 'protobuf' | 'json';

/** A real export: the body as its exporter encoded it, uncompressed. */
export interface SeedBody {
  signal: OtlpSignal;
  encoding: BodyEncoding;
  body: Buffer;
}

export interface FuzzCase {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The bytes on the wire. */
  body: Buffer;
  /** Every status a correct receiver may answer with. */
  statuses: readonly number[];
  /** What the receiver decodes when it accepts the request: the signal of the path, the media type's encoding. */
  signal: OtlpSignal;
  encoding: BodyEncoding | undefined;
  /** The body once inflated (called only for an accepted request, so it may throw for a body that cannot be). */
  inflated(): Buffer;
}

const OK = [200];
const OK_OR_BAD = [200, 400];
const MEDIA_TYPES: Record<BodyEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

/** Content types and what the receiver reads them as (undefined: refused with 415). */
const CONTENT_TYPES: readonly [string | undefined, BodyEncoding | undefined][] = [
  ['application/JSON; charset=utf-8', 'json'],
  ['Application/X-Protobuf', 'protobuf'],
  [' application/x-protobuf ; proto=opentelemetry', 'protobuf'],
  ['application/protobuf', undefined],
  ['text/plain', undefined],
  ['application/x-www-form-urlencoded', undefined],
  ['', undefined],
  [undefined, undefined],
];

type Mutator = (rng: Rng, seed: SeedBody, seeds: readonly SeedBody[]) => FuzzCase;

const pathOf = (signal: OtlpSignal) => `/v1/${signal}`;

type Coding = 'identity' | 'gzip' | 'deflate' | 'raw deflate';

function compress(body: Buffer, coding: Coding): Buffer {
  if (coding === 'gzip') return gzipSync(body);
  if (coding === 'deflate') return deflateSync(body);
  return coding === 'raw deflate' ? deflateRawSync(body) : body;
}

const compressedSeeds = new WeakMap<Buffer, Map<Coding, Buffer>>();

/** A seed sent unchanged is compressed once per coding. */
function compressedSeed(seed: SeedBody, coding: Coding): Buffer {
  const bySeed = compressedSeeds.get(seed.body) ?? new Map<Coding, Buffer>();
  compressedSeeds.set(seed.body, bySeed);
  const wire = bySeed.get(coding) ?? compress(seed.body, coding);
  bySeed.set(coding, wire);
  return wire;
}

/** A POST of `body` with its own media type, sent as is or compressed (both valid). */
function post(kind: string, seed: SeedBody, body: Buffer, statuses: readonly number[], rng: Rng): FuzzCase {
  const coding = rng.pick<Coding>(['identity', 'identity', 'identity', 'gzip', 'deflate', 'raw deflate']);
  const headers: Record<string, string> = { 'Content-Type': MEDIA_TYPES[seed.encoding] };
  if (coding !== 'identity') headers['Content-Encoding'] = coding === 'gzip' ? 'gzip' : 'deflate';
  const wire = body === seed.body ? compressedSeed(seed, coding) : compress(body, coding);
  const { signal, encoding } = seed;
  return {
    kind,
    method: 'POST',
    path: pathOf(signal),
    headers,
    body: wire,
    statuses,
    signal,
    encoding,
    inflated: () => body,
  };
}

function flipBits(rng: Rng, bytes: Buffer, count: number): Buffer {
  const flipped = Buffer.from(bytes);
  for (let flip = 0; flip < count && flipped.length > 0; flip++)
    flipped[rng.int(0, flipped.length - 1)]! ^= 1 << rng.int(0, 7);
  return flipped;
}

interface LengthField {
  /** Where its length varint starts, and how many bytes it takes. */
  at: number;
  size: number;
  length: number;
}

/** A varint at `pos`, or undefined when it runs past `end` or over ten bytes. */
function readVarint(bytes: Buffer, pos: number, end: number): { value: bigint; next: number } | undefined {
  let value = 0n;
  for (let index = 0; index < 10 && pos + index < end; index++) {
    const byte = bytes[pos + index]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if (byte < 0x80) return { value, next: pos + index + 1 };
  }
  return undefined;
}

/**
 * The length-delimited fields of the message in `[start, end)` and, where their content parses as a message too, of
 * theirs; undefined when the range is not a message.
 */
export function lengthFields(bytes: Buffer, start = 0, end = bytes.length, depth = 0): LengthField[] | undefined {
  const found: LengthField[] = [];
  let pos = start;
  while (pos < end) {
    const key = readVarint(bytes, pos, end);
    if (!key || key.value >> 3n === 0n) return undefined;
    pos = key.next;
    const wireType = Number(key.value & 7n);
    if (wireType === 0) {
      const value = readVarint(bytes, pos, end);
      if (!value) return undefined;
      pos = value.next;
    } else if (wireType === 1 || wireType === 5) pos += wireType === 1 ? 8 : 4;
    else if (wireType === 2) {
      const length = readVarint(bytes, pos, end);
      if (!length || length.next + Number(length.value) > end) return undefined;
      found.push({ at: pos, size: length.next - pos, length: Number(length.value) });
      const contentEnd = length.next + Number(length.value);
      if (depth < 12) found.push(...(lengthFields(bytes, length.next, contentEnd, depth + 1) ?? []));
      pos = contentEnd;
    } else return undefined;
  }
  return pos === end ? found : undefined;
}

/** One length field of a protobuf body rewritten: off by a little, zero, huge, past the end, or over-long but equal. */
function corruptLength(rng: Rng, bytes: Buffer): Buffer {
  const fields = lengthFields(bytes) ?? [];
  if (fields.length === 0) return flipBits(rng, bytes, 1);
  const { at, size, length } = rng.pick(fields);
  const remaining = bytes.length - at - size;
  const choices: (() => number[])[] = [
    () => varint(length + rng.int(1, 3)),
    () => varint(Math.max(0, length - rng.int(1, 3))),
    () => varint(0),
    () => varint(remaining + 1),
    () => varint(rng.int(0, remaining)),
    () => varint(2 ** 31 - 1),
    () => varint(2 ** 32 + length),
    () => varint(-1n),
    // The same length in more bytes than needed: still valid protobuf.
    () => [...varint(length).map((byte) => byte | 0x80), 0],
  ];
  const replacement = Buffer.from(rng.pick(choices)());
  return Buffer.concat([bytes.subarray(0, at), replacement, bytes.subarray(at + size)]);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every array element and object member of `root`, as its container and key. */
function slotsOf(root: Json): [Json[] | Record<string, Json>, string | number][] {
  const slots: [Json[] | Record<string, Json>, string | number][] = [];
  const visit = (node: Json) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      slots.push([node, Array.isArray(node) ? Number(key) : key]);
      visit(value);
    }
  };
  visit(root);
  return slots;
}

const WRONG_VALUES: readonly (() => Json)[] = [
  () => 'not a number',
  () => '',
  () => -1,
  () => 3.75,
  () => 2 ** 64,
  () => true,
  () => null,
  () => [],
  () => ({}),
  () => [1, 'two', null],
  () => ({ stringValue: 7 }),
  () => ({ arrayValue: { values: [{ kvlistValue: { values: 'x' } }] } }),
  () => '0xZZ',
  () => 'ffffffffffffffffffffffffffffffffff',
];

/** A JSON body with one value replaced by one of another type (or a nesting far past any limit). */
function wrongJsonType(rng: Rng, body: Buffer): Buffer {
  const root = JSON.parse(body.toString('utf8')) as Json;
  const slots = slotsOf(root);
  if (slots.length === 0) return body;
  for (let replaced = rng.int(1, 3); replaced > 0; replaced--) {
    const [container, key] = rng.pick(slots);
    let value = rng.pick(WRONG_VALUES)();
    if (rng.chance(0.05)) {
      for (let depth = rng.int(60, 400); depth > 0; depth--) value = { arrayValue: { values: [value] } };
    }
    (container as Record<string | number, Json>)[key] = value;
  }
  return Buffer.from(JSON.stringify(root));
}

/** A body that is not what its Content-Encoding says, or a coding the receiver does not know. */
function wrongCoding(rng: Rng, seed: SeedBody): FuzzCase {
  const { signal, encoding, body } = seed;
  const headers: Record<string, string> = { 'Content-Type': MEDIA_TYPES[encoding] };
  const base = { method: 'POST', path: pathOf(signal), headers, signal, encoding };
  const gzipped = compressedSeed(seed, 'gzip');
  switch (rng.int(0, 4)) {
    case 0:
      headers['Content-Encoding'] = rng.pick(['gzip', 'x-gzip', 'GZIP']);
      return { ...base, kind: 'gzip declared, not gzip', body, statuses: [400], inflated: () => body };
    case 1: {
      headers['Content-Encoding'] = 'gzip';
      const cut = gzipped.subarray(0, rng.int(0, gzipped.length - 1));
      return { ...base, kind: 'gzip cut short', body: cut, statuses: [400], inflated: () => gunzipSync(cut) };
    }
    case 2: {
      // A flip in the gzip header's time or OS byte is not checked; anywhere else the CRC or the stream fails.
      headers['Content-Encoding'] = 'gzip';
      const flipped = flipBits(rng, gzipped, 1);
      return {
        ...base,
        kind: 'gzip bit flip',
        body: flipped,
        statuses: OK_OR_BAD,
        inflated: () => gunzipSync(flipped),
      };
    }
    case 3:
      headers['Content-Encoding'] = 'gzip';
      return { ...base, kind: 'gzip twice', body: gzipSync(gzipped), statuses: [400], inflated: () => gzipped };
    default:
      headers['Content-Encoding'] = rng.pick(['br', 'zstd', 'gzip, deflate', 'compress']);
      return { ...base, kind: 'unknown coding', body: gzipped, statuses: [415], inflated: () => gzipped };
  }
}

const MUTATORS: readonly [weight: number, mutate: Mutator][] = [
  [20, (rng, seed) => post('valid', seed, seed.body, OK, rng)],
  [
    4,
    (rng, seed, seeds) => {
      // Concatenated protobuf messages merge: a valid request holding both exports.
      const other = rng.pick(seeds.filter((each) => each.signal === seed.signal && each.encoding === 'protobuf'));
      if (seed.encoding === 'json') return post('valid', seed, seed.body, OK, rng);
      return post('concatenated', seed, Buffer.concat([seed.body, other.body]), OK, rng);
    },
  ],
  [16, (rng, seed) => post('bit flips', seed, flipBits(rng, seed.body, rng.int(1, 8)), OK_OR_BAD, rng)],
  [10, (rng, seed) => post('truncated', seed, seed.body.subarray(0, rng.int(0, seed.body.length - 1)), OK_OR_BAD, rng)],
  [
    16,
    (rng, seed) =>
      seed.encoding === 'protobuf'
        ? post('length field', seed, corruptLength(rng, seed.body), OK_OR_BAD, rng)
        : post('json type', seed, wrongJsonType(rng, seed.body), OK_OR_BAD, rng),
  ],
  [
    8,
    (rng, seed) => {
      const [contentType, encoding] = rng.pick(
        CONTENT_TYPES.concat([[MEDIA_TYPES[otherEncoding(seed)], otherEncoding(seed)]]),
      );
      const headers: Record<string, string> = contentType === undefined ? {} : { 'Content-Type': contentType };
      const statuses = encoding === undefined ? [415] : encoding === seed.encoding ? OK : OK_OR_BAD;
      const { signal, body } = seed;
      return {
        kind: 'content type',
        method: 'POST',
        path: pathOf(signal),
        headers,
        body,
        statuses,
        signal,
        encoding,
        inflated: () => body,
      };
    },
  ],
  [10, (rng, seed) => wrongCoding(rng, seed)],
  [
    6,
    (rng, seed) => {
      // Another signal's body: its fields mean something else there, or nothing.
      const signal = rng.pick((['traces', 'logs', 'metrics'] as const).filter((each) => each !== seed.signal));
      return post('other signal', { ...seed, signal }, seed.body, OK_OR_BAD, rng);
    },
  ],
  [
    6,
    (rng, seed) => {
      const length = rng.pick([0, 1, 2, rng.int(3, 64), rng.int(65, 4096)]);
      return post('random bytes', seed, Buffer.from(rng.bytes(length)), OK_OR_BAD, rng);
    },
  ],
  [
    4,
    (rng, seed) => {
      const { signal, encoding, body } = seed;
      const headers = { 'Content-Type': MEDIA_TYPES[encoding] };
      const [method, path, statuses] = rng.pick([
        ['GET', pathOf(signal), [405]],
        ['PUT', pathOf(signal), [405]],
        ['POST', '/v1/spans', [404]],
        ['POST', `${pathOf(signal)}/`, [404]],
        ['POST', `${pathOf(signal)}?x=1`, OK],
      ] as const);
      return { kind: 'route', method, path, headers, body, statuses, signal, encoding, inflated: () => body };
    },
  ],
];

const TOTAL_WEIGHT = MUTATORS.reduce((sum, [weight]) => sum + weight, 0);

const otherEncoding = (seed: SeedBody): BodyEncoding => (seed.encoding === 'json' ? 'protobuf' : 'json');

/** The next fuzz case: a seed picked at random, mutated by a mutator picked by weight. */
export function fuzzCase(rng: Rng, seeds: readonly SeedBody[]): FuzzCase {
  let roll = rng.next() * TOTAL_WEIGHT;
  const seed = rng.pick(seeds);
  for (const [weight, mutate] of MUTATORS) {
    roll -= weight;
    if (roll < 0) return mutate(rng, seed, seeds);
  }
  return MUTATORS[0]![1](rng, seed, seeds);
}

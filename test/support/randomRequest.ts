/**
 * Seeded random trace requests for property tests: random ids (some invalid on purpose), nested AnyValues with every
 * type and awkward values (negative and > 2^53 integers, NaN, -0, astral characters, empty strings), events and links.
 * Also the rules that say what a decoder should return for such a request, and a byte-level injector of unknown fields.
 */
import type {
  AttributeMap,
  AttributeValue,
  InstrumentationScope,
  Resource,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
  TraceRequest,
} from '../../src/core/model';
import type { TraceDecodeResult } from '../../src/core/otlp/types';
import { varint } from './protoWriter';

/** mulberry32: small, fast and good enough to make varied test data reproducible from a seed. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = this.int(0, 255);
    return bytes;
  }

  hex(byteCount: number): string {
    return Buffer.from(this.bytes(byteCount)).toString('hex');
  }

  uint64(): bigint {
    return (BigInt(this.int(0, 0xffffffff)) << 32n) | BigInt(this.int(0, 0xffffffff));
  }
}

const KEYS = [
  'service.name',
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.input.messages',
  'mcp.method.name',
  'exception.stacktrace',
  '__proto__',
  'constructor',
  '',
];

/** Code point ranges: ASCII, Latin-1, Greek, CJK, and astral (emoji, math) so every UTF-8 length is exercised. */
const CODE_POINT_RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0xa0, 0xff],
  [0x391, 0x3c9],
  [0x4e00, 0x9fff],
  [0xe000, 0xfffd],
  [0x1f300, 0x1f64f],
  [0x1d400, 0x1d7ff],
];

/** Mostly short ASCII (the decoder's cached path), sometimes empty, long (> 48 bytes) or any Unicode. */
export function randomString(rng: Rng, maxLength = 24): string {
  if (rng.chance(0.1)) return '';
  const length = rng.chance(0.15) ? rng.int(49, 400) : rng.int(1, maxLength);
  const asciiOnly = rng.chance(0.6);
  let text = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = asciiOnly ? CODE_POINT_RANGES[0]! : rng.pick(CODE_POINT_RANGES);
    text += String.fromCodePoint(rng.int(low, high));
  }
  return text;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** An int64 as the model holds it: a number when safe, else a bigint. */
export function randomInt(rng: Rng): number | bigint {
  switch (rng.int(0, 7)) {
    case 0:
      return rng.int(0, 127);
    case 1:
      return rng.int(-1000, -1);
    case 2:
      return rng.pick([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0, 2 ** 32, -(2 ** 31), 2 ** 49 - 1, 2 ** 49]);
    case 3:
      return rng.pick([INT64_MIN, INT64_MAX, 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n]);
    case 4: {
      const value = BigInt.asIntN(64, rng.uint64());
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value;
    }
    default:
      return rng.int(-(2 ** 40), 2 ** 40);
  }
}

export function randomDouble(rng: Rng): number {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.pick([NaN, Infinity, -Infinity, -0, 0.1, 1e300, 2 ** 60, Number.MIN_VALUE]);
    case 1:
      return (rng.next() - 0.5) * 1e-10;
    default:
      return (rng.next() - 0.5) * 10 ** rng.int(0, 12);
  }
}

export function randomAnyValue(rng: Rng, depth = 0): AttributeValue {
  const kind = rng.int(0, depth < 3 ? 8 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
    case 2:
      return randomString(rng, 40);
    case 3:
      return rng.chance(0.5);
    case 4:
      return randomInt(rng);
    case 5:
      return randomDouble(rng);
    case 6:
      return rng.bytes(rng.int(0, 20));
    case 7:
      return Array.from({ length: rng.int(0, 4) }, () => randomAnyValue(rng, depth + 1));
    default:
      return randomAttributes(rng, 4, depth + 1);
  }
}

export function randomAttributes(rng: Rng, maxCount: number, depth = 0): AttributeMap {
  const attributes: AttributeMap = new Map();
  const count = rng.int(0, maxCount);
  for (let i = 0; i < count; i++) {
    const key = rng.chance(0.6) ? rng.pick(KEYS) : randomString(rng, 30);
    attributes.set(key, randomAnyValue(rng, depth));
  }
  return attributes;
}

export function randomCount(rng: Rng): number {
  return rng.chance(0.7) ? 0 : rng.pick([1, 7, 128, 0xffffffff, rng.int(0, 100000)]);
}

export function randomFlags(rng: Rng): number {
  return rng.pick([0, 0, 1, 0x100, 0x301, rng.int(0, 0xffffffff)]);
}

/** A trace id: usually valid, sometimes the wrong length or all zeros (which decoders must reject). */
function randomTraceId(rng: Rng, allowInvalid: boolean): string {
  if (allowInvalid && rng.chance(0.05)) return rng.pick(['', '00'.repeat(16), rng.hex(15), rng.hex(17)]);
  return rng.hex(16);
}

function randomSpanId(rng: Rng, allowInvalid: boolean): string {
  if (allowInvalid && rng.chance(0.05)) return rng.pick(['', '00'.repeat(8), rng.hex(4), rng.hex(16)]);
  return rng.hex(8);
}

/** A parent id as it may appear on the wire: absent, empty, all zeros (both mean no parent), valid, or bad. */
function randomParentId(rng: Rng, allowInvalid: boolean): string | undefined {
  const roll = rng.next();
  if (roll < 0.25) return undefined;
  if (roll < 0.3) return rng.pick(['', '00'.repeat(8)]);
  if (allowInvalid && roll < 0.33) return rng.hex(rng.pick([1, 7, 9, 16]));
  return rng.hex(8);
}

export function randomTime(rng: Rng): bigint {
  return rng.pick([0n, 1n, (1n << 64n) - 1n, 1_700_000_000_000_000_000n + BigInt(rng.int(0, 2 ** 40)), rng.uint64()]);
}

function randomEvent(rng: Rng): SpanEvent {
  return {
    timeUnixNano: randomTime(rng),
    name: randomString(rng),
    attributes: randomAttributes(rng, 3),
    droppedAttributesCount: randomCount(rng),
  };
}

function randomLink(rng: Rng): SpanLink {
  return {
    traceId: rng.chance(0.1) ? '' : rng.hex(16),
    spanId: rng.chance(0.1) ? '' : rng.hex(8),
    traceState: rng.chance(0.3) ? 'vendor=abc,other=1' : '',
    attributes: randomAttributes(rng, 2),
    droppedAttributesCount: randomCount(rng),
    flags: randomFlags(rng),
  };
}

function randomSpan(rng: Rng, resource: Resource, scope: InstrumentationScope, allowInvalid: boolean): Span {
  return {
    traceId: randomTraceId(rng, allowInvalid),
    spanId: randomSpanId(rng, allowInvalid),
    parentSpanId: randomParentId(rng, allowInvalid),
    traceState: rng.chance(0.2) ? 'rojo=00f067aa0ba902b7' : '',
    flags: randomFlags(rng),
    name: randomString(rng, 30),
    kind: rng.int(0, 5) as SpanKind,
    startTimeUnixNano: randomTime(rng),
    endTimeUnixNano: randomTime(rng),
    attributes: randomAttributes(rng, 8),
    droppedAttributesCount: randomCount(rng),
    events: Array.from({ length: rng.chance(0.5) ? 0 : rng.int(1, 3) }, () => randomEvent(rng)),
    droppedEventsCount: randomCount(rng),
    links: Array.from({ length: rng.chance(0.7) ? 0 : rng.int(1, 2) }, () => randomLink(rng)),
    droppedLinksCount: randomCount(rng),
    status: { code: rng.int(0, 2) as StatusCode, message: rng.chance(0.3) ? randomString(rng) : '' },
    resource,
    scope,
  };
}

export interface RandomRequestOptions {
  /** Whether some spans get invalid ids (default true). */
  invalidIds?: boolean;
  maxResourceSpans?: number;
  maxScopeSpans?: number;
  maxSpans?: number;
}

/**
 * A random request as it may be sent: span ids may be invalid and parent ids may be empty or all zeros, so it is
 * input for an encoder, not a decoder's output. `expectedDecode` says what decoding it must give.
 */
export function randomTraceRequest(rng: Rng, options: RandomRequestOptions = {}): TraceRequest {
  const allowInvalid = options.invalidIds ?? true;
  return {
    resourceSpans: Array.from({ length: rng.int(1, options.maxResourceSpans ?? 3) }, (): ResourceSpans => {
      const resource: Resource = { attributes: randomAttributes(rng, 5), droppedAttributesCount: randomCount(rng) };
      if (rng.chance(0.8)) resource.attributes.set('service.name', randomString(rng, 20));
      return {
        resource,
        schemaUrl: rng.chance(0.3) ? 'https://opentelemetry.io/schemas/1.26.0' : '',
        scopeSpans: Array.from({ length: rng.int(0, options.maxScopeSpans ?? 3) }, (): ScopeSpans => {
          const scope: InstrumentationScope = {
            name: rng.chance(0.8) ? randomString(rng, 20) : '',
            version: rng.chance(0.5) ? '1.2.3' : '',
            attributes: randomAttributes(rng, 2),
            droppedAttributesCount: randomCount(rng),
          };
          return {
            scope,
            schemaUrl: rng.chance(0.2) ? 'https://opentelemetry.io/schemas/1.27.0' : '',
            spans: Array.from({ length: rng.int(0, options.maxSpans ?? 6) }, () =>
              randomSpan(rng, resource, scope, allowInvalid),
            ),
          };
        }),
      };
    }),
  };
}

/** The acceptance rule, written independently of the decoders: valid own ids, parent absent or 8 bytes. */
export function isAcceptedSpan(traceId: string, spanId: string, parentSpanId: string | undefined): boolean {
  const nonZero = (hex: string) => /[^0]/.test(hex);
  return (
    traceId.length === 32 &&
    nonZero(traceId) &&
    spanId.length === 16 &&
    nonZero(spanId) &&
    (parentSpanId === undefined || parentSpanId.length === 0 || parentSpanId.length === 16)
  );
}

export function expectedRejectionMessage(rejectedSpans: number): string | undefined {
  if (rejectedSpans === 0) return undefined;
  return `${rejectedSpans} ${rejectedSpans === 1 ? 'span' : 'spans'} rejected: invalid trace_id or span_id`;
}

/** What decoding `request` (as produced by `randomTraceRequest`) must return. */
export function expectedDecode(request: TraceRequest): TraceDecodeResult {
  let rejectedSpans = 0;
  const resourceSpans = request.resourceSpans.map((resourceSpans) => ({
    ...resourceSpans,
    scopeSpans: resourceSpans.scopeSpans.map((scopeSpans) => ({
      ...scopeSpans,
      spans: scopeSpans.spans.flatMap((span) => {
        if (!isAcceptedSpan(span.traceId, span.spanId, span.parentSpanId)) {
          rejectedSpans++;
          return [];
        }
        const parent = span.parentSpanId;
        return [{ ...span, parentSpanId: parent === undefined || /^0*$/.test(parent) ? undefined : parent }];
      }),
    })),
  }));
  return { request: { resourceSpans }, rejectedSpans, rejectionMessage: expectedRejectionMessage(rejectedSpans) };
}

// Unknown-field injection: rewrites protobuf bytes, adding fields no OTLP message defines at random places in every
// message (recursing into the known sub-message fields below) and fixing up the enclosing lengths.

type MessageName =
  | 'request'
  | 'resourceSpans'
  | 'resource'
  | 'scopeSpans'
  | 'scope'
  | 'span'
  | 'event'
  | 'link'
  | 'status'
  | 'keyValue'
  | 'anyValue'
  | 'arrayValue'
  | 'keyValueList';

/** For each message, its length-delimited fields that hold messages. */
const SUB_MESSAGES: Record<MessageName, Partial<Record<number, MessageName>>> = {
  request: { 1: 'resourceSpans' },
  resourceSpans: { 1: 'resource', 2: 'scopeSpans' },
  resource: { 1: 'keyValue' },
  scopeSpans: { 1: 'scope', 2: 'span' },
  scope: { 3: 'keyValue' },
  span: { 9: 'keyValue', 11: 'event', 13: 'link', 15: 'status' },
  event: { 3: 'keyValue' },
  link: { 4: 'keyValue' },
  status: {},
  keyValue: { 2: 'anyValue' },
  anyValue: { 5: 'arrayValue', 6: 'keyValueList' },
  arrayValue: { 1: 'anyValue' },
  keyValueList: { 1: 'keyValue' },
};

function readVarint(bytes: Uint8Array, offset: number): [value: bigint, next: number] {
  let value = 0n;
  let shift = 0n;
  let pos = offset;
  for (;;) {
    const byte = bytes[pos++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [value, pos];
    shift += 7n;
  }
}

function randomUnknownField(rng: Rng): number[] {
  const field = BigInt(rng.pick([17, 99, 1000, 2047, 536870911]));
  const wireType = rng.pick([0, 1, 2, 3, 5]);
  const tag = varint((field << 3n) | BigInt(wireType));
  switch (wireType) {
    case 0:
      return [...tag, ...varint(rng.pick([0n, 1n, 300n, (1n << 64n) - 1n]))];
    case 1:
      return [...tag, ...rng.bytes(8)];
    case 2: {
      const content = rng.bytes(rng.int(0, 12));
      return [...tag, ...varint(BigInt(content.length)), ...content];
    }
    case 3:
      // A group holding one varint field, closed by the matching end tag.
      return [...tag, ...varint((5n << 3n) | 0n), 42, ...varint((field << 3n) | 4n)];
    default:
      return [...tag, ...rng.bytes(4)];
  }
}

function append(out: number[], items: ArrayLike<number>): void {
  for (let i = 0; i < items.length; i++) out.push(items[i]!);
}

/** For each message of a request type, its length-delimited fields that hold messages (by message name). */
export type MessageSchema = Readonly<Record<string, Partial<Record<number, string>>>>;

function rewriteMessage(
  bytes: Uint8Array,
  start: number,
  end: number,
  message: string,
  rng: Rng,
  schema: MessageSchema,
): number[] {
  const out: number[] = [];
  let pos = start;
  while (pos < end) {
    if (rng.chance(0.3)) append(out, randomUnknownField(rng));
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(bytes, pos);
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    pos = afterTag;
    if (wireType === 0) pos = readVarint(bytes, pos)[1];
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const [length, contentStart] = readVarint(bytes, pos);
      const contentEnd = contentStart + Number(length);
      const subMessage = schema[message]?.[field];
      if (subMessage) {
        const content = rewriteMessage(bytes, contentStart, contentEnd, subMessage, rng, schema);
        append(out, bytes.subarray(fieldStart, afterTag));
        append(out, varint(BigInt(content.length)));
        append(out, content);
        pos = contentEnd;
        continue;
      }
      pos = contentEnd;
    } else throw new Error(`unexpected wire type ${wireType} in test input`);
    append(out, bytes.subarray(fieldStart, pos));
  }
  if (rng.chance(0.3)) append(out, randomUnknownField(rng));
  return out;
}

/**
 * `bytes` (an ExportTraceServiceRequest, or with `schema` another request whose root message is `request`) with
 * unknown fields of every wire type added throughout.
 */
export function injectUnknownFields(bytes: Uint8Array, rng: Rng, schema: MessageSchema = SUB_MESSAGES): Uint8Array {
  return Uint8Array.from(rewriteMessage(bytes, 0, bytes.length, 'request', rng, schema));
}

/**
 * OTLP/protobuf trace decoding straight from the wire format into the span model, and the two small response encoders.
 *
 * Hand-written rather than generated: a generic decoder builds one object per message (KeyValue, AnyValue, Long, id
 * Buffers) that would be thrown away again when normalising. Reading fields into locals and building the final objects
 * once is faster than protobufjs's decode alone (bench/decode.bench.ts). Fields are matched on the full tag (field
 * number and wire type), so a known field with an unexpected wire type is skipped like an unknown one, as protoc's
 * parsers do.
 */
import { SPAN_ID_BYTES as SPAN_ID_SIZE, TRACE_ID_BYTES as TRACE_ID_SIZE } from '../../shared/ids';
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
} from '../model';
import { OtlpDecodeError, type PartialSuccess, type TraceDecodeResult } from './types';
import { rejectionMessage } from './wire';

/**
 * Module constants rather than the imports themselves: compiled to CommonJS (tsx, the tests, the benchmark), every
 * use of an imported binding is a getter call, which the per-span id checks would pay each time.
 */
const TRACE_ID_BYTES = TRACE_ID_SIZE;
const SPAN_ID_BYTES = SPAN_ID_SIZE;

/** Arrays and kvlists inside an AnyValue (and unknown groups) may nest this deep; deeper input is hostile, not telemetry. */
const MAX_NESTING = 64;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
const WIRE_FIXED32 = 5;

/** Lowercase hex of every byte value, so an id costs 8 or 16 table lookups. */
const BYTE_TO_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Offsets into a StringCache entry. */
const ENTRY_LENGTH = 0;
const ENTRY_LAST_WORD = 1;
const ENTRY_HIT = 2;
const ENTRY_WORDS = 3;

/**
 * A direct-mapped cache of short strings by their bytes. Attribute keys and many values ("chat", model names) repeat
 * across spans and requests; a hit costs a hash of three words and a comparison 4 bytes at a time (against a copy of
 * the bytes, not the string's chars, which V8 reads slowly) instead of allocating a string and, for a Map key,
 * hashing it again. A one-off string (a call id, a session id) that lands on an entry hit since it was cached does not
 * replace it at once, only on the next miss there: unique values, a few in every span, would otherwise keep evicting
 * the repeating ones.
 */
class StringCache {
  private readonly strings: string[];
  /**
   * Per entry, side by side so that a lookup touches one or two cache lines: its byte length (-1 when empty), its
   * last 4 bytes (its bytes packed, when shorter, so that no byte goes uncompared), 1 when it was hit since it was
   * cached or last spared, then its bytes as little-endian words.
   */
  private readonly entries: Int32Array;
  private readonly stride: number;

  constructor(
    private readonly mask: number,
    private readonly maxBytes: number,
  ) {
    this.strings = new Array<string>(mask + 1).fill('');
    this.stride = ENTRY_WORDS + (maxBytes >> 2);
    this.entries = new Int32Array((mask + 1) * this.stride);
    for (let slot = 0; slot <= mask; slot++) this.entries[slot * this.stride + ENTRY_LENGTH] = -1;
  }

  get(buf: Buffer, view: DataView, start: number, end: number): string {
    const length = end - start;
    if (length > this.maxBytes) return utf8(buf, start, end);
    if (length === 0) return '';
    const fullWords = length >> 2;
    const lastWord = length >= 4 ? view.getInt32(end - 4, true) : packBytes(buf, start, end);
    // First, middle and last word: keys share prefixes ("gen_ai.") and often a length and last letter too
    // ("gen_ai.tool.name" and "gen_ai.tool.type"), which a few bytes alone would hash alike.
    const hash =
      length >= 4
        ? Math.imul(lastWord ^ Math.imul(view.getInt32(start, true) ^ length, 0x85ebca6b), 0x9e3779b1) ^
          Math.imul(view.getInt32(start + ((length - 4) >> 1), true), 0xc2b2ae35)
        : Math.imul(lastWord ^ (length << 24), 0x9e3779b1);
    const slot = (hash >>> 16) & this.mask;
    const entries = this.entries;
    const base = slot * this.stride;
    if (entries[base + ENTRY_LENGTH] === length && entries[base + ENTRY_LAST_WORD] === lastWord) {
      let i = 0;
      while (i < fullWords && view.getInt32(start + 4 * i, true) === entries[base + ENTRY_WORDS + i]) i++;
      if (i === fullWords) {
        entries[base + ENTRY_HIT] = 1;
        return this.strings[slot]!;
      }
    }
    const decoded = utf8(buf, start, end);
    if (entries[base + ENTRY_HIT] === 1) {
      entries[base + ENTRY_HIT] = 0;
      return decoded;
    }
    this.strings[slot] = decoded;
    entries[base + ENTRY_LENGTH] = length;
    entries[base + ENTRY_LAST_WORD] = lastWord;
    for (let i = 0; i < fullWords; i++) entries[base + ENTRY_WORDS + i] = view.getInt32(start + 4 * i, true);
    return decoded;
  }
}

function packBytes(buf: Buffer, start: number, end: number): number {
  let packed = 0;
  for (let i = start; i < end; i++) packed = (packed << 8) | buf[i]!;
  return packed;
}

/**
 * Buffer's utf8Slice is what `toString('utf8', start, end)` ends in, minus its argument handling, which costs more
 * than decoding a short string. Undocumented but stable for a decade; protobufjs relies on it too.
 */
interface BufferInternals {
  utf8Slice(start: number, end: number): string;
}
const hasUtf8Slice = typeof (Buffer.prototype as Partial<BufferInternals>).utf8Slice === 'function';

/** Node's UTF-8 decoding: invalid sequences become U+FFFD, as with TextDecoder. */
function utf8(buf: Buffer, start: number, end: number): string {
  return hasUtf8Slice ? (buf as unknown as BufferInternals).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

const keyCache = new StringCache(1023, 64);
const valueCache = new StringCache(4095, 32);

/**
 * Ids repeat within a request: every span of a trace has its trace id, and a parent id is another span's id. A
 * direct-mapped cache by the id's bytes returns the same string again instead of building the hex anew.
 */
class IdCache {
  private readonly strings: string[];
  private readonly words: Int32Array;
  private readonly wordsPerId: number;

  constructor(
    private readonly mask: number,
    idBytes: number,
  ) {
    this.strings = new Array<string>(mask + 1).fill('');
    this.wordsPerId = idBytes >> 2;
    this.words = new Int32Array((mask + 1) * this.wordsPerId);
  }

  /** The hex of the id at `buf[start]`, whose length is the cache's id size. */
  get(buf: Buffer, view: DataView, start: number): string {
    const wordsPerId = this.wordsPerId;
    const end = start + 4 * wordsPerId;
    // Random ids are random in their last bytes (some generators put a timestamp first).
    const slot = (buf[end - 1]! | (buf[end - 2]! << 8)) & this.mask;
    const words = this.words;
    const base = slot * wordsPerId;
    let i = 0;
    while (i < wordsPerId && view.getInt32(start + 4 * i, true) === words[base + i]) i++;
    const cached = this.strings[slot]!;
    if (i === wordsPerId && cached !== '') return cached;
    for (i = 0; i < wordsPerId; i++) words[base + i] = view.getInt32(start + 4 * i, true);
    const hex = hexOf(buf, start, end);
    this.strings[slot] = hex;
    return hex;
  }
}

function hexOf(buf: Buffer, start: number, end: number): string {
  if (end - start === SPAN_ID_BYTES) return spanIdHex(buf, start);
  // Two halves instead of 16 appends: each log record of an uncorrelated batch can bring a trace id not seen yet.
  if (end - start === TRACE_ID_BYTES) return spanIdHex(buf, start) + spanIdHex(buf, start + SPAN_ID_BYTES);
  let hex = '';
  for (let i = start; i < end; i++) hex += BYTE_TO_HEX[buf[i]!];
  return hex;
}

/** Char codes of the lowercase hex digits. */
const HEX_DIGIT_CODES = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/**
 * Every span brings a new span id. One fromCharCode builds its hex as one string, where appending byte by byte
 * allocates seven intermediate ones.
 */
function spanIdHex(buf: Buffer, start: number): string {
  const d = HEX_DIGIT_CODES;
  const b0 = buf[start]!;
  const b1 = buf[start + 1]!;
  const b2 = buf[start + 2]!;
  const b3 = buf[start + 3]!;
  const b4 = buf[start + 4]!;
  const b5 = buf[start + 5]!;
  const b6 = buf[start + 6]!;
  const b7 = buf[start + 7]!;
  // prettier-ignore
  return String.fromCharCode(
    d[b0 >> 4]!, d[b0 & 15]!, d[b1 >> 4]!, d[b1 & 15]!, d[b2 >> 4]!, d[b2 & 15]!, d[b3 >> 4]!, d[b3 & 15]!,
    d[b4 >> 4]!, d[b4 & 15]!, d[b5 >> 4]!, d[b5 & 15]!, d[b6 >> 4]!, d[b6 & 15]!, d[b7 >> 4]!, d[b7 & 15]!,
  );
}

const traceIdCache = new IdCache(1023, TRACE_ID_BYTES);
const spanIdCache = new IdCache(4095, SPAN_ID_BYTES);

/**
 * The wire reads and the messages every OTLP signal shares (Resource, InstrumentationScope, KeyValue, AnyValue); one
 * subclass per request type reads the rest. `pos` is the only moving state; every read is bounded by the end of the
 * message that contains it, so a length that overruns its parent is caught where it is read.
 */
export abstract class OtlpProtoReader {
  protected pos = 0;
  protected readonly view: DataView;

  /** @param messageName the request type, for error messages. */
  constructor(
    protected readonly buf: Buffer,
    private readonly messageName: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  protected malformed(problem: string, offset: number): OtlpDecodeError {
    return new OtlpDecodeError(`Invalid OTLP protobuf ${this.messageName}: ${problem} at byte ${offset}`);
  }

  /**
   * Fills the Resource in place because spans decoded before it (fields may come in any order) already share it. A
   * repeated resource field replaces the earlier one, as in protobufjs.
   */
  protected resource(end: number, resource: Resource): void {
    resource.attributes.clear();
    resource.droppedAttributesCount = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) this.keyValue(this.messageEnd(end), resource.attributes, 0);
      else if (tag === 16) resource.droppedAttributesCount = this.varint32(end);
      else this.skip(tag, end);
    }
  }

  protected scope(end: number, scope: InstrumentationScope): void {
    scope.name = '';
    scope.version = '';
    scope.attributes.clear();
    scope.droppedAttributesCount = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) scope.name = this.string(end);
      else if (tag === 18) scope.version = this.string(end);
      else if (tag === 26) this.keyValue(this.messageEnd(end), scope.attributes, 0);
      else if (tag === 32) scope.droppedAttributesCount = this.varint32(end);
      else this.skip(tag, end);
    }
  }

  /** A KeyValue into `map`; a repeated key keeps the last value, as a JSON object would. */
  protected keyValue(end: number, map: AttributeMap, depth: number): void {
    let key = '';
    let value: AttributeValue = null;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) key = this.key(end);
      else if (tag === 18) value = this.anyValue(this.messageEnd(end), depth);
      else this.skip(tag, end);
    }
    map.set(key, value);
  }

  /** An AnyValue; the last member of the oneof on the wire wins, and none at all is null. */
  protected anyValue(end: number, depth: number): AttributeValue {
    let value: AttributeValue = null;
    // The scalar members, which nearly every attribute is, here; the rest out of line, so that this stays small
    // enough to be inlined into keyValue.
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) value = this.string(end);
      else if (tag === 24) value = this.int64(end);
      else if (tag === 33) value = this.float64(end);
      else if (tag === 16) value = this.bool(end);
      else value = this.otherValue(tag, end, depth, value);
    }
    return value;
  }

  /** An array, kvlist or bytes member, or else the value read so far with the unknown field skipped. */
  protected otherValue(tag: number, end: number, depth: number, value: AttributeValue): AttributeValue {
    switch (tag) {
      case 42:
        return this.arrayValue(this.messageEnd(end), depth + 1);
      case 50:
        return this.keyValueList(this.messageEnd(end), depth + 1);
      case 58:
        return this.bytes(end);
      default:
        this.skip(tag, end);
        return value;
    }
  }

  protected arrayValue(end: number, depth: number): AttributeValue[] {
    if (depth > MAX_NESTING) throw this.malformed(`AnyValue nested deeper than ${MAX_NESTING} levels`, this.pos);
    const values: AttributeValue[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) values.push(this.anyValue(this.messageEnd(end), depth));
      else this.skip(tag, end);
    }
    return values;
  }

  protected keyValueList(end: number, depth: number): AttributeMap {
    if (depth > MAX_NESTING) throw this.malformed(`AnyValue nested deeper than ${MAX_NESTING} levels`, this.pos);
    const map: AttributeMap = new Map();
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) this.keyValue(this.messageEnd(end), map, depth);
      else this.skip(tag, end);
    }
    return map;
  }

  // Wire-level reads. Each takes the end of the enclosing message and advances `pos`.

  /** Known tags are matched by the callers; anything else, including the invalid field 0, goes to `skip`. */
  protected tag(end: number): number {
    return this.varint32(end);
  }

  /** Where the tag just read started, for error messages (tags are written in their shortest form). */
  protected tagStart(tag: number): number {
    let size = 1;
    for (let rest = tag >>> 7; rest !== 0; rest >>>= 7) size++;
    return this.pos - size;
  }

  /**
   * A varint's low 32 bits, unsigned (`| 0` gives int32). Values longer than 32 bits are legal and truncated, as in protoc.
   * Tags and most lengths are one byte: that case is kept small enough to be inlined at every call.
   */
  protected varint32(end: number): number {
    const pos = this.pos;
    if (pos < end) {
      const byte = this.buf[pos]!;
      if (byte < 0x80) {
        this.pos = pos + 1;
        return byte;
      }
    }
    return this.varint32Long(end);
  }

  protected varint32Long(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw this.malformed('truncated varint', pos);
    let byte = buf[pos++]!;
    let value = byte & 0x7f;
    let scale = 0x80;
    for (let count = 1; count < 10; count++) {
      if (pos >= end) throw this.malformed('truncated varint', this.pos);
      byte = buf[pos++]!;
      if (count < 5) value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return value > 0xffffffff ? value % 0x100000000 : value;
      }
      scale *= 0x80;
    }
    throw this.malformed('varint longer than 10 bytes', this.pos);
  }

  /** int64 as a number when it is a safe integer, else a bigint. Up to 7 bytes (49 bits) needs no 64-bit arithmetic. */
  protected int64(end: number): number | bigint {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    let scale = 1;
    for (let count = 0; count < 7; count++) {
      if (pos >= end) throw this.malformed('truncated varint', this.pos);
      const byte = buf[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return value;
      }
      scale *= 0x80;
    }
    return this.int64Wide(end);
  }

  /** The general int64 varint as two's complement halves (negative numbers always take 10 bytes). */
  protected int64Wide(end: number): number | bigint {
    const buf = this.buf;
    let pos = this.pos;
    let low = 0;
    let high = 0;
    for (let count = 0; count < 10; count++) {
      if (pos >= end) throw this.malformed('truncated varint', this.pos);
      const bits = buf[pos]! & 0x7f;
      if (count < 4) low |= bits << (7 * count);
      else if (count === 4) {
        low |= bits << 28;
        high = bits >>> 4;
      } else high |= bits << (7 * count - 32);
      if (buf[pos++]! < 0x80) {
        this.pos = pos;
        // Exact whenever the true value is a safe integer; otherwise it lands outside the safe range and bigint is used.
        const value = (high | 0) * 0x100000000 + (low >>> 0);
        if (Number.isSafeInteger(value)) return value;
        return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
      }
    }
    throw this.malformed('varint longer than 10 bytes', this.pos);
  }

  protected bool(end: number): boolean {
    const buf = this.buf;
    let pos = this.pos;
    let bits = 0;
    for (let count = 0; count < 10; count++) {
      if (pos >= end) throw this.malformed('truncated varint', this.pos);
      const byte = buf[pos++]!;
      bits |= byte & 0x7f;
      if (byte < 0x80) {
        this.pos = pos;
        return bits !== 0;
      }
    }
    throw this.malformed('varint longer than 10 bytes', this.pos);
  }

  protected fixed64(end: number): bigint {
    const pos = this.advance(8, end);
    return this.view.getBigUint64(pos, true);
  }

  protected fixed32(end: number): number {
    const pos = this.advance(4, end);
    return this.view.getUint32(pos, true);
  }

  protected float64(end: number): number {
    const pos = this.advance(8, end);
    return this.view.getFloat64(pos, true);
  }

  /** Moves past `size` bytes and returns where they start. */
  protected advance(size: number, end: number): number {
    const pos = this.pos;
    if (pos + size > end) throw this.malformed(`truncated ${size}-byte field`, pos);
    this.pos = pos + size;
    return pos;
  }

  /** Reads a length prefix and returns where the length-delimited content ends; `pos` is left at its start. */
  protected messageEnd(end: number): number {
    const length = this.varint32(end);
    const contentEnd = this.pos + length;
    if (contentEnd > end) {
      throw this.malformed(
        `length ${length} runs past the end of its message (${end - this.pos} bytes left)`,
        this.pos,
      );
    }
    return contentEnd;
  }

  protected string(end: number): string {
    const contentEnd = this.messageEnd(end);
    const start = this.pos;
    this.pos = contentEnd;
    return valueCache.get(this.buf, this.view, start, contentEnd);
  }

  protected key(end: number): string {
    const contentEnd = this.messageEnd(end);
    const start = this.pos;
    this.pos = contentEnd;
    return keyCache.get(this.buf, this.view, start, contentEnd);
  }

  /** A copy, so that a stored attribute does not keep the whole request body alive. */
  protected bytes(end: number): Uint8Array {
    const contentEnd = this.messageEnd(end);
    const copy = new Uint8Array(contentEnd - this.pos);
    copy.set(this.buf.subarray(this.pos, contentEnd));
    this.pos = contentEnd;
    return copy;
  }

  /** Lowercase hex of the bytes from `pos` to `end`. */
  protected id(end: number): string {
    const start = this.pos;
    this.pos = end;
    const length = end - start;
    if (length === TRACE_ID_BYTES) return traceIdCache.get(this.buf, this.view, start);
    if (length === SPAN_ID_BYTES) return spanIdCache.get(this.buf, this.view, start);
    return hexOf(this.buf, start, end);
  }

  /** Whether the id from `pos` to `end` has `size` bytes and is not all zeros. Leaves `pos` alone. */
  protected isValidId(end: number, size: number): boolean {
    if (end - this.pos !== size) return false;
    const buf = this.buf;
    for (let i = this.pos; i < end; i++) if (buf[i] !== 0) return true;
    return false;
  }

  protected skip(tag: number, end: number): void {
    if (tag >>> 3 === 0) throw this.malformed('invalid field number 0', this.tagStart(tag));
    switch (tag & 7) {
      case WIRE_VARINT:
        this.bool(end); // reads any varint of up to 10 bytes
        return;
      case WIRE_FIXED64:
        this.advance(8, end);
        return;
      case WIRE_LENGTH:
        this.pos = this.messageEnd(end);
        return;
      case WIRE_FIXED32:
        this.advance(4, end);
        return;
      case WIRE_START_GROUP:
        this.skipGroup(tag >>> 3, end, 1);
        return;
      case WIRE_END_GROUP:
        throw this.malformed(`end of group ${tag >>> 3} without a start`, this.tagStart(tag));
      default:
        throw this.malformed(`invalid wire type ${tag & 7} (field ${tag >>> 3})`, this.tagStart(tag));
    }
  }

  /** Skips a (deprecated, but still legal) group up to its matching end tag. */
  protected skipGroup(field: number, end: number, depth: number): void {
    if (depth > MAX_NESTING) throw this.malformed(`groups nested deeper than ${MAX_NESTING} levels`, this.pos);
    for (;;) {
      const tag = this.tag(end);
      const wireType = tag & 7;
      if (wireType === WIRE_END_GROUP) {
        if (tag >>> 3 !== field)
          throw this.malformed(`group ${field} ended by the end tag of ${tag >>> 3}`, this.tagStart(tag));
        return;
      }
      if (wireType === WIRE_START_GROUP) this.skipGroup(tag >>> 3, end, depth + 1);
      else this.skip(tag, end);
    }
  }
}

/** One decode pass over one `ExportTraceServiceRequest`. */
class TraceRequestReader extends OtlpProtoReader {
  rejectedSpans = 0;

  constructor(buf: Buffer) {
    super(buf, 'ExportTraceServiceRequest');
  }

  request(): TraceRequest {
    const end = this.buf.length;
    const resourceSpans: ResourceSpans[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) resourceSpans.push(this.resourceSpans(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return { resourceSpans };
  }

  private resourceSpans(end: number): ResourceSpans {
    const resource: Resource = { attributes: new Map(), droppedAttributesCount: 0 };
    const scopeSpans: ScopeSpans[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) this.resource(this.messageEnd(end), resource);
      else if (tag === 18) scopeSpans.push(this.scopeSpans(this.messageEnd(end), resource));
      else if (tag === 26) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { resource, schemaUrl, scopeSpans };
  }

  private scopeSpans(end: number, resource: Resource): ScopeSpans {
    const scope: InstrumentationScope = { name: '', version: '', attributes: new Map(), droppedAttributesCount: 0 };
    const spans: Span[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 18) {
        const span = this.span(this.messageEnd(end), resource, scope);
        if (span) spans.push(span);
      } else if (tag === 10) this.scope(this.messageEnd(end), scope);
      else if (tag === 26) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { scope, schemaUrl, spans };
  }

  /** Undefined when the span's ids are invalid: it is counted in `rejectedSpans` instead. */
  private span(end: number, resource: Resource, scope: InstrumentationScope): Span | undefined {
    let traceId = '';
    let spanId = '';
    let parentSpanId: string | undefined;
    let traceIdValid = false;
    let spanIdValid = false;
    let parentIdValid = true;
    let traceState = '';
    let flags = 0;
    let name = '';
    let kind = 0;
    let startTimeUnixNano = 0n;
    let endTimeUnixNano = 0n;
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    const events: SpanEvent[] = [];
    let droppedEventsCount = 0;
    const links: SpanLink[] = [];
    let droppedLinksCount = 0;
    let statusCode = 0;
    let statusMessage = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      switch (tag) {
        case 74:
          this.keyValue(this.messageEnd(end), attributes, 0);
          break;
        case 10: {
          const idEnd = this.messageEnd(end);
          traceIdValid = this.isValidId(idEnd, TRACE_ID_BYTES);
          traceId = this.id(idEnd);
          break;
        }
        case 18: {
          const idEnd = this.messageEnd(end);
          spanIdValid = this.isValidId(idEnd, SPAN_ID_BYTES);
          spanId = this.id(idEnd);
          break;
        }
        case 34: {
          // An empty or all-zero parent id both mean "no parent": the zero id is W3C's "invalid id".
          const idEnd = this.messageEnd(end);
          const length = idEnd - this.pos;
          parentIdValid = length === 0 || length === SPAN_ID_BYTES;
          if (length === 0 || (length === SPAN_ID_BYTES && !this.isValidId(idEnd, SPAN_ID_BYTES))) {
            parentSpanId = undefined;
            this.pos = idEnd;
          } else {
            parentSpanId = this.id(idEnd);
          }
          break;
        }
        case 26:
          traceState = this.string(end);
          break;
        case 42:
          name = this.string(end);
          break;
        case 48:
          kind = this.varint32(end) | 0;
          break;
        case 57:
          startTimeUnixNano = this.fixed64(end);
          break;
        case 65:
          endTimeUnixNano = this.fixed64(end);
          break;
        case 80:
          droppedAttributesCount = this.varint32(end);
          break;
        case 90:
          events.push(this.event(this.messageEnd(end)));
          break;
        case 96:
          droppedEventsCount = this.varint32(end);
          break;
        case 106:
          links.push(this.link(this.messageEnd(end)));
          break;
        case 112:
          droppedLinksCount = this.varint32(end);
          break;
        case 122: {
          const statusEnd = this.messageEnd(end);
          statusCode = 0;
          statusMessage = '';
          while (this.pos < statusEnd) {
            const statusTag = this.tag(statusEnd);
            if (statusTag === 24) statusCode = this.varint32(statusEnd) | 0;
            else if (statusTag === 18) statusMessage = this.string(statusEnd);
            else this.skip(statusTag, statusEnd);
          }
          break;
        }
        case 133:
          flags = this.fixed32(end);
          break;
        default:
          this.skip(tag, end);
      }
    }
    if (!traceIdValid || !spanIdValid || !parentIdValid) {
      this.rejectedSpans++;
      return undefined;
    }
    return {
      traceId,
      spanId,
      parentSpanId,
      traceState,
      flags,
      name,
      kind: kind as SpanKind,
      startTimeUnixNano,
      endTimeUnixNano,
      attributes,
      droppedAttributesCount,
      events,
      droppedEventsCount,
      links,
      droppedLinksCount,
      status: { code: statusCode as StatusCode, message: statusMessage },
      resource,
      scope,
    };
  }

  private event(end: number): SpanEvent {
    let timeUnixNano = 0n;
    let name = '';
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 26) this.keyValue(this.messageEnd(end), attributes, 0);
      else if (tag === 9) timeUnixNano = this.fixed64(end);
      else if (tag === 18) name = this.string(end);
      else if (tag === 32) droppedAttributesCount = this.varint32(end);
      else this.skip(tag, end);
    }
    return { timeUnixNano, name, attributes, droppedAttributesCount };
  }

  private link(end: number): SpanLink {
    let traceId = '';
    let spanId = '';
    let traceState = '';
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    let flags = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) traceId = this.id(this.messageEnd(end));
      else if (tag === 18) spanId = this.id(this.messageEnd(end));
      else if (tag === 26) traceState = this.string(end);
      else if (tag === 34) this.keyValue(this.messageEnd(end), attributes, 0);
      else if (tag === 40) droppedAttributesCount = this.varint32(end);
      else if (tag === 53) flags = this.fixed32(end);
      else this.skip(tag, end);
    }
    return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
  }
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes an `ExportTraceServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeTraceRequestProto(bytes: Uint8Array): TraceDecodeResult {
  const reader = new TraceRequestReader(asBuffer(bytes));
  const request = reader.request();
  return { request, rejectedSpans: reader.rejectedSpans, rejectionMessage: rejectionMessage(reader.rejectedSpans) };
}

// Encoding: two tiny messages, written field by field.

function varintBytes(value: number): number[] {
  // int32/int64 negatives are 10-byte two's complement varints.
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

function lengthDelimited(fieldNumber: number, content: Uint8Array | number[]): number[] {
  return [...varintBytes((fieldNumber << 3) | WIRE_LENGTH), ...varintBytes(content.length), ...content];
}

function varintField(fieldNumber: number, value: number): number[] {
  return [...varintBytes((fieldNumber << 3) | WIRE_VARINT), ...varintBytes(value)];
}

const encoder = new TextEncoder();

/** `Export*ServiceResponse` of any signal: empty on full success, else `partial_success {rejected, error_message}`. */
export function encodeExportResponseProto(partial?: PartialSuccess): Uint8Array {
  if (!partial) return new Uint8Array(0);
  const partialSuccess = [
    ...(partial.rejectedSpans !== 0 ? varintField(1, partial.rejectedSpans) : []),
    ...(partial.errorMessage !== '' ? lengthDelimited(2, encoder.encode(partial.errorMessage)) : []),
  ];
  return Uint8Array.from(lengthDelimited(1, partialSuccess));
}

/** `google.rpc.Status {code, message}`, the body of an OTLP/HTTP error response. */
export function encodeStatusProto(code: number, message: string): Uint8Array {
  return Uint8Array.from([
    ...(code !== 0 ? varintField(1, code) : []),
    ...(message !== '' ? lengthDelimited(2, encoder.encode(message)) : []),
  ]);
}

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * `google.rpc.Status {code, message, details: [RetryInfo {retry_delay}]}`, sent by an OTLP/gRPC receiver as
 * `grpc-status-details-bin`: how long the exporter should wait before it retries (OTLP spec, "Failures").
 */
export function encodeRetryStatusProto(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  const retryInfo = lengthDelimited(1, varintField(1, retryDelaySeconds)); // retry_delay: Duration {seconds}
  const detail = [...lengthDelimited(1, encoder.encode(RETRY_INFO_TYPE_URL)), ...lengthDelimited(2, retryInfo)];
  return Uint8Array.from([...encodeStatusProto(code, message), ...lengthDelimited(3, detail)]);
}

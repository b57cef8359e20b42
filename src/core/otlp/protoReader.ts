/**
 * The OTLP/protobuf wire reader every signal's decoder builds on (traceProtobuf.ts, logsProtobuf.ts,
 * metricsProtobuf.ts): varints, fixed-size and length-delimited fields, and the messages all signals share.
 *
 * Hand-written rather than generated: a generic decoder builds one object per message (KeyValue, AnyValue, Long, id
 * Buffers) that would be thrown away again when normalising. Reading fields into locals and building the final objects
 * once is faster than protobufjs's decode alone (bench/decode.bench.ts). Fields are matched on the full tag (field
 * number and wire type), so a known field with an unexpected wire type is skipped like an unknown one, as protoc's
 * parsers do.
 *
 * What the loops compare with (field tags, id sizes) are module constants of the file that uses them: compiled to
 * CommonJS (tsx, the tests, the benchmark), every use of an imported binding is a getter call, which a loop would pay
 * on every field.
 */
import * as ids from '../../shared/ids';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../model';
import { hexOf, IdCache, StringCache } from './protoCaches';
import { OtlpDecodeError } from './types';

const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;

/** Arrays and kvlists inside an AnyValue (and unknown groups) may nest this deep; deeper input is hostile, not telemetry. */
const MAX_NESTING = 64;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** A field's tag as it is on the wire: its number and wire type in one varint (one byte up to field 15). */
export function fieldTag(fieldNumber: number, wireType: number): number {
  return (fieldNumber << 3) | wireType;
}

// opentelemetry/proto/resource/v1/resource.proto
const RESOURCE_ATTRIBUTES = fieldTag(1, WIRE_LENGTH); // repeated KeyValue
const RESOURCE_DROPPED_ATTRIBUTES_COUNT = fieldTag(2, WIRE_VARINT);
// opentelemetry/proto/common/v1/common.proto
const SCOPE_NAME = fieldTag(1, WIRE_LENGTH);
const SCOPE_VERSION = fieldTag(2, WIRE_LENGTH);
const SCOPE_ATTRIBUTES = fieldTag(3, WIRE_LENGTH); // repeated KeyValue
const SCOPE_DROPPED_ATTRIBUTES_COUNT = fieldTag(4, WIRE_VARINT);
const KEY_VALUE_KEY = fieldTag(1, WIRE_LENGTH);
const KEY_VALUE_VALUE = fieldTag(2, WIRE_LENGTH); // AnyValue
const ANY_STRING = fieldTag(1, WIRE_LENGTH); // AnyValue.string_value
const ANY_BOOL = fieldTag(2, WIRE_VARINT);
const ANY_INT = fieldTag(3, WIRE_VARINT); // int64
const ANY_DOUBLE = fieldTag(4, WIRE_FIXED64);
const ANY_ARRAY = fieldTag(5, WIRE_LENGTH); // ArrayValue
const ANY_KVLIST = fieldTag(6, WIRE_LENGTH); // KeyValueList
const ANY_BYTES = fieldTag(7, WIRE_LENGTH);
const ARRAY_VALUES = fieldTag(1, WIRE_LENGTH); // ArrayValue.values: repeated AnyValue
const KVLIST_VALUES = fieldTag(1, WIRE_LENGTH); // KeyValueList.values: repeated KeyValue

const keyCache = new StringCache(1023, 64);
const valueCache = new StringCache(4095, 32);
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
      if (tag === RESOURCE_ATTRIBUTES) this.keyValue(this.messageEnd(end), resource.attributes, 0);
      else if (tag === RESOURCE_DROPPED_ATTRIBUTES_COUNT) resource.droppedAttributesCount = this.varint32(end);
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
      if (tag === SCOPE_NAME) scope.name = this.string(end);
      else if (tag === SCOPE_VERSION) scope.version = this.string(end);
      else if (tag === SCOPE_ATTRIBUTES) this.keyValue(this.messageEnd(end), scope.attributes, 0);
      else if (tag === SCOPE_DROPPED_ATTRIBUTES_COUNT) scope.droppedAttributesCount = this.varint32(end);
      else this.skip(tag, end);
    }
  }

  /** A KeyValue into `map`; a repeated key keeps the last value, as a JSON object would. */
  protected keyValue(end: number, map: AttributeMap, depth: number): void {
    let key = '';
    let value: AttributeValue = null;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === KEY_VALUE_KEY) key = this.key(end);
      else if (tag === KEY_VALUE_VALUE) value = this.anyValue(this.messageEnd(end), depth);
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
      if (tag === ANY_STRING) value = this.string(end);
      else if (tag === ANY_INT) value = this.int64(end);
      else if (tag === ANY_DOUBLE) value = this.float64(end);
      else if (tag === ANY_BOOL) value = this.bool(end);
      else value = this.otherValue(tag, end, depth, value);
    }
    return value;
  }

  /** An array, kvlist or bytes member, or else the value read so far with the unknown field skipped. */
  protected otherValue(tag: number, end: number, depth: number, value: AttributeValue): AttributeValue {
    switch (tag) {
      case ANY_ARRAY:
        return this.arrayValue(this.messageEnd(end), depth + 1);
      case ANY_KVLIST:
        return this.keyValueList(this.messageEnd(end), depth + 1);
      case ANY_BYTES:
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
      if (tag === ARRAY_VALUES) values.push(this.anyValue(this.messageEnd(end), depth));
      else this.skip(tag, end);
    }
    return values;
  }

  protected keyValueList(end: number, depth: number): AttributeMap {
    if (depth > MAX_NESTING) throw this.malformed(`AnyValue nested deeper than ${MAX_NESTING} levels`, this.pos);
    const map: AttributeMap = new Map();
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === KVLIST_VALUES) this.keyValue(this.messageEnd(end), map, depth);
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

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The OTLP/JSON reader every signal's decoder builds on (traceJson.ts, logsJson.ts, metricsJson.ts): the JSON value
 * rules, the messages all signals share, and exact 64-bit integers.
 *
 * OTLP/JSON is the proto3 JSON mapping with OTLP's deviations: ids are case-insensitive hex instead of base64, enums
 * are integers, keys are lowerCamelCase, and unknown keys are ignored. 64-bit integers may be strings or numbers.
 *
 * Speed (bench/decode.bench.ts, `JSON ingest vs JSON.parse alone`): the readers take a field's value, read by the
 * caller as a named property (`item.name`), rather than an owner and a key: `owner[key]` in a helper shared by every
 * field is a megamorphic keyed load, several times slower. Lists are plain loops, not callbacks.
 */
import { describeError } from '../../shared/errors';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../model';
import { OtlpDecodeError } from './types';

export type JsonObject = Record<string, unknown>;

/** The members of an OTLP/JSON AnyValue, read as named properties. */
interface AnyValueJson {
  stringValue?: unknown;
  intValue?: unknown;
  boolValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: unknown;
  kvlistValue?: unknown;
  bytesValue?: unknown;
}

/** Arrays and kvlists inside an AnyValue may nest this deep; deeper input is hostile, not telemetry. */
const MAX_NESTING = 64;

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MIN_SAFE_BIGINT = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** Integers of at most this many characters (sign included) are below 2^53: Number() reads them exactly. */
const SAFE_INTEGER_CHARS = 15;
/** Unsigned decimals of at most this many digits are below 2^64. */
const UINT64_SAFE_DIGITS = 19;

/** shortDecimal reads the last LOW_DIGITS digits and those before them as two doubles. */
const LOW_DIGITS = 9;
const LOW_DIGITS_SCALE = 10n ** BigInt(LOW_DIGITS);
const DIGIT_ZERO = 0x30;

const UNSIGNED_DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * JSON.parse turns an integer literal beyond 2^53 into an inexact double. The first pass throws this when an int64
 * field holds one; the second pass parses the text again with such literals quoted, so they reach BigInt exactly.
 */
class InexactIntegerError extends Error {}

/**
 * A JSON string, or an integer literal of 16 or more digits outside strings (2^53 has 16 digits). The lookarounds keep
 * the integer part of a fraction or exponent, and the digits after `e-`, unquoted.
 */
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\[\s\S])*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;

function quoteLongIntegers(text: string): string {
  return text.replace(STRING_OR_LONG_INTEGER, (token) => (token.startsWith('"') ? token : `"${token}"`));
}

/**
 * The unsigned decimal `text` of 1 to 19 digits (below 2^64), or undefined when it is not one. Each span has two
 * times: two exact doubles of at most 10 and 9 digits, joined as bigints, take half the time of a regex test and
 * BigInt(text).
 */
function shortDecimal(text: string): bigint | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  const split = length - LOW_DIGITS;
  let high = 0;
  let low = 0;
  for (let index = 0; index < length; index++) {
    const digit = text.charCodeAt(index) - DIGIT_ZERO;
    if (digit < 0 || digit > 9) return undefined;
    if (index < split) high = high * 10 + digit;
    else low = low * 10 + digit;
  }
  return split > 0 ? BigInt(high) * LOW_DIGITS_SCALE + BigInt(low) : BigInt(low);
}

/** The unsigned decimal `text` of any length, or undefined when it is not one or not below 2^64. */
function longDecimal(text: string): bigint | undefined {
  if (!UNSIGNED_DIGITS.test(text)) return undefined;
  const value = BigInt(text);
  return value <= UINT64_MAX ? value : undefined;
}

/**
 * Attribute keys seen recently, each as one string, in a direct-mapped table. JSON.parse makes a new string of every
 * key longer than 10 characters, for every attribute of every span; sharing one copy of each key makes the decoded
 * request of bench/decode.bench.ts a fifth smaller (less for the collector to trace, less for the store to hold), as
 * the protobuf decoder's string cache does. A hit costs a few character reads and a comparison, about what the Map
 * saves by getting a key whose hash is already computed; a miss, or a key too long to keep, leaves the key as it is.
 */
const KEY_SLOTS = 1024;
const MAX_SHARED_KEY_LENGTH = 128;
const sharedKeys: string[] = new Array<string>(KEY_SLOTS).fill('');

function sharedKey(key: string): string {
  const length = key.length;
  if (length === 0 || length > MAX_SHARED_KEY_LENGTH) return key;
  // The length and the last and middle characters: keys share prefixes ("gen_ai."), and often a length too.
  const hash =
    Math.imul(length, 0x9e3779b1) ^
    Math.imul(key.charCodeAt(length - 1) | (key.charCodeAt(length - 2) << 8), 0x85ebca6b) ^
    Math.imul(key.charCodeAt(length >> 1) | (key.charCodeAt((length >> 1) - 1) << 8), 0xc2b2ae35);
  const slot = (hash >>> 22) & (KEY_SLOTS - 1);
  const shared = sharedKeys[slot]!;
  if (shared === key) return shared;
  sharedKeys[slot] = key;
  return key;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isMissing(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

type PathSegment = string | number;

function formatPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path;
}

/**
 * The JSON value rules and the messages every OTLP signal shares (Resource, InstrumentationScope, KeyValue, AnyValue);
 * one subclass per request type reads the rest. `path` tracks where we are, for error messages.
 */
export abstract class OtlpJsonReader {
  protected readonly path: PathSegment[] = [];

  /** @param exactIntegers whether long integer literals have already been quoted (second pass). */
  constructor(protected readonly exactIntegers: boolean) {}

  /** The request, which must be an object (its `key` list may be missing: an empty request). */
  protected root(json: unknown, key: string): JsonObject {
    if (!isObject(json)) throw new OtlpDecodeError(`Invalid OTLP JSON: expected an object with "${key}"`);
    return json;
  }

  /** The `resource` of a Resource* item. */
  protected resource(item: JsonObject): Resource {
    const resourceJson = this.objectOf(item.resource, 'resource') ?? {};
    this.path.push('resource');
    const resource: Resource = {
      attributes: this.attributesOf(resourceJson.attributes, 'attributes', 0),
      droppedAttributesCount: this.uint32Of(resourceJson.droppedAttributesCount, 'droppedAttributesCount'),
    };
    this.path.pop();
    return resource;
  }

  /** The `scope` of a Scope* item. */
  protected scope(item: JsonObject): InstrumentationScope {
    const scopeJson = this.objectOf(item.scope, 'scope') ?? {};
    this.path.push('scope');
    const scope: InstrumentationScope = {
      name: this.stringOf(scopeJson.name, 'name'),
      version: this.stringOf(scopeJson.version, 'version'),
      attributes: this.attributesOf(scopeJson.attributes, 'attributes', 0),
      droppedAttributesCount: this.uint32Of(scopeJson.droppedAttributesCount, 'droppedAttributesCount'),
    };
    this.path.pop();
    return scope;
  }

  /** A KeyValue list into a Map; a repeated key keeps the last value. */
  protected attributes(owner: JsonObject, key: string, depth: number): AttributeMap {
    return this.attributesOf(owner[key], key, depth);
  }

  /** The KeyValue list `json`, found under `key`, into a Map; a repeated key keeps the last value. */
  protected attributesOf(json: unknown, key: string, depth: number): AttributeMap {
    const map: AttributeMap = new Map();
    const items = this.arrayOf(json, key);
    if (items === undefined) return map;
    const path = this.path;
    path.push(key);
    for (let index = 0; index < items.length; index++) {
      path.push(index);
      const item = this.listItem(items[index]);
      const attributeKey = sharedKey(this.stringOf(item.key, 'key'));
      path.push('value');
      map.set(attributeKey, this.anyValue(item.value, depth));
      path.pop();
      path.pop();
    }
    path.pop();
    return map;
  }

  /** Each member is read once, in the order the oneof is looked for (a valid AnyValue sets one). */
  protected anyValue(value: unknown, depth: number): AttributeValue {
    if (isMissing(value)) return null;
    if (!isObject(value)) throw this.error('expected an AnyValue object');
    const json = value as AnyValueJson;
    const stringValue = json.stringValue;
    if (stringValue !== undefined) {
      if (typeof stringValue !== 'string') throw this.error('expected a string', 'stringValue');
      return stringValue;
    }
    const intValue = json.intValue;
    if (intValue !== undefined) return this.int64(intValue, 'intValue');
    const boolValue = json.boolValue;
    if (boolValue !== undefined) {
      if (typeof boolValue !== 'boolean') throw this.error('expected true or false', 'boolValue');
      return boolValue;
    }
    const doubleValue = json.doubleValue;
    if (doubleValue !== undefined) return this.double(doubleValue);
    const arrayValue = json.arrayValue;
    if (arrayValue !== undefined) return this.arrayValue(arrayValue, depth + 1);
    const kvlistValue = json.kvlistValue;
    if (kvlistValue !== undefined) {
      this.checkNesting(depth + 1);
      const kvlist = this.nested(kvlistValue, 'kvlistValue');
      this.path.push('kvlistValue');
      const map = this.attributesOf(kvlist.values, 'values', depth + 1);
      this.path.pop();
      return map;
    }
    const bytesValue = json.bytesValue;
    if (bytesValue !== undefined) return this.bytes(bytesValue);
    return null;
  }

  protected arrayValue(json: unknown, depth: number): AttributeValue[] {
    this.checkNesting(depth);
    const arrayValue = this.nested(json, 'arrayValue');
    const path = this.path;
    path.push('arrayValue');
    const items = this.arrayOf(arrayValue.values, 'values');
    const values: AttributeValue[] = [];
    if (items !== undefined) {
      path.push('values');
      for (let index = 0; index < items.length; index++) {
        path.push(index);
        values.push(this.anyValue(items[index], depth));
        path.pop();
      }
      path.pop();
    }
    path.pop();
    return values;
  }

  protected checkNesting(depth: number): void {
    if (depth > MAX_NESTING) throw this.error(`AnyValue nested deeper than ${MAX_NESTING} levels`);
  }

  /** The object under an AnyValue's `arrayValue`/`kvlistValue`; `{}` when it is null. */
  protected nested(json: unknown, key: string): JsonObject {
    if (isMissing(json)) return {};
    if (!isObject(json)) throw this.error('expected an object', key);
    return json;
  }

  protected double(json: unknown, key = 'doubleValue'): number {
    if (typeof json === 'number') return json;
    if (typeof json === 'string') {
      // "NaN", "Infinity" and "-Infinity" are the proto3 JSON spellings; numeric strings are accepted too.
      const value = json === 'NaN' ? NaN : Number(json);
      if (json.trim() !== '' && (json === 'NaN' || !Number.isNaN(value))) return value;
    }
    throw this.error('expected a number, "NaN", "Infinity" or "-Infinity"', key);
  }

  protected bytes(json: unknown): Uint8Array {
    if (typeof json !== 'string' || !BASE64.test(json)) throw this.error('expected a base64 string', 'bytesValue');
    return Uint8Array.from(Buffer.from(json, 'base64'));
  }

  /** An int64 AnyValue: a number when it is a safe integer, else a bigint. */
  protected int64(json: unknown, key: string): number | bigint {
    if (typeof json === 'string') {
      if (json.length <= SAFE_INTEGER_CHARS && SIGNED_DIGITS.test(json)) {
        // Number("-0") is -0, where the exact path below gives 0.
        const value = Number(json);
        return value === 0 ? 0 : value;
      }
      if (SIGNED_DIGITS.test(json)) {
        const value = BigInt(json);
        if (value >= INT64_MIN && value <= INT64_MAX) {
          return value >= MIN_SAFE_BIGINT && value <= MAX_SAFE_BIGINT ? Number(value) : value;
        }
      }
    } else if (typeof json === 'number') {
      if (Number.isSafeInteger(json)) return json;
      if (Number.isInteger(json)) {
        if (!this.exactIntegers) throw new InexactIntegerError();
        if (BigInt(json) >= INT64_MIN && BigInt(json) <= INT64_MAX) return BigInt(json);
      }
    }
    throw this.error('expected a 64-bit integer (number or decimal string)', key);
  }

  /** A fixed64 time: exactly, from the decimal string (or a number). Missing means 0. */
  protected time(owner: JsonObject, key: string): bigint {
    return this.timeOf(owner[key], key);
  }

  /** The fixed64 time `json`, found under `key`. */
  protected timeOf(json: unknown, key: string): bigint {
    if (typeof json === 'string') {
      const value = json.length <= UINT64_SAFE_DIGITS ? shortDecimal(json) : longDecimal(json);
      if (value !== undefined) return value;
    } else if (typeof json === 'number') {
      if (Number.isInteger(json) && json >= 0) {
        if (!Number.isSafeInteger(json) && !this.exactIntegers) throw new InexactIntegerError();
        const value = BigInt(json);
        if (value <= UINT64_MAX) return value;
      }
    } else if (isMissing(json)) return 0n;
    throw this.error('expected an unsigned 64-bit integer', key);
  }

  protected uint32(owner: JsonObject, key: string): number {
    return this.uint32Of(owner[key], key);
  }

  protected uint32Of(json: unknown, key: string): number {
    if (isMissing(json)) return 0;
    const value = typeof json === 'string' && UNSIGNED_DIGITS.test(json) ? Number(json) : json;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
    throw this.error('expected an unsigned 32-bit integer', key);
  }

  protected enumValue(owner: JsonObject, key: string, names: ReadonlyMap<string, number>): number {
    return this.enumOf(owner[key], key, names);
  }

  protected enumOf(json: unknown, key: string, names: ReadonlyMap<string, number>): number {
    if (isMissing(json)) return 0;
    if (typeof json === 'number' && Number.isInteger(json)) return json;
    if (typeof json === 'string') {
      if (SIGNED_DIGITS.test(json)) return Number(json);
      const named = names.get(json);
      if (named !== undefined) return named;
    }
    throw this.error('expected an integer enum value', key);
  }

  protected string(owner: JsonObject, key: string): string {
    return this.stringOf(owner[key], key);
  }

  protected stringOf(json: unknown, key: string): string {
    if (typeof json === 'string') return json;
    if (isMissing(json)) return '';
    throw this.error('expected a string', key);
  }

  /** An optional nested message; undefined when missing or null. */
  protected object(owner: JsonObject, key: string): JsonObject | undefined {
    return this.objectOf(owner[key], key);
  }

  protected objectOf(json: unknown, key: string): JsonObject | undefined {
    if (isMissing(json)) return undefined;
    if (!isObject(json)) throw this.error('expected an object', key);
    return json;
  }

  /** An item of a repeated message field, at the current path: it must be an object. */
  protected listItem(json: unknown): JsonObject {
    if (!isObject(json)) throw this.error('expected an object');
    return json;
  }

  /** A repeated field; undefined when missing or null (empty). */
  protected arrayOf(json: unknown, key: string): unknown[] | undefined {
    if (isMissing(json)) return undefined;
    if (!Array.isArray(json)) throw this.error('expected an array', key);
    return json as unknown[];
  }

  /** Decodes each item, an object, of the array `owner[key]` (missing means empty), leaving out undefined results. */
  protected list<T>(owner: JsonObject, key: string, decode: (item: JsonObject) => T | undefined): T[] {
    const json = this.arrayOf(owner[key], key);
    const results: T[] = [];
    if (json === undefined) return results;
    this.path.push(key);
    for (let index = 0; index < json.length; index++) {
      this.path.push(index);
      const result = decode(this.listItem(json[index]));
      if (result !== undefined) results.push(result);
      this.path.pop();
    }
    this.path.pop();
    return results;
  }

  protected error(expectation: string, key?: string): OtlpDecodeError {
    const path = key === undefined ? this.path : [...this.path, key];
    return new OtlpDecodeError(`Invalid OTLP JSON: ${formatPath(path) || '(root)'}: ${expectation}`);
  }
}

/** Decoders kept alive for their hidden classes (see keepShapeAlive). */
const shapeKeepers: OtlpJsonReader[] = [];

/**
 * Keeps a decoder alive for its hidden class. V8 holds the transitions to a class instance's shape weakly: when no
 * decoder of a class is alive, a full collection drops its shape, and with it every optimized method that checked it,
 * so the next request ran unoptimized, twice as slow, until they were compiled again (bench/decode.bench.ts collects
 * before every round; a receiver idle between requests collects too). Each decoder module calls this once.
 */
export function keepShapeAlive(decoder: OtlpJsonReader): void {
  shapeKeepers.push(decoder);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new OtlpDecodeError(`Invalid OTLP JSON: ${describeError(error)}`);
  }
}

/**
 * Parses and decodes with `decodeParsed`, a second time with long integer literals quoted when the first pass met one
 * that JSON.parse could not hold exactly.
 */
export function decodeJsonText<T>(text: string, decodeParsed: (root: unknown, exactIntegers: boolean) => T): T {
  try {
    return decodeParsed(parse(text), false);
  } catch (error) {
    if (!(error instanceof InexactIntegerError)) throw error;
    return decodeParsed(parse(quoteLongIntegers(text)), true);
  }
}

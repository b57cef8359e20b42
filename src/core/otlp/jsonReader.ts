/**
 * The OTLP/JSON reader every signal's decoder builds on (traceJson.ts, logsJson.ts, metricsJson.ts): the JSON value
 * rules, the messages all signals share, and exact 64-bit integers.
 *
 * OTLP/JSON is the proto3 JSON mapping with OTLP's deviations: ids are case-insensitive hex instead of base64, enums
 * are integers, keys are lowerCamelCase, and unknown keys are ignored. 64-bit integers may be strings or numbers.
 */
import { describeError } from '../../shared/errors';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../model';
import { OtlpDecodeError } from './types';

export type JsonObject = Record<string, unknown>;

/** Arrays and kvlists inside an AnyValue may nest this deep; deeper input is hostile, not telemetry. */
const MAX_NESTING = 64;

const UINT32_MAX = 0xffffffff;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

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
    const resourceJson = this.object(item, 'resource') ?? {};
    this.path.push('resource');
    const resource: Resource = {
      attributes: this.attributes(resourceJson, 'attributes', 0),
      droppedAttributesCount: this.uint32(resourceJson, 'droppedAttributesCount'),
    };
    this.path.pop();
    return resource;
  }

  /** The `scope` of a Scope* item. */
  protected scope(item: JsonObject): InstrumentationScope {
    const scopeJson = this.object(item, 'scope') ?? {};
    this.path.push('scope');
    const scope: InstrumentationScope = {
      name: this.string(scopeJson, 'name'),
      version: this.string(scopeJson, 'version'),
      attributes: this.attributes(scopeJson, 'attributes', 0),
      droppedAttributesCount: this.uint32(scopeJson, 'droppedAttributesCount'),
    };
    this.path.pop();
    return scope;
  }

  /** A KeyValue list into a Map; a repeated key keeps the last value. */
  protected attributes(owner: JsonObject, key: string, depth: number): AttributeMap {
    const map: AttributeMap = new Map();
    this.list(owner, key, (item) => {
      const attributeKey = this.string(item, 'key');
      this.path.push('value');
      map.set(attributeKey, this.anyValue(item.value, depth));
      this.path.pop();
    });
    return map;
  }

  protected anyValue(value: unknown, depth: number): AttributeValue {
    if (isMissing(value)) return null;
    if (!isObject(value)) throw this.error('expected an AnyValue object');
    if (value.stringValue !== undefined) {
      if (typeof value.stringValue !== 'string') throw this.error('expected a string', 'stringValue');
      return value.stringValue;
    }
    if (value.intValue !== undefined) return this.int64(value.intValue, 'intValue');
    if (value.boolValue !== undefined) {
      if (typeof value.boolValue !== 'boolean') throw this.error('expected true or false', 'boolValue');
      return value.boolValue;
    }
    if (value.doubleValue !== undefined) return this.double(value.doubleValue);
    if (value.arrayValue !== undefined) return this.arrayValue(value.arrayValue, depth + 1);
    if (value.kvlistValue !== undefined) {
      this.checkNesting(depth + 1);
      const kvlist = this.nested(value.kvlistValue, 'kvlistValue');
      this.path.push('kvlistValue');
      const map = this.attributes(kvlist, 'values', depth + 1);
      this.path.pop();
      return map;
    }
    if (value.bytesValue !== undefined) return this.bytes(value.bytesValue);
    return null;
  }

  protected arrayValue(json: unknown, depth: number): AttributeValue[] {
    this.checkNesting(depth);
    const arrayValue = this.nested(json, 'arrayValue');
    this.path.push('arrayValue');
    const values = this.list(arrayValue, 'values', (item) => this.anyValue(item, depth), true);
    this.path.pop();
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
    if (typeof json === 'number') {
      if (Number.isSafeInteger(json)) return json;
      if (Number.isInteger(json)) {
        if (!this.exactIntegers) throw new InexactIntegerError();
        if (BigInt(json) >= INT64_MIN && BigInt(json) <= INT64_MAX) return BigInt(json);
      }
    } else if (typeof json === 'string' && SIGNED_DIGITS.test(json)) {
      const value = BigInt(json);
      if (value >= INT64_MIN && value <= INT64_MAX) {
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(value)
          : value;
      }
    }
    throw this.error('expected a 64-bit integer (number or decimal string)', key);
  }

  /** A fixed64 time: exactly, from the decimal string (or a number). Missing means 0. */
  protected time(owner: JsonObject, key: string): bigint {
    const json = owner[key];
    if (isMissing(json)) return 0n;
    let value: bigint | undefined;
    if (typeof json === 'string' && UNSIGNED_DIGITS.test(json)) value = BigInt(json);
    else if (typeof json === 'number' && Number.isInteger(json) && json >= 0) {
      if (!Number.isSafeInteger(json) && !this.exactIntegers) throw new InexactIntegerError();
      value = BigInt(json);
    }
    if (value === undefined || value > UINT64_MAX) throw this.error('expected an unsigned 64-bit integer', key);
    return value;
  }

  protected uint32(owner: JsonObject, key: string): number {
    const json = owner[key];
    if (isMissing(json)) return 0;
    const value = typeof json === 'string' && UNSIGNED_DIGITS.test(json) ? Number(json) : json;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX) return value;
    throw this.error('expected an unsigned 32-bit integer', key);
  }

  protected enumValue(owner: JsonObject, key: string, names: ReadonlyMap<string, number>): number {
    const json = owner[key];
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
    const json = owner[key];
    if (typeof json === 'string') return json;
    if (isMissing(json)) return '';
    throw this.error('expected a string', key);
  }

  /** An optional nested message; undefined when missing or null. */
  protected object(owner: JsonObject, key: string): JsonObject | undefined {
    const json = owner[key];
    if (isMissing(json)) return undefined;
    if (!isObject(json)) throw this.error('expected an object', key);
    return json;
  }

  /**
   * Decodes each item of the array `owner[key]` (missing means empty), leaving out undefined results. Items must be
   * objects unless `anyItems` (AnyValues, which may be null).
   */
  protected list<T>(
    owner: JsonObject,
    key: string,
    decode: (item: JsonObject) => T | undefined,
    anyItems = false,
  ): T[] {
    const json = owner[key];
    if (isMissing(json)) return [];
    if (!Array.isArray(json)) throw this.error('expected an array', key);
    const results: T[] = [];
    this.path.push(key);
    for (let index = 0; index < json.length; index++) {
      const item: unknown = json[index];
      this.path.push(index);
      if (!anyItems && !isObject(item)) throw this.error('expected an object');
      const result = decode(item as JsonObject);
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

/**
 * OTLP/JSON traces: decoding into the span model, a lossless encoding of a decoded request (for `serve --out`), and the
 * two response bodies.
 *
 * OTLP/JSON is the proto3 JSON mapping with OTLP's deviations: ids are case-insensitive hex instead of base64, enums
 * are integers, keys are lowerCamelCase, and unknown keys are ignored. 64-bit integers may be strings or numbers.
 */
import { isValidHexId, normalizeHexId, SPAN_ID_BYTES, TRACE_ID_BYTES } from '../../shared/ids';
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
  SpanStatus,
  StatusCode,
  TraceRequest,
} from '../model';
import { OtlpDecodeError, type PartialSuccess, type TraceDecodeResult } from './types';
import { rejectionMessage } from './wire';

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

/** Enum names are not valid OTLP/JSON, but some older exporters send them; accepting them costs nothing. */
const SPAN_KIND_NAMES: ReadonlyMap<string, number> = new Map([
  ['SPAN_KIND_UNSPECIFIED', 0],
  ['SPAN_KIND_INTERNAL', 1],
  ['SPAN_KIND_SERVER', 2],
  ['SPAN_KIND_CLIENT', 3],
  ['SPAN_KIND_PRODUCER', 4],
  ['SPAN_KIND_CONSUMER', 5],
]);
const STATUS_CODE_NAMES: ReadonlyMap<string, number> = new Map([
  ['STATUS_CODE_UNSET', 0],
  ['STATUS_CODE_OK', 1],
  ['STATUS_CODE_ERROR', 2],
]);

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

/** One decode of one parsed `ExportTraceServiceRequest`. */
class JsonTraceDecoder extends OtlpJsonReader {
  /** Links seen whose ids are not hex; a span with one is rejected. */
  private linksWithBadIds = 0;
  rejectedSpans = 0;

  request(root: unknown): TraceRequest {
    return {
      resourceSpans: this.list(this.root(root, 'resourceSpans'), 'resourceSpans', (item) => this.resourceSpans(item)),
    };
  }

  private resourceSpans(item: JsonObject): ResourceSpans {
    const resource = this.resource(item);
    return {
      resource,
      schemaUrl: this.string(item, 'schemaUrl'),
      scopeSpans: this.list(item, 'scopeSpans', (scopeItem) => this.scopeSpans(scopeItem, resource)),
    };
  }

  private scopeSpans(item: JsonObject, resource: Resource): ScopeSpans {
    const scope = this.scope(item);
    return {
      scope,
      schemaUrl: this.string(item, 'schemaUrl'),
      spans: this.list(item, 'spans', (spanItem) => this.span(spanItem, resource, scope)),
    };
  }

  /** Undefined when the span's ids are invalid: it is counted in `rejectedSpans` instead. */
  private span(item: JsonObject, resource: Resource, scope: InstrumentationScope): Span | undefined {
    const traceId = normalizeHexId(this.string(item, 'traceId'));
    const spanId = normalizeHexId(this.string(item, 'spanId'));
    const parentId = normalizeHexId(this.string(item, 'parentSpanId'));
    // An empty or all-zero parent id both mean "no parent": the zero id is W3C's "invalid id".
    const parentSpanId = parentId !== undefined && isValidHexId(parentId, SPAN_ID_BYTES) ? parentId : undefined;
    const parentValid = parentId === '' || (parentId !== undefined && parentId.length === SPAN_ID_BYTES * 2);
    const linksWithBadIds = this.linksWithBadIds;
    const span: Span = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      parentSpanId,
      traceState: this.string(item, 'traceState'),
      flags: this.uint32(item, 'flags'),
      name: this.string(item, 'name'),
      kind: this.enumValue(item, 'kind', SPAN_KIND_NAMES) as SpanKind,
      startTimeUnixNano: this.time(item, 'startTimeUnixNano'),
      endTimeUnixNano: this.time(item, 'endTimeUnixNano'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
      events: this.list(item, 'events', (eventItem) => this.event(eventItem)),
      droppedEventsCount: this.uint32(item, 'droppedEventsCount'),
      links: this.list(item, 'links', (linkItem) => this.link(linkItem)),
      droppedLinksCount: this.uint32(item, 'droppedLinksCount'),
      status: this.status(item),
      resource,
      scope,
    };
    const valid =
      traceId !== undefined &&
      isValidHexId(traceId, TRACE_ID_BYTES) &&
      spanId !== undefined &&
      isValidHexId(spanId, SPAN_ID_BYTES) &&
      parentValid &&
      this.linksWithBadIds === linksWithBadIds;
    if (valid) return span;
    this.rejectedSpans++;
    return undefined;
  }

  private status(item: JsonObject): SpanStatus {
    const status = this.object(item, 'status') ?? {};
    this.path.push('status');
    const code = this.enumValue(status, 'code', STATUS_CODE_NAMES) as StatusCode;
    const message = this.string(status, 'message');
    this.path.pop();
    return { code, message };
  }

  private event(item: JsonObject): SpanEvent {
    return {
      timeUnixNano: this.time(item, 'timeUnixNano'),
      name: this.string(item, 'name'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
    };
  }

  /** A link whose ids are not hex rejects its span: protobuf cannot even express such an id. */
  private link(item: JsonObject): SpanLink {
    const traceId = normalizeHexId(this.string(item, 'traceId'));
    const spanId = normalizeHexId(this.string(item, 'spanId'));
    const link: SpanLink = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      traceState: this.string(item, 'traceState'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
      flags: this.uint32(item, 'flags'),
    };
    if (traceId === undefined || spanId === undefined) this.linksWithBadIds++;
    return link;
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new OtlpDecodeError(`Invalid OTLP JSON: ${(error as Error).message}`);
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

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeTraceRequestJson(text: string): TraceDecodeResult {
  return decodeJsonText(text, (root, exactIntegers) => {
    const decoder = new JsonTraceDecoder(exactIntegers);
    const request = decoder.request(root);
    return { request, rejectedSpans: decoder.rejectedSpans, rejectionMessage: rejectionMessage(decoder.rejectedSpans) };
  });
}

// Encoding. Defaults are omitted, as proto3 JSON does; everything else round-trips through decodeTraceRequestJson.

export function anyValueJson(value: AttributeValue): JsonObject {
  if (value === null) return {};
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value.toString() };
    case 'number':
      if (Object.is(value, -0)) return { doubleValue: '-0' };
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array)
    return { bytesValue: Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueJson) } };
  return { kvlistValue: { values: attributesJson(value) } };
}

export function attributesJson(attributes: AttributeMap): JsonObject[] {
  const list: JsonObject[] = [];
  for (const [key, value] of attributes) list.push({ key, value: anyValueJson(value) });
  return list;
}

/** Adds `key: value` unless the value is the field's default. */
export function withDefaultsOmitted(fields: [string, unknown][]): JsonObject {
  const json: JsonObject = {};
  for (const [key, value] of fields) {
    const isDefault =
      value === undefined ||
      value === '' ||
      value === 0 ||
      value === 0n ||
      (Array.isArray(value) && value.length === 0);
    if (!isDefault) json[key] = typeof value === 'bigint' ? value.toString() : value;
  }
  return json;
}

function resourceJson(resource: Resource): JsonObject {
  return withDefaultsOmitted([
    ['attributes', attributesJson(resource.attributes)],
    ['droppedAttributesCount', resource.droppedAttributesCount],
  ]);
}

function scopeJson(scope: InstrumentationScope): JsonObject {
  return withDefaultsOmitted([
    ['name', scope.name],
    ['version', scope.version],
    ['attributes', attributesJson(scope.attributes)],
    ['droppedAttributesCount', scope.droppedAttributesCount],
  ]);
}

function spanJson(span: Span): JsonObject {
  return withDefaultsOmitted([
    ['traceId', span.traceId],
    ['spanId', span.spanId],
    ['parentSpanId', span.parentSpanId],
    ['traceState', span.traceState],
    ['flags', span.flags],
    ['name', span.name],
    ['kind', span.kind],
    ['startTimeUnixNano', span.startTimeUnixNano],
    ['endTimeUnixNano', span.endTimeUnixNano],
    ['attributes', attributesJson(span.attributes)],
    ['droppedAttributesCount', span.droppedAttributesCount],
    [
      'events',
      span.events.map((event) =>
        withDefaultsOmitted([
          ['timeUnixNano', event.timeUnixNano],
          ['name', event.name],
          ['attributes', attributesJson(event.attributes)],
          ['droppedAttributesCount', event.droppedAttributesCount],
        ]),
      ),
    ],
    ['droppedEventsCount', span.droppedEventsCount],
    [
      'links',
      span.links.map((link) =>
        withDefaultsOmitted([
          ['traceId', link.traceId],
          ['spanId', link.spanId],
          ['traceState', link.traceState],
          ['attributes', attributesJson(link.attributes)],
          ['droppedAttributesCount', link.droppedAttributesCount],
          ['flags', link.flags],
        ]),
      ),
    ],
    ['droppedLinksCount', span.droppedLinksCount],
    [
      'status',
      span.status.code === 0 && span.status.message === ''
        ? undefined
        : withDefaultsOmitted([
            ['message', span.status.message],
            ['code', span.status.code],
          ]),
    ],
  ]);
}

/** One line of OTLP/JSON for a decoded request; `decodeTraceRequestJson` gives the same request back. */
export function encodeTraceRequestJson(request: TraceRequest): string {
  const keys = { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' };
  return requestJson(
    keys,
    request.resourceSpans,
    (resource) => resource.scopeSpans,
    (scope) => scope.spans,
    spanJson,
  );
}

/** A signal's field names in OTLP/JSON: `resourceSpans` holds `scopeSpans`, which hold `spans`; logs and metrics alike. */
export interface RequestKeys {
  readonly resources: string;
  readonly scopes: string;
  readonly items: string;
}

/** One line of OTLP/JSON for a request of any signal: the resource and scope envelope, each item through `itemJson`. */
export function requestJson<
  Resourced extends { readonly resource: Resource; readonly schemaUrl: string },
  Scoped extends { readonly scope: InstrumentationScope; readonly schemaUrl: string },
  Item,
>(
  keys: RequestKeys,
  resources: readonly Resourced[],
  scopesOf: (resourced: Resourced) => readonly Scoped[],
  itemsOf: (scoped: Scoped) => readonly Item[],
  itemJson: (item: Item) => JsonObject,
): string {
  return JSON.stringify({
    [keys.resources]: resources.map((resourced) =>
      withDefaultsOmitted([
        ['resource', resourceJson(resourced.resource)],
        [
          keys.scopes,
          scopesOf(resourced).map((scoped) =>
            withDefaultsOmitted([
              ['scope', scopeJson(scoped.scope)],
              [keys.items, itemsOf(scoped).map((item) => itemJson(item))],
              ['schemaUrl', scoped.schemaUrl],
            ]),
          ),
        ],
        ['schemaUrl', resourced.schemaUrl],
      ]),
    ),
  });
}

/** The JSON name of `partial_success` field 1 in each signal's response. */
const REJECTED_KEYS = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' } as const;

/**
 * `Export{Trace,Logs,Metrics}ServiceResponse` as JSON: `{}` on full success. The rejected count is an int64, hence a
 * string, under the signal's own name.
 */
export function encodeExportResponseJson(
  partial?: PartialSuccess,
  signal: keyof typeof REJECTED_KEYS = 'traces',
): string {
  if (!partial) return '{}';
  return JSON.stringify({
    partialSuccess: { [REJECTED_KEYS[signal]]: String(partial.rejectedSpans), errorMessage: partial.errorMessage },
  });
}

/** `google.rpc.Status` as JSON, the body of an OTLP/HTTP error response to a JSON request. */
export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message });
}

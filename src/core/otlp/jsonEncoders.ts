/**
 * OTLP/JSON encoding: of a decoded trace request, losslessly (for `serve --out`); the resource and scope envelope that
 * logsJson.ts and metricsJson.ts encode their requests in; and the response bodies. Defaults are omitted, as proto3
 * JSON does; everything else round-trips through the decoders.
 */
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource, Span, TraceRequest } from '../model';
import type { JsonObject } from './jsonReader';
import type { PartialSuccess } from './types';

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

/**
 * Typed reads of fields from parsed provider JSON. Request and response bodies come from outside and can have any
 * shape: each read checks the type and answers undefined otherwise, so a reader never throws on a surprising body.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that answers undefined for text that is not JSON: one bad event must not end a stream's reading. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function str(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

/** A string that says something: empty deltas are not content. */
export function nonEmpty(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(object: JsonObject, key: string): JsonObject | undefined {
  const value = object[key];
  return isObject(value) ? value : undefined;
}

export function list(object: JsonObject, key: string): unknown[] | undefined {
  const value = object[key];
  return Array.isArray(value) ? value : undefined;
}

/** The objects of an array field, skipping anything else in it. */
export function objects(object: JsonObject, key: string): JsonObject[] {
  const value = object[key];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Stop sequences, which APIs accept as one string or a list of them. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** Tool call arguments as sent: JSON text becomes the value it encodes, anything else stays as it was. */
export function parsedArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const parsed = parseJson(value);
  return parsed === undefined ? value : parsed;
}

/** The path without its query string: routing looks at the path alone. */
export function pathOnly(path: string): string {
  const query = path.indexOf('?');
  return query < 0 ? path : path.slice(0, query);
}

/** Drops parameters the request did not set, so the call carries only what was asked for. */
export function definedOnly<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) if (record[key] === undefined) delete record[key];
  return record;
}

const MODALITIES = new Set(['image', 'audio', 'video']);

/** OTel's `modality` of a media part from its MIME type (`image/png` → `image`); documents keep `fallback`. */
export function modalityOf(mimeType: string | undefined, fallback: string): string {
  const kind = mimeType?.slice(0, mimeType.indexOf('/'));
  return kind !== undefined && MODALITIES.has(kind) ? kind : fallback;
}

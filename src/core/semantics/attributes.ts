/**
 * Defensive readers for span attributes. Producers disagree on types: token counts arrive as ints, doubles,
 * bigint (from int64 beyond the safe range) or numeric strings, and booleans sometimes as "true"/"false".
 */
import type { AttributeMap, AttributeValue } from '../model';

/** A non-empty string, else undefined. */
export function readString(attributes: AttributeMap, key: string): string | undefined {
  const value = attributes.get(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number ≥ 0 from a number, bigint or numeric string; anything else (negative, NaN, "abc") is undefined. */
export function readNonNegative(attributes: AttributeMap, key: string): number | undefined {
  return toNonNegative(attributes.get(key));
}

function toNonNegative(value: AttributeValue | undefined): number | undefined {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'bigint') number = Number(value);
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    // Number('') is 0, which would turn an empty attribute into a real count.
    if (trimmed === '') return undefined;
    number = Number(trimmed);
  } else return undefined;
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** A boolean, also from the strings "true"/"false" (any case); anything else is undefined. */
export function readBoolean(attributes: AttributeMap, key: string): boolean | undefined {
  const value = attributes.get(key);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** The first key in `keys` whose value `read` accepts. */
export function readFirst<T>(
  attributes: AttributeMap,
  keys: readonly string[],
  read: (attributes: AttributeMap, key: string) => T | undefined,
): T | undefined {
  for (const key of keys) {
    const value = read(attributes, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

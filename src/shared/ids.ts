/**
 * Trace and span ids as the extension holds them: lowercase hex of 16 and 8 bytes, never all zeros (W3C's invalid
 * id). The receivers reject other ids, so everything that names a span downstream (documents, messages, saved panel
 * state) is checked against the same rules here.
 */

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

const HEX_DIGITS = /^[0-9a-f]*$/;
const ZERO_DIGITS = /^0*$/;

/** Lowercase hex of every byte value, so an id costs 8 or 16 table lookups. */
export const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A JSON id lowercased (OTLP/JSON ids are case-insensitive hex), or undefined when it is not hex of whole bytes.
 * The caller checks the length.
 */
export function normalizeHexId(id: string): string | undefined {
  const lower = id.toLowerCase();
  return lower.length % 2 === 0 && HEX_DIGITS.test(lower) ? lower : undefined;
}

/** Whether lowercase hex is a valid id of `bytes` bytes: the right length, and not all zeros. */
export function isValidHexId(hex: string, bytes: number): boolean {
  return hex.length === bytes * 2 && !ZERO_DIGITS.test(hex);
}

export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && HEX_DIGITS.test(value) && isValidHexId(value, TRACE_ID_BYTES);
}

export function isSpanId(value: unknown): value is string {
  return typeof value === 'string' && HEX_DIGITS.test(value) && isValidHexId(value, SPAN_ID_BYTES);
}

/**
 * Trace and span ids as the extension holds them: lowercase hex of 16 and 8 bytes, never all zeros (W3C's invalid
 * id). The receivers reject other ids, so everything that names a span downstream (documents, messages, saved panel
 * state) is checked against the same rules here.
 */

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

const HEX_DIGITS = /^[0-9a-f]*$/;
const ZERO_DIGITS = /^0*$/;

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

/** Char codes of the lowercase hex digits. */
const HEX_DIGIT_CODES = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/**
 * The lowercase hex of the span id (8 bytes) at `bytes[start]`. Every span brings a new span id: one fromCharCode
 * builds its hex as one string, where appending a byte's two digits at a time allocates seven intermediate strings
 * and takes twice as long (bench/decode.bench.ts).
 */
export function spanIdHexAt(bytes: Uint8Array, start: number): string {
  const d = HEX_DIGIT_CODES;
  const b0 = bytes[start]!;
  const b1 = bytes[start + 1]!;
  const b2 = bytes[start + 2]!;
  const b3 = bytes[start + 3]!;
  const b4 = bytes[start + 4]!;
  const b5 = bytes[start + 5]!;
  const b6 = bytes[start + 6]!;
  const b7 = bytes[start + 7]!;
  // prettier-ignore
  return String.fromCharCode(
    d[b0 >> 4]!, d[b0 & 15]!, d[b1 >> 4]!, d[b1 & 15]!, d[b2 >> 4]!, d[b2 & 15]!, d[b3 >> 4]!, d[b3 & 15]!,
    d[b4 >> 4]!, d[b4 & 15]!, d[b5 >> 4]!, d[b5 & 15]!, d[b6 >> 4]!, d[b6 & 15]!, d[b7 >> 4]!, d[b7 & 15]!,
  );
}

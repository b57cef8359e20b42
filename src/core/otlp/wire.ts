/** Helpers shared by the protobuf and JSON decoders: ids, the rejection rules and their messages. */

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

/** A trace or span id is valid when it has the right length and is not all zeros (the W3C "invalid" id). */
export function isValidHexId(hex: string, bytes: number): boolean {
  return hex.length === bytes * 2 && !ZERO_DIGITS.test(hex);
}

/** `partial_success.error_message` for spans left out because of their ids. */
export function rejectionMessage(rejectedSpans: number): string | undefined {
  if (rejectedSpans === 0) return undefined;
  return `${rejectedSpans} ${rejectedSpans === 1 ? 'span' : 'spans'} rejected: invalid trace_id or span_id`;
}

/** `partial_success.error_message` for log records left out because of a malformed trace or span id. */
export function logRejectionMessage(rejectedLogRecords: number): string | undefined {
  if (rejectedLogRecords === 0) return undefined;
  const records = rejectedLogRecords === 1 ? 'log record' : 'log records';
  return `${rejectedLogRecords} ${records} rejected: trace_id must be 16 bytes and span_id 8 bytes when set`;
}

/** `partial_success.error_message` for data points left out because their metric has no name. */
export function dataPointRejectionMessage(rejectedDataPoints: number): string | undefined {
  if (rejectedDataPoints === 0) return undefined;
  const points = rejectedDataPoints === 1 ? 'data point' : 'data points';
  return `${rejectedDataPoints} ${points} rejected: their metric has no name`;
}

/** The messages the decoders give for what they reject (`partial_success.error_message`). */
import { plural } from '../../shared/format';

/** `partial_success.error_message` for spans left out because of their ids. */
export function rejectionMessage(rejectedSpans: number): string | undefined {
  if (rejectedSpans === 0) return undefined;
  return `${plural(rejectedSpans, 'span')} rejected: invalid trace_id or span_id`;
}

/** `partial_success.error_message` for log records left out because of a malformed trace or span id. */
export function logRejectionMessage(rejectedLogRecords: number): string | undefined {
  if (rejectedLogRecords === 0) return undefined;
  return `${plural(rejectedLogRecords, 'log record')} rejected: trace_id must be 16 bytes and span_id 8 bytes when set`;
}

/** `partial_success.error_message` for data points left out because their metric has no name. */
export function dataPointRejectionMessage(rejectedDataPoints: number): string | undefined {
  if (rejectedDataPoints === 0) return undefined;
  return `${plural(rejectedDataPoints, 'data point')} rejected: their metric has no name`;
}

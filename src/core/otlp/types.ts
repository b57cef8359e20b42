import type { TraceRequest } from '../model';
import type { LogsRequest } from './logModel';
import type { MetricsRequest } from './metricModel';

/** Thrown by the decoders for a body that is not a valid request; the message says what is wrong and where. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** A decoded request. Spans with invalid ids are left out of `request` and counted here. */
export interface TraceDecodeResult {
  request: TraceRequest;
  rejectedSpans: number;
  /** Why spans were rejected, for `partial_success.error_message`. */
  rejectionMessage: string | undefined;
}

/**
 * `Export*PartialSuccess`: sent only when something was rejected. `rejectedSpans` is field 1 of every signal's message
 * (rejected_spans, rejected_log_records, rejected_data_points), so it carries the count of any signal.
 */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** A decoded logs request. Records with a malformed trace or span id are left out of `request` and counted here. */
export interface LogsDecodeResult {
  request: LogsRequest;
  rejectedLogRecords: number;
  /** Why records were rejected, for `partial_success.error_message`. */
  rejectionMessage: string | undefined;
}

/** A decoded metrics request. Data points of a metric without a name are left out of `request` and counted here. */
export interface MetricsDecodeResult {
  request: MetricsRequest;
  rejectedDataPoints: number;
  /** Why data points were rejected, for `partial_success.error_message`. */
  rejectionMessage: string | undefined;
}

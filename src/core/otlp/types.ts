import type { TraceRequest } from '../model';

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

/** `Export*PartialSuccess`: sent only when something was rejected. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

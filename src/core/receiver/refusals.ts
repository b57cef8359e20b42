/**
 * Why a receiver refuses an export, once for OTLP/HTTP and OTLP/gRPC, like the Collector's
 * receiver/otlpreceiver/internal/errors: a refusal is a google.rpc.Status (gRPC's status codes are the same numbers)
 * that each transport sends its own way, as an HTTP status with the Status as the body, or as a gRPC status.
 */
import { encodeRetryStatusProto } from '../otlp/protoResponses';
import type { OtlpDecodeError } from '../otlp/types';
import { describeError } from '../../shared/errors';
import { PAUSED_RETRY_AFTER_SECONDS } from './options';

/** The google.rpc.Code values refusals carry (google/rpc/code.proto). */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

/** The HTTP status of each code (gRPC's HTTP mapping, as the Collector uses it), unless a refusal names its own. */
const HTTP_STATUSES: Record<RpcCode, number> = {
  [RpcCode.INVALID_ARGUMENT]: 400,
  [RpcCode.RESOURCE_EXHAUSTED]: 413, // Payload Too Large: the only exhausted resource is the body limit
  [RpcCode.UNIMPLEMENTED]: 404,
  [RpcCode.INTERNAL]: 500,
  [RpcCode.UNAVAILABLE]: 503,
};

export interface RefusalOptions {
  /** How long the exporter should wait before it retries: Retry-After over HTTP, a RetryInfo detail over gRPC. */
  readonly retryAfterSeconds?: number;
  /** An HTTP-only refusal's own status, where the code's is less precise (405 for a method, 415 for a media type). */
  readonly httpStatus?: number;
  /** HTTP headers to send with it, such as Allow. */
  readonly httpHeaders?: Readonly<Record<string, string>>;
}

/** An export the receiver refuses: thrown by the request handling, answered by the transport. */
export class Refusal extends Error {
  constructor(
    readonly code: RpcCode,
    message: string,
    readonly options: RefusalOptions = {},
  ) {
    super(message);
  }
}

/** A body or message (`what`) the decoder refused: it is not a valid `requestName`. */
export function undecodable(what: string, requestName: string, error: OtlpDecodeError): Refusal {
  return new Refusal(RpcCode.INVALID_ARGUMENT, `${what} is not a valid ${requestName}: ${error.message}`);
}

/** A body over the receiver's limit; `detail` says how it is known to be (`is 30000 bytes`, `exceeds it`). */
export function tooLarge(detail: string, limitBytes: number): Refusal {
  return new Refusal(RpcCode.RESOURCE_EXHAUSTED, `The request body ${detail}; the limit is ${limitBytes} bytes.`);
}

/** UNAVAILABLE is retryable (OTLP spec, "Failures"): the exporter keeps the data and sends it again later. */
export function pausedRefusal(): Refusal {
  return new Refusal(RpcCode.UNAVAILABLE, 'The receiver is paused; retry later.', {
    retryAfterSeconds: PAUSED_RETRY_AFTER_SECONDS,
  });
}

/** What a failure of the request handling is answered with: a refusal as it is, anything else as an internal error. */
export function refusalOf(error: unknown): Refusal {
  if (error instanceof Refusal) return error;
  return new Refusal(RpcCode.INTERNAL, `The data could not be stored: ${describeError(error)}`);
}

/** The status an HTTP refusal is answered with. */
export function httpStatusOf(refusal: Refusal): number {
  return refusal.options.httpStatus ?? HTTP_STATUSES[refusal.code];
}

/** The headers an HTTP refusal is sent with, besides its body's. */
export function httpHeadersOf(refusal: Refusal): Record<string, string> {
  const { retryAfterSeconds, httpHeaders } = refusal.options;
  return {
    ...httpHeaders,
    ...(retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) }),
  };
}

/** A gRPC refusal: its status, and the `grpc-status-details-bin` trailer when the exporter should wait to retry. */
export interface GrpcRefusal {
  readonly code: RpcCode;
  readonly details: string;
  readonly statusDetails: Uint8Array | undefined;
}

/** What a gRPC refusal is answered with. */
export function grpcStatusOf(refusal: Refusal): GrpcRefusal {
  const { code, message, options } = refusal;
  const { retryAfterSeconds } = options;
  const statusDetails =
    retryAfterSeconds === undefined ? undefined : encodeRetryStatusProto(code, message, retryAfterSeconds);
  return { code, details: message, statusDetails };
}

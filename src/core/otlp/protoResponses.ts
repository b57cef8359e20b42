/** The protobuf messages the receivers answer with: an export response, or a google.rpc.Status for a refusal. */
import { WIRE_LENGTH, WIRE_VARINT } from './protoReader';
import type { PartialSuccess } from './types';

// Field numbers. opentelemetry/proto/collector/*/v1/*_service.proto:
const RESPONSE_PARTIAL_SUCCESS = 1;
const PARTIAL_SUCCESS_REJECTED = 1; // rejected_spans, rejected_log_records or rejected_data_points: int64
const PARTIAL_SUCCESS_ERROR_MESSAGE = 2;
// google/rpc/status.proto, google/rpc/error_details.proto, google/protobuf/any.proto and duration.proto:
const STATUS_CODE = 1; // int32
const STATUS_MESSAGE = 2;
const STATUS_DETAILS = 3; // repeated Any
const ANY_TYPE_URL = 1;
const ANY_VALUE = 2; // the packed message's bytes
const RETRY_INFO_RETRY_DELAY = 1; // Duration
const DURATION_SECONDS = 1; // int64

function varintBytes(value: number): number[] {
  // int32/int64 negatives are 10-byte two's complement varints.
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

function lengthDelimited(fieldNumber: number, content: Uint8Array | number[]): number[] {
  return [...varintBytes((fieldNumber << 3) | WIRE_LENGTH), ...varintBytes(content.length), ...content];
}

function varintField(fieldNumber: number, value: number): number[] {
  return [...varintBytes((fieldNumber << 3) | WIRE_VARINT), ...varintBytes(value)];
}

const encoder = new TextEncoder();

/** `Export*ServiceResponse` of any signal: empty on full success, else `partial_success {rejected, error_message}`. */
export function encodeExportResponseProto(partial?: PartialSuccess): Uint8Array {
  if (!partial) return new Uint8Array(0);
  const partialSuccess = [
    ...(partial.rejectedSpans !== 0 ? varintField(PARTIAL_SUCCESS_REJECTED, partial.rejectedSpans) : []),
    ...(partial.errorMessage !== ''
      ? lengthDelimited(PARTIAL_SUCCESS_ERROR_MESSAGE, encoder.encode(partial.errorMessage))
      : []),
  ];
  return Uint8Array.from(lengthDelimited(RESPONSE_PARTIAL_SUCCESS, partialSuccess));
}

/** `google.rpc.Status {code, message}`, the body of an OTLP/HTTP error response. */
export function encodeStatusProto(code: number, message: string): Uint8Array {
  return Uint8Array.from([
    ...(code !== 0 ? varintField(STATUS_CODE, code) : []),
    ...(message !== '' ? lengthDelimited(STATUS_MESSAGE, encoder.encode(message)) : []),
  ]);
}

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * `google.rpc.Status {code, message, details: [RetryInfo {retry_delay}]}`, sent by an OTLP/gRPC receiver as
 * `grpc-status-details-bin`: how long the exporter should wait before it retries (OTLP spec, "Failures").
 */
export function encodeRetryStatusProto(code: number, message: string, retryDelaySeconds: number): Uint8Array {
  const retryInfo = lengthDelimited(RETRY_INFO_RETRY_DELAY, varintField(DURATION_SECONDS, retryDelaySeconds));
  const detail = [
    ...lengthDelimited(ANY_TYPE_URL, encoder.encode(RETRY_INFO_TYPE_URL)),
    ...lengthDelimited(ANY_VALUE, retryInfo),
  ];
  return Uint8Array.from([...encodeStatusProto(code, message), ...lengthDelimited(STATUS_DETAILS, detail)]);
}

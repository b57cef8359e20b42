/** What the OTLP/HTTP and OTLP/gRPC receivers share: their options, log, bound address and limits. */
import type { ForwardedRequest } from '../forward/otlpForwarder';
import type { LogsDecodeResult, MetricsDecodeResult, TraceDecodeResult } from '../otlp/types';
import type { OtlpSignal } from './signals';

/**
 * Where the receivers listen unless told otherwise: this machine only, on OTLP's registered ports. package.json's
 * setting defaults repeat them (test/unit/contributions.test.ts keeps the two equal).
 */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_GRPC_PORT = 4317;

/**
 * The limit on a request body (HTTP) or message (gRPC), after decompression: the OTel Collector's HTTP default, and
 * the extension's setting default.
 */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
/** While paused, exporters are told to retry after this many seconds, so nothing is lost. */
export const PAUSED_RETRY_AFTER_SECONDS = 5;

export interface ReceiverLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const NO_LOG: ReceiverLog = { info() {}, warn() {}, error() {} };

export interface OtlpReceiverOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Awaited before the response is sent, so a failure here reaches the exporter as an error it can report. */
  onTraces(result: TraceDecodeResult): void | Promise<void>;
  /** Like `onTraces`; without it, logs are decoded (a bad body still gets 400) and dropped. */
  onLogs?(result: LogsDecodeResult): void | Promise<void>;
  /** Like `onTraces`; without it, metrics are decoded (a bad body still gets 400) and dropped. */
  onMetrics?(result: MetricsDecodeResult): void | Promise<void>;
  /**
   * Every request its signal's handler took, as decoded: the body inflated, in its encoding. Awaited after the handler
   * and before the response (e.g. to store it durably), so a failure here reaches the exporter too.
   */
  onDecodedBody?(request: DecodedBody): void | Promise<void>;
  /**
   * Every request answered 200, as received (HTTP: the body still compressed, with its media type and coding; gRPC: the
   * message as protobuf), called after the answer, e.g. to forward it. It must not block; what it throws is logged.
   */
  onAccepted?(request: ForwardedRequest): void;
  log?: ReceiverLog;
}

/**
 * Marks a request another window of the extension sends with what it made itself (a replay): stored, but never
 * handed to `onAccepted`, as the window that owns the store forwards neither its own replays nor the gateway's spans.
 */
export const WINDOW_RECORD_HEADER = 'x-ai-trace-lens-window-record';

/** A received request's body as the decoders read it: inflated protobuf, or JSON text. */
export interface DecodedBody {
  signal: OtlpSignal;
  encoding: 'protobuf' | 'json';
  body: Uint8Array;
}

export interface ReceiverAddress {
  host: string;
  port: number;
}

/**
 * The three OTLP signals as both receivers (HTTP and gRPC) handle them: how each request is decoded, counted, answered
 * and handed to its store, so that logs and metrics follow exactly the rules traces do.
 */
import { logRecordsOf } from '../otlp/logModel';
import { decodeLogsRequestJson } from '../otlp/logsJson';
import { decodeLogsRequestProto } from '../otlp/logsProtobuf';
import { dataPointCount, metricsOf } from '../otlp/metricModel';
import { decodeMetricsRequestJson } from '../otlp/metricsJson';
import { decodeMetricsRequestProto } from '../otlp/metricsProtobuf';
import { decodeTraceRequestJson } from '../otlp/traceJson';
import { decodeTraceRequestProto } from '../otlp/traceProtobuf';
import type { LogsDecodeResult, MetricsDecodeResult, PartialSuccess, TraceDecodeResult } from '../otlp/types';
import { spansOf } from '../model';
import type { DecodedBody, OtlpReceiverOptions } from './options';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface SignalResults {
  traces: TraceDecodeResult;
  logs: LogsDecodeResult;
  metrics: MetricsDecodeResult;
}

export interface SignalCodec<R> {
  /** The request message, for error messages. */
  requestName: string;
  decodeProto(bytes: Uint8Array): R;
  decodeJson(text: string): R;
  /** Spans, log records or data points received, for the receiver's log. */
  itemCount(result: R): number;
  /** Their plural noun. */
  items: string;
  rejected(result: R): number;
}

export const SIGNAL_CODECS: { readonly [S in OtlpSignal]: SignalCodec<SignalResults[S]> } = {
  traces: {
    requestName: 'ExportTraceServiceRequest',
    decodeProto: decodeTraceRequestProto,
    decodeJson: decodeTraceRequestJson,
    itemCount: (result) => spansOf(result.request).length,
    items: 'spans',
    rejected: (result) => result.rejectedSpans,
  },
  logs: {
    requestName: 'ExportLogsServiceRequest',
    decodeProto: decodeLogsRequestProto,
    decodeJson: decodeLogsRequestJson,
    itemCount: (result) => logRecordsOf(result.request).length,
    items: 'log records',
    rejected: (result) => result.rejectedLogRecords,
  },
  metrics: {
    requestName: 'ExportMetricsServiceRequest',
    decodeProto: decodeMetricsRequestProto,
    decodeJson: decodeMetricsRequestJson,
    itemCount: (result) => metricsOf(result.request).reduce((sum, metric) => sum + dataPointCount(metric), 0),
    items: 'data points',
    rejected: (result) => result.rejectedDataPoints,
  },
};

/** What to answer a decoded request with: undefined on full success. */
export function partialSuccessOf<S extends OtlpSignal>(
  signal: S,
  result: SignalResults[S],
): PartialSuccess | undefined {
  const rejected = SIGNAL_CODECS[signal].rejected(result);
  return rejected > 0 ? { rejectedSpans: rejected, errorMessage: result.rejectionMessage ?? '' } : undefined;
}

/**
 * Hands a decoded request to the receiver's handler for its signal, then its body to `onDecodedBody`; false when there
 * is no handler (the request is then accepted and dropped, so exporters sending every signal log no errors).
 */
export async function deliverSignal<S extends OtlpSignal>(
  options: OtlpReceiverOptions,
  result: SignalResults[S],
  decoded: DecodedBody & { signal: S },
): Promise<boolean> {
  const { signal } = decoded;
  if (signal === 'traces') await options.onTraces(result as TraceDecodeResult);
  else if (signal === 'logs') {
    if (!options.onLogs) return false;
    await options.onLogs(result as LogsDecodeResult);
  } else {
    if (!options.onMetrics) return false;
    await options.onMetrics(result as MetricsDecodeResult);
  }
  await options.onDecodedBody?.(decoded);
  return true;
}

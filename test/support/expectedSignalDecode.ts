/**
 * What a logs or metrics decoder must return for a request as sent: the decoders' rules for rejected records and
 * data points, written independently of them.
 */
import type { LogsRequest } from '../../src/core/otlp/logModel';
import type { Metric, MetricsRequest } from '../../src/core/otlp/metricModel';
import type { LogsDecodeResult, MetricsDecodeResult } from '../../src/core/otlp/types';

/** The record rule, written independently of the decoders: ids empty or of their exact size. */
function isAcceptedRecord(traceId: string, spanId: string): boolean {
  return (traceId.length === 0 || traceId.length === 32) && (spanId.length === 0 || spanId.length === 16);
}

/** An all-zero id means no id. */
export const zeroToEmpty = (hex: string) => (/^0*$/.test(hex) ? '' : hex);

function logRejection(rejected: number): string | undefined {
  if (rejected === 0) return undefined;
  return `${rejected} log record${rejected === 1 ? '' : 's'} rejected: trace_id must be 16 bytes and span_id 8 bytes when set`;
}

export function expectedLogsDecode(request: LogsRequest): LogsDecodeResult {
  let rejected = 0;
  const resourceLogs = request.resourceLogs.map((resourceLogs) => ({
    ...resourceLogs,
    scopeLogs: resourceLogs.scopeLogs.map((scopeLogs) => ({
      ...scopeLogs,
      logRecords: scopeLogs.logRecords.flatMap((record) => {
        if (!isAcceptedRecord(record.traceId, record.spanId)) {
          rejected++;
          return [];
        }
        return [{ ...record, traceId: zeroToEmpty(record.traceId), spanId: zeroToEmpty(record.spanId) }];
      }),
    })),
  }));
  return { request: { resourceLogs }, rejectedLogRecords: rejected, rejectionMessage: logRejection(rejected) };
}

const pointsOf = (metric: Metric) => (metric.data.type === 'none' ? 0 : metric.data.dataPoints.length);

function dataPointRejection(rejected: number): string | undefined {
  if (rejected === 0) return undefined;
  return `${rejected} data point${rejected === 1 ? '' : 's'} rejected: their metric has no name`;
}

export function expectedMetricsDecode(request: MetricsRequest): MetricsDecodeResult {
  let rejected = 0;
  const resourceMetrics = request.resourceMetrics.map((resourceMetrics) => ({
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scopeMetrics) => ({
      ...scopeMetrics,
      metrics: scopeMetrics.metrics.filter((metric) => {
        if (metric.name !== '') return true;
        rejected += pointsOf(metric);
        return false;
      }),
    })),
  }));
  return { request: { resourceMetrics }, rejectedDataPoints: rejected, rejectionMessage: dataPointRejection(rejected) };
}

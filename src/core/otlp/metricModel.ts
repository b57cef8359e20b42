/**
 * The normalised OTLP metric, as every metrics decoder produces it. Counts and integer values are numbers (they stay
 * far below 2^53 in practice), times are nanoseconds as bigint, attributes are Maps. Optional doubles (a histogram's
 * sum, min, max) are undefined when absent.
 */
import type { AttributeMap, InstrumentationScope, Resource } from '../model';

/** OTLP `AggregationTemporality`: 1 delta, 2 cumulative (0 unspecified). */
export const AggregationTemporality = { Unspecified: 0, Delta: 1, Cumulative: 2 } as const;

export interface Exemplar {
  filteredAttributes: AttributeMap;
  timeUnixNano: bigint;
  value: number;
  /** '' when absent. */
  traceId: string;
  spanId: string;
}

interface DataPointBase {
  attributes: AttributeMap;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

export interface NumberDataPoint extends DataPointBase {
  /** `as_double`, or `as_int` as a number. */
  value: number;
  exemplars: Exemplar[];
}

export interface HistogramDataPoint extends DataPointBase {
  count: number;
  sum: number | undefined;
  /** One more count than bounds: bucket i holds values in (bounds[i-1], bounds[i]]. */
  bucketCounts: number[];
  explicitBounds: number[];
  min: number | undefined;
  max: number | undefined;
  exemplars: Exemplar[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint extends DataPointBase {
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
  exemplars: Exemplar[];
}

export interface SummaryDataPoint extends DataPointBase {
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

/** The `data` oneof of a Metric; `none` when it is not set. */
export type MetricData =
  | { type: 'gauge'; dataPoints: NumberDataPoint[] }
  | { type: 'sum'; aggregationTemporality: number; isMonotonic: boolean; dataPoints: NumberDataPoint[] }
  | { type: 'histogram'; aggregationTemporality: number; dataPoints: HistogramDataPoint[] }
  | { type: 'exponentialHistogram'; aggregationTemporality: number; dataPoints: ExponentialHistogramDataPoint[] }
  | { type: 'summary'; dataPoints: SummaryDataPoint[] }
  | { type: 'none' };

export type MetricType = MetricData['type'];

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data: MetricData;
  resource: Resource;
  scope: InstrumentationScope;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  schemaUrl: string;
  metrics: Metric[];
}

export interface ResourceMetrics {
  resource: Resource;
  schemaUrl: string;
  scopeMetrics: ScopeMetrics[];
}

/** A decoded `ExportMetricsServiceRequest`. */
export interface MetricsRequest {
  resourceMetrics: ResourceMetrics[];
}

export function metricsOf(request: MetricsRequest): Metric[] {
  const metrics: Metric[] = [];
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) metrics.push(metric);
    }
  }
  return metrics;
}

export function dataPointCount(metric: Metric): number {
  return metric.data.type === 'none' ? 0 : metric.data.dataPoints.length;
}

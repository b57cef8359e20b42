/** OTLP/protobuf metrics decoding into the metric model, on the wire reader every signal shares. */
import * as ids from '../../shared/ids';
import type { AttributeMap, InstrumentationScope, Resource } from '../model';
import {
  dataPointCount,
  type Exemplar,
  type ExponentialBuckets,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type Metric,
  type MetricData,
  type MetricsRequest,
  type NumberDataPoint,
  type ResourceMetrics,
  type ScopeMetrics,
  type SummaryDataPoint,
} from './metricModel';
import { asBuffer, fieldTag, OtlpProtoReader, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } from './protoReader';
import type { MetricsDecodeResult } from './types';
import { dataPointRejectionMessage } from './wire';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protoReader.ts). */
const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;

// opentelemetry/proto/collector/metrics/v1/metrics_service.proto
const REQUEST_RESOURCE_METRICS = fieldTag(1, WIRE_LENGTH);
// opentelemetry/proto/metrics/v1/metrics.proto
const RESOURCE_METRICS_RESOURCE = fieldTag(1, WIRE_LENGTH);
const RESOURCE_METRICS_SCOPE_METRICS = fieldTag(2, WIRE_LENGTH);
const RESOURCE_METRICS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const SCOPE_METRICS_SCOPE = fieldTag(1, WIRE_LENGTH);
const SCOPE_METRICS_METRICS = fieldTag(2, WIRE_LENGTH);
const SCOPE_METRICS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const METRIC_NAME = fieldTag(1, WIRE_LENGTH);
const METRIC_DESCRIPTION = fieldTag(2, WIRE_LENGTH);
const METRIC_UNIT = fieldTag(3, WIRE_LENGTH);
const METRIC_GAUGE = fieldTag(5, WIRE_LENGTH);
const METRIC_SUM = fieldTag(7, WIRE_LENGTH);
const METRIC_HISTOGRAM = fieldTag(9, WIRE_LENGTH);
const METRIC_EXPONENTIAL_HISTOGRAM = fieldTag(10, WIRE_LENGTH);
const METRIC_SUMMARY = fieldTag(11, WIRE_LENGTH);
// Gauge, Sum, Histogram, ExponentialHistogram and Summary alike.
const DATA_POINTS = fieldTag(1, WIRE_LENGTH);
const AGGREGATION_TEMPORALITY = fieldTag(2, WIRE_VARINT); // not in Gauge and Summary
const SUM_IS_MONOTONIC = fieldTag(3, WIRE_VARINT);
// Every data point type.
const POINT_START_TIME = fieldTag(2, WIRE_FIXED64); // start_time_unix_nano
const POINT_TIME = fieldTag(3, WIRE_FIXED64); // time_unix_nano
const NUMBER_POINT_AS_DOUBLE = fieldTag(4, WIRE_FIXED64);
const NUMBER_POINT_EXEMPLARS = fieldTag(5, WIRE_LENGTH);
const NUMBER_POINT_AS_INT = fieldTag(6, WIRE_FIXED64); // sfixed64
const NUMBER_POINT_ATTRIBUTES = fieldTag(7, WIRE_LENGTH);
const NUMBER_POINT_FLAGS = fieldTag(8, WIRE_VARINT);
const HISTOGRAM_POINT_COUNT = fieldTag(4, WIRE_FIXED64);
const HISTOGRAM_POINT_SUM = fieldTag(5, WIRE_FIXED64); // double
const HISTOGRAM_POINT_BUCKET_COUNTS = fieldTag(6, WIRE_LENGTH); // packed fixed64
const HISTOGRAM_POINT_BUCKET_COUNT = fieldTag(6, WIRE_FIXED64); // one, unpacked
const HISTOGRAM_POINT_EXPLICIT_BOUNDS = fieldTag(7, WIRE_LENGTH); // packed double
const HISTOGRAM_POINT_EXPLICIT_BOUND = fieldTag(7, WIRE_FIXED64); // one, unpacked
const HISTOGRAM_POINT_EXEMPLARS = fieldTag(8, WIRE_LENGTH);
const HISTOGRAM_POINT_ATTRIBUTES = fieldTag(9, WIRE_LENGTH);
const HISTOGRAM_POINT_FLAGS = fieldTag(10, WIRE_VARINT);
const HISTOGRAM_POINT_MIN = fieldTag(11, WIRE_FIXED64);
const HISTOGRAM_POINT_MAX = fieldTag(12, WIRE_FIXED64);
const EXPONENTIAL_POINT_ATTRIBUTES = fieldTag(1, WIRE_LENGTH);
const EXPONENTIAL_POINT_COUNT = fieldTag(4, WIRE_FIXED64);
const EXPONENTIAL_POINT_SUM = fieldTag(5, WIRE_FIXED64); // double
const EXPONENTIAL_POINT_SCALE = fieldTag(6, WIRE_VARINT); // sint32
const EXPONENTIAL_POINT_ZERO_COUNT = fieldTag(7, WIRE_FIXED64);
const EXPONENTIAL_POINT_POSITIVE = fieldTag(8, WIRE_LENGTH); // Buckets
const EXPONENTIAL_POINT_NEGATIVE = fieldTag(9, WIRE_LENGTH); // Buckets
const EXPONENTIAL_POINT_FLAGS = fieldTag(10, WIRE_VARINT);
const EXPONENTIAL_POINT_EXEMPLARS = fieldTag(11, WIRE_LENGTH);
const EXPONENTIAL_POINT_MIN = fieldTag(12, WIRE_FIXED64);
const EXPONENTIAL_POINT_MAX = fieldTag(13, WIRE_FIXED64);
const EXPONENTIAL_POINT_ZERO_THRESHOLD = fieldTag(14, WIRE_FIXED64); // double
const BUCKETS_OFFSET = fieldTag(1, WIRE_VARINT); // sint32
const BUCKETS_BUCKET_COUNTS = fieldTag(2, WIRE_LENGTH); // packed uint64
const BUCKETS_BUCKET_COUNT = fieldTag(2, WIRE_VARINT); // one, unpacked
const SUMMARY_POINT_COUNT = fieldTag(4, WIRE_FIXED64);
const SUMMARY_POINT_SUM = fieldTag(5, WIRE_FIXED64); // double
const SUMMARY_POINT_QUANTILE_VALUES = fieldTag(6, WIRE_LENGTH);
const SUMMARY_POINT_ATTRIBUTES = fieldTag(7, WIRE_LENGTH);
const SUMMARY_POINT_FLAGS = fieldTag(8, WIRE_VARINT);
const QUANTILE_QUANTILE = fieldTag(1, WIRE_FIXED64); // double
const QUANTILE_VALUE = fieldTag(2, WIRE_FIXED64); // double
const EXEMPLAR_TIME = fieldTag(2, WIRE_FIXED64); // time_unix_nano
const EXEMPLAR_AS_DOUBLE = fieldTag(3, WIRE_FIXED64);
const EXEMPLAR_SPAN_ID = fieldTag(4, WIRE_LENGTH); // bytes
const EXEMPLAR_TRACE_ID = fieldTag(5, WIRE_LENGTH); // bytes
const EXEMPLAR_AS_INT = fieldTag(6, WIRE_FIXED64); // sfixed64
const EXEMPLAR_FILTERED_ATTRIBUTES = fieldTag(7, WIRE_LENGTH);

/** The fields every data point type has (attributes and flags at per-type field numbers). */
interface PointCommon {
  attributes: AttributeMap;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

class MetricsRequestReader extends OtlpProtoReader {
  rejectedDataPoints = 0;

  constructor(buf: Buffer) {
    super(buf, 'ExportMetricsServiceRequest');
  }

  request(): MetricsRequest {
    const end = this.buf.length;
    const resourceMetrics: ResourceMetrics[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === REQUEST_RESOURCE_METRICS) resourceMetrics.push(this.resourceMetrics(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return { resourceMetrics };
  }

  private resourceMetrics(end: number): ResourceMetrics {
    const resource: Resource = { attributes: new Map(), droppedAttributesCount: 0 };
    const scopeMetrics: ScopeMetrics[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === RESOURCE_METRICS_RESOURCE) this.resource(this.messageEnd(end), resource);
      else if (tag === RESOURCE_METRICS_SCOPE_METRICS)
        scopeMetrics.push(this.scopeMetrics(this.messageEnd(end), resource));
      else if (tag === RESOURCE_METRICS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { resource, schemaUrl, scopeMetrics };
  }

  private scopeMetrics(end: number, resource: Resource): ScopeMetrics {
    const scope: InstrumentationScope = { name: '', version: '', attributes: new Map(), droppedAttributesCount: 0 };
    const metrics: Metric[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === SCOPE_METRICS_METRICS) {
        const metric = this.metric(this.messageEnd(end), resource, scope);
        if (metric.name !== '') metrics.push(metric);
        else this.rejectedDataPoints += dataPointCount(metric);
      } else if (tag === SCOPE_METRICS_SCOPE) this.scope(this.messageEnd(end), scope);
      else if (tag === SCOPE_METRICS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { scope, schemaUrl, metrics };
  }

  /** The `data` oneof: the last member on the wire wins. */
  private metric(end: number, resource: Resource, scope: InstrumentationScope): Metric {
    let name = '';
    let description = '';
    let unit = '';
    let data: MetricData = { type: 'none' };
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === METRIC_NAME) name = this.string(end);
      else if (tag === METRIC_DESCRIPTION) description = this.string(end);
      else if (tag === METRIC_UNIT) unit = this.string(end);
      else if (tag === METRIC_GAUGE)
        data = { type: 'gauge', dataPoints: this.numberPoints(this.messageEnd(end)).dataPoints };
      else if (tag === METRIC_SUM) data = { type: 'sum', ...this.numberPoints(this.messageEnd(end)) };
      else if (tag === METRIC_HISTOGRAM) data = { type: 'histogram', ...this.histogram(this.messageEnd(end)) };
      else if (tag === METRIC_EXPONENTIAL_HISTOGRAM)
        data = { type: 'exponentialHistogram', ...this.exponentialHistogram(this.messageEnd(end)) };
      else if (tag === METRIC_SUMMARY) data = { type: 'summary', dataPoints: this.summary(this.messageEnd(end)) };
      else this.skip(tag, end);
    }
    return { name, description, unit, data, resource, scope };
  }

  /** A Gauge or a Sum (a Gauge has only its data points). */
  private numberPoints(end: number): {
    aggregationTemporality: number;
    isMonotonic: boolean;
    dataPoints: NumberDataPoint[];
  } {
    const dataPoints: NumberDataPoint[] = [];
    let aggregationTemporality = 0;
    let isMonotonic = false;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === DATA_POINTS) dataPoints.push(this.numberPoint(this.messageEnd(end)));
      else if (tag === AGGREGATION_TEMPORALITY) aggregationTemporality = this.varint32(end) | 0;
      else if (tag === SUM_IS_MONOTONIC) isMonotonic = this.bool(end);
      else this.skip(tag, end);
    }
    return { aggregationTemporality, isMonotonic, dataPoints };
  }

  private histogram(end: number): { aggregationTemporality: number; dataPoints: HistogramDataPoint[] } {
    const dataPoints: HistogramDataPoint[] = [];
    let aggregationTemporality = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === DATA_POINTS) dataPoints.push(this.histogramPoint(this.messageEnd(end)));
      else if (tag === AGGREGATION_TEMPORALITY) aggregationTemporality = this.varint32(end) | 0;
      else this.skip(tag, end);
    }
    return { aggregationTemporality, dataPoints };
  }

  private exponentialHistogram(end: number): {
    aggregationTemporality: number;
    dataPoints: ExponentialHistogramDataPoint[];
  } {
    const dataPoints: ExponentialHistogramDataPoint[] = [];
    let aggregationTemporality = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === DATA_POINTS) dataPoints.push(this.exponentialPoint(this.messageEnd(end)));
      else if (tag === AGGREGATION_TEMPORALITY) aggregationTemporality = this.varint32(end) | 0;
      else this.skip(tag, end);
    }
    return { aggregationTemporality, dataPoints };
  }

  private summary(end: number): SummaryDataPoint[] {
    const dataPoints: SummaryDataPoint[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === DATA_POINTS) dataPoints.push(this.summaryPoint(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return dataPoints;
  }

  private common(): PointCommon {
    return { attributes: new Map(), startTimeUnixNano: 0n, timeUnixNano: 0n, flags: 0 };
  }

  /** Reads a field every data point type has at the same number (its times), or returns false. */
  private commonField(tag: number, end: number, point: PointCommon): boolean {
    if (tag === POINT_START_TIME) point.startTimeUnixNano = this.fixed64(end);
    else if (tag === POINT_TIME) point.timeUnixNano = this.fixed64(end);
    else return false;
    return true;
  }

  private numberPoint(end: number): NumberDataPoint {
    const point = this.common();
    const exemplars: Exemplar[] = [];
    let value = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (this.commonField(tag, end, point)) continue;
      if (tag === NUMBER_POINT_ATTRIBUTES) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === NUMBER_POINT_AS_DOUBLE) value = this.float64(end);
      else if (tag === NUMBER_POINT_AS_INT) value = this.sfixed64(end);
      else if (tag === NUMBER_POINT_EXEMPLARS) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === NUMBER_POINT_FLAGS) point.flags = this.varint32(end);
      else this.skip(tag, end);
    }
    return { ...point, value, exemplars };
  }

  private histogramPoint(end: number): HistogramDataPoint {
    const point = this.common();
    const exemplars: Exemplar[] = [];
    let count = 0;
    let sum: number | undefined;
    const bucketCounts: number[] = [];
    const explicitBounds: number[] = [];
    let min: number | undefined;
    let max: number | undefined;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (this.commonField(tag, end, point)) continue;
      if (tag === HISTOGRAM_POINT_ATTRIBUTES) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === HISTOGRAM_POINT_COUNT) count = this.fixed64Number(end);
      else if (tag === HISTOGRAM_POINT_SUM) sum = this.float64(end);
      else if (tag === HISTOGRAM_POINT_BUCKET_COUNTS)
        this.packed(this.messageEnd(end), bucketCounts, (listEnd) => this.fixed64Number(listEnd));
      else if (tag === HISTOGRAM_POINT_BUCKET_COUNT) bucketCounts.push(this.fixed64Number(end));
      else if (tag === HISTOGRAM_POINT_EXPLICIT_BOUNDS)
        this.packed(this.messageEnd(end), explicitBounds, (listEnd) => this.float64(listEnd));
      else if (tag === HISTOGRAM_POINT_EXPLICIT_BOUND) explicitBounds.push(this.float64(end));
      else if (tag === HISTOGRAM_POINT_EXEMPLARS) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === HISTOGRAM_POINT_FLAGS) point.flags = this.varint32(end);
      else if (tag === HISTOGRAM_POINT_MIN) min = this.float64(end);
      else if (tag === HISTOGRAM_POINT_MAX) max = this.float64(end);
      else this.skip(tag, end);
    }
    return { ...point, count, sum, bucketCounts, explicitBounds, min, max, exemplars };
  }

  private exponentialPoint(end: number): ExponentialHistogramDataPoint {
    const point = this.common();
    const exemplars: Exemplar[] = [];
    let count = 0;
    let sum: number | undefined;
    let scale = 0;
    let zeroCount = 0;
    let positive: ExponentialBuckets = { offset: 0, bucketCounts: [] };
    let negative: ExponentialBuckets = { offset: 0, bucketCounts: [] };
    let min: number | undefined;
    let max: number | undefined;
    let zeroThreshold = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (this.commonField(tag, end, point)) continue;
      if (tag === EXPONENTIAL_POINT_ATTRIBUTES) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === EXPONENTIAL_POINT_COUNT) count = this.fixed64Number(end);
      else if (tag === EXPONENTIAL_POINT_SUM) sum = this.float64(end);
      else if (tag === EXPONENTIAL_POINT_SCALE) scale = this.sint32(end);
      else if (tag === EXPONENTIAL_POINT_ZERO_COUNT) zeroCount = this.fixed64Number(end);
      else if (tag === EXPONENTIAL_POINT_POSITIVE) positive = this.buckets(this.messageEnd(end));
      else if (tag === EXPONENTIAL_POINT_NEGATIVE) negative = this.buckets(this.messageEnd(end));
      else if (tag === EXPONENTIAL_POINT_FLAGS) point.flags = this.varint32(end);
      else if (tag === EXPONENTIAL_POINT_EXEMPLARS) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === EXPONENTIAL_POINT_MIN) min = this.float64(end);
      else if (tag === EXPONENTIAL_POINT_MAX) max = this.float64(end);
      else if (tag === EXPONENTIAL_POINT_ZERO_THRESHOLD) zeroThreshold = this.float64(end);
      else this.skip(tag, end);
    }
    return { ...point, count, sum, scale, zeroCount, positive, negative, min, max, zeroThreshold, exemplars };
  }

  private buckets(end: number): ExponentialBuckets {
    let offset = 0;
    const bucketCounts: number[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === BUCKETS_OFFSET) offset = this.sint32(end);
      else if (tag === BUCKETS_BUCKET_COUNTS) {
        const listEnd = this.messageEnd(end);
        while (this.pos < listEnd) bucketCounts.push(Number(this.int64(listEnd)));
      } else if (tag === BUCKETS_BUCKET_COUNT) bucketCounts.push(Number(this.int64(end)));
      else this.skip(tag, end);
    }
    return { offset, bucketCounts };
  }

  private summaryPoint(end: number): SummaryDataPoint {
    const point = this.common();
    let count = 0;
    let sum = 0;
    const quantileValues: { quantile: number; value: number }[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (this.commonField(tag, end, point)) continue;
      if (tag === SUMMARY_POINT_ATTRIBUTES) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === SUMMARY_POINT_COUNT) count = this.fixed64Number(end);
      else if (tag === SUMMARY_POINT_SUM) sum = this.float64(end);
      else if (tag === SUMMARY_POINT_QUANTILE_VALUES) quantileValues.push(this.quantileValue(this.messageEnd(end)));
      else if (tag === SUMMARY_POINT_FLAGS) point.flags = this.varint32(end);
      else this.skip(tag, end);
    }
    return { ...point, count, sum, quantileValues };
  }

  private quantileValue(end: number): { quantile: number; value: number } {
    let quantile = 0;
    let value = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === QUANTILE_QUANTILE) quantile = this.float64(end);
      else if (tag === QUANTILE_VALUE) value = this.float64(end);
      else this.skip(tag, end);
    }
    return { quantile, value };
  }

  /** Exemplar ids are optional: anything but a valid id of the right size is left out as ''. */
  private exemplar(end: number): Exemplar {
    const filteredAttributes: AttributeMap = new Map();
    let timeUnixNano = 0n;
    let value = 0;
    let traceId = '';
    let spanId = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === EXEMPLAR_FILTERED_ATTRIBUTES) this.keyValue(this.messageEnd(end), filteredAttributes, 0);
      else if (tag === EXEMPLAR_TIME) timeUnixNano = this.fixed64(end);
      else if (tag === EXEMPLAR_AS_DOUBLE) value = this.float64(end);
      else if (tag === EXEMPLAR_AS_INT) value = this.sfixed64(end);
      else if (tag === EXEMPLAR_SPAN_ID) spanId = this.exemplarId(this.messageEnd(end), SPAN_ID_BYTES);
      else if (tag === EXEMPLAR_TRACE_ID) traceId = this.exemplarId(this.messageEnd(end), TRACE_ID_BYTES);
      else this.skip(tag, end);
    }
    return { filteredAttributes, timeUnixNano, value, traceId, spanId };
  }

  private exemplarId(end: number, size: number): string {
    if (this.isValidId(end, size)) return this.id(end);
    this.pos = end;
    return '';
  }

  /** A packed repeated field: items up to `listEnd`, each read within it (a cut-off last item is malformed). */
  private packed(listEnd: number, into: number[], read: (listEnd: number) => number): void {
    while (this.pos < listEnd) into.push(read(listEnd));
  }

  private fixed64Number(end: number): number {
    const pos = this.advance(8, end);
    return this.view.getUint32(pos, true) + this.view.getUint32(pos + 4, true) * 0x100000000;
  }

  private sfixed64(end: number): number {
    const pos = this.advance(8, end);
    return this.view.getUint32(pos, true) + this.view.getInt32(pos + 4, true) * 0x100000000;
  }

  private sint32(end: number): number {
    const zigzag = this.varint32(end);
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }
}

/** Decodes an `ExportMetricsServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeMetricsRequestProto(bytes: Uint8Array): MetricsDecodeResult {
  const reader = new MetricsRequestReader(asBuffer(bytes));
  const request = reader.request();
  const rejected = reader.rejectedDataPoints;
  return { request, rejectedDataPoints: rejected, rejectionMessage: dataPointRejectionMessage(rejected) };
}

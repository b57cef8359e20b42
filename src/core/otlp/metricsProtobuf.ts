/** OTLP/protobuf metrics decoding into the metric model, on the shared wire reader of the trace decoder. */
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
import { asBuffer, OtlpProtoReader } from './protobuf';
import type { MetricsDecodeResult } from './types';
import { dataPointRejectionMessage } from './wire';

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
      if (tag === 10) resourceMetrics.push(this.resourceMetrics(this.messageEnd(end)));
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
      if (tag === 10) this.resource(this.messageEnd(end), resource);
      else if (tag === 18) scopeMetrics.push(this.scopeMetrics(this.messageEnd(end), resource));
      else if (tag === 26) schemaUrl = this.string(end);
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
      if (tag === 18) {
        const metric = this.metric(this.messageEnd(end), resource, scope);
        if (metric.name !== '') metrics.push(metric);
        else this.rejectedDataPoints += dataPointCount(metric);
      } else if (tag === 10) this.scope(this.messageEnd(end), scope);
      else if (tag === 26) schemaUrl = this.string(end);
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
      if (tag === 10) name = this.string(end);
      else if (tag === 18) description = this.string(end);
      else if (tag === 26) unit = this.string(end);
      else if (tag === 42) data = { type: 'gauge', dataPoints: this.numberPoints(this.messageEnd(end)).dataPoints };
      else if (tag === 58) data = { type: 'sum', ...this.numberPoints(this.messageEnd(end)) };
      else if (tag === 74) data = { type: 'histogram', ...this.histogram(this.messageEnd(end)) };
      else if (tag === 82) data = { type: 'exponentialHistogram', ...this.exponentialHistogram(this.messageEnd(end)) };
      else if (tag === 90) data = { type: 'summary', dataPoints: this.summary(this.messageEnd(end)) };
      else this.skip(tag, end);
    }
    return { name, description, unit, data, resource, scope };
  }

  /** A Gauge or a Sum (a Gauge has only field 1). */
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
      if (tag === 10) dataPoints.push(this.numberPoint(this.messageEnd(end)));
      else if (tag === 16) aggregationTemporality = this.varint32(end) | 0;
      else if (tag === 24) isMonotonic = this.bool(end);
      else this.skip(tag, end);
    }
    return { aggregationTemporality, isMonotonic, dataPoints };
  }

  private histogram(end: number): { aggregationTemporality: number; dataPoints: HistogramDataPoint[] } {
    const dataPoints: HistogramDataPoint[] = [];
    let aggregationTemporality = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) dataPoints.push(this.histogramPoint(this.messageEnd(end)));
      else if (tag === 16) aggregationTemporality = this.varint32(end) | 0;
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
      if (tag === 10) dataPoints.push(this.exponentialPoint(this.messageEnd(end)));
      else if (tag === 16) aggregationTemporality = this.varint32(end) | 0;
      else this.skip(tag, end);
    }
    return { aggregationTemporality, dataPoints };
  }

  private summary(end: number): SummaryDataPoint[] {
    const dataPoints: SummaryDataPoint[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 10) dataPoints.push(this.summaryPoint(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return dataPoints;
  }

  private common(): PointCommon {
    return { attributes: new Map(), startTimeUnixNano: 0n, timeUnixNano: 0n, flags: 0 };
  }

  /** Reads a field every data point type has at the same number (its times), or returns false. */
  private commonField(tag: number, end: number, point: PointCommon): boolean {
    if (tag === 17) point.startTimeUnixNano = this.fixed64(end);
    else if (tag === 25) point.timeUnixNano = this.fixed64(end);
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
      if (tag === 58) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === 33) value = this.float64(end);
      else if (tag === 49) value = this.sfixed64(end);
      else if (tag === 42) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === 64) point.flags = this.varint32(end);
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
      if (tag === 74) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === 33) count = this.fixed64Number(end);
      else if (tag === 41) sum = this.float64(end);
      else if (tag === 50) this.packed(this.messageEnd(end), bucketCounts, (listEnd) => this.fixed64Number(listEnd));
      else if (tag === 49) bucketCounts.push(this.fixed64Number(end));
      else if (tag === 58) this.packed(this.messageEnd(end), explicitBounds, (listEnd) => this.float64(listEnd));
      else if (tag === 57) explicitBounds.push(this.float64(end));
      else if (tag === 66) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === 80) point.flags = this.varint32(end);
      else if (tag === 89) min = this.float64(end);
      else if (tag === 97) max = this.float64(end);
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
      if (tag === 10) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === 33) count = this.fixed64Number(end);
      else if (tag === 41) sum = this.float64(end);
      else if (tag === 48) scale = this.sint32(end);
      else if (tag === 57) zeroCount = this.fixed64Number(end);
      else if (tag === 66) positive = this.buckets(this.messageEnd(end));
      else if (tag === 74) negative = this.buckets(this.messageEnd(end));
      else if (tag === 80) point.flags = this.varint32(end);
      else if (tag === 90) exemplars.push(this.exemplar(this.messageEnd(end)));
      else if (tag === 97) min = this.float64(end);
      else if (tag === 105) max = this.float64(end);
      else if (tag === 113) zeroThreshold = this.float64(end);
      else this.skip(tag, end);
    }
    return { ...point, count, sum, scale, zeroCount, positive, negative, min, max, zeroThreshold, exemplars };
  }

  private buckets(end: number): ExponentialBuckets {
    let offset = 0;
    const bucketCounts: number[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 8) offset = this.sint32(end);
      else if (tag === 18) {
        const listEnd = this.messageEnd(end);
        while (this.pos < listEnd) bucketCounts.push(Number(this.int64(listEnd)));
      } else if (tag === 16) bucketCounts.push(Number(this.int64(end)));
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
      if (tag === 58) this.keyValue(this.messageEnd(end), point.attributes, 0);
      else if (tag === 33) count = this.fixed64Number(end);
      else if (tag === 41) sum = this.float64(end);
      else if (tag === 50) quantileValues.push(this.quantileValue(this.messageEnd(end)));
      else if (tag === 64) point.flags = this.varint32(end);
      else this.skip(tag, end);
    }
    return { ...point, count, sum, quantileValues };
  }

  private quantileValue(end: number): { quantile: number; value: number } {
    let quantile = 0;
    let value = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === 9) quantile = this.float64(end);
      else if (tag === 17) value = this.float64(end);
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
      if (tag === 58) this.keyValue(this.messageEnd(end), filteredAttributes, 0);
      else if (tag === 17) timeUnixNano = this.fixed64(end);
      else if (tag === 25) value = this.float64(end);
      else if (tag === 49) value = this.sfixed64(end);
      else if (tag === 34) spanId = this.exemplarId(this.messageEnd(end), 8);
      else if (tag === 42) traceId = this.exemplarId(this.messageEnd(end), 16);
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

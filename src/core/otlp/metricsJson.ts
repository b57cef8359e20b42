/**
 * OTLP/JSON metrics: decoding into the metric model on the JSON reader every signal shares (hex ids, 64-bit integers
 * as strings or numbers, enums as integers, unknown keys ignored), and an encoding of a decoded request (for
 * `serve --out`).
 */
import { isValidHexId, normalizeHexId, SPAN_ID_BYTES, TRACE_ID_BYTES } from '../../shared/ids';
import type { AttributeMap, InstrumentationScope, Resource } from '../model';
import { attributesJson, requestJson, withDefaultsOmitted } from './jsonEncoders';
import { decodeJsonText, isMissing, keepShapeAlive, OtlpJsonReader, type JsonObject } from './jsonReader';
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
import type { MetricsDecodeResult } from './types';
import { dataPointRejectionMessage } from './wire';

const TEMPORALITY_NAMES: ReadonlyMap<string, number> = new Map([
  ['AGGREGATION_TEMPORALITY_UNSPECIFIED', 0],
  ['AGGREGATION_TEMPORALITY_DELTA', 1],
  ['AGGREGATION_TEMPORALITY_CUMULATIVE', 2],
]);

/** The `data` oneof members in the order they are looked for (a valid request sets one). */
const DATA_KEYS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

interface PointCommon {
  attributes: AttributeMap;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}

class JsonMetricsDecoder extends OtlpJsonReader {
  rejectedDataPoints = 0;

  request(root: unknown): MetricsRequest {
    const json = this.root(root, 'resourceMetrics');
    return { resourceMetrics: this.list(json, 'resourceMetrics', (item) => this.resourceMetrics(item)) };
  }

  private resourceMetrics(item: JsonObject): ResourceMetrics {
    const resource = this.resource(item);
    return {
      resource,
      schemaUrl: this.string(item, 'schemaUrl'),
      scopeMetrics: this.list(item, 'scopeMetrics', (scopeItem) => this.scopeMetrics(scopeItem, resource)),
    };
  }

  private scopeMetrics(item: JsonObject, resource: Resource): ScopeMetrics {
    const scope = this.scope(item);
    return {
      scope,
      schemaUrl: this.string(item, 'schemaUrl'),
      metrics: this.list(item, 'metrics', (metricItem) => {
        const metric = this.metric(metricItem, resource, scope);
        if (metric.name !== '') return metric;
        this.rejectedDataPoints += dataPointCount(metric);
        return undefined;
      }),
    };
  }

  private metric(item: JsonObject, resource: Resource, scope: InstrumentationScope): Metric {
    const key = DATA_KEYS.find((dataKey) => item[dataKey] !== undefined && item[dataKey] !== null);
    let data: MetricData = { type: 'none' };
    if (key !== undefined) {
      const json = this.object(item, key)!;
      this.path.push(key);
      data = this.data(key, json);
      this.path.pop();
    }
    return {
      name: this.string(item, 'name'),
      description: this.string(item, 'description'),
      unit: this.string(item, 'unit'),
      data,
      resource,
      scope,
    };
  }

  private data(key: (typeof DATA_KEYS)[number], json: JsonObject): MetricData {
    switch (key) {
      case 'gauge':
        return { type: 'gauge', dataPoints: this.list(json, 'dataPoints', (point) => this.numberPoint(point)) };
      case 'sum':
        return {
          type: 'sum',
          aggregationTemporality: this.enumValue(json, 'aggregationTemporality', TEMPORALITY_NAMES),
          isMonotonic: this.boolean(json, 'isMonotonic'),
          dataPoints: this.list(json, 'dataPoints', (point) => this.numberPoint(point)),
        };
      case 'histogram':
        return {
          type: 'histogram',
          aggregationTemporality: this.enumValue(json, 'aggregationTemporality', TEMPORALITY_NAMES),
          dataPoints: this.list(json, 'dataPoints', (point) => this.histogramPoint(point)),
        };
      case 'exponentialHistogram':
        return {
          type: 'exponentialHistogram',
          aggregationTemporality: this.enumValue(json, 'aggregationTemporality', TEMPORALITY_NAMES),
          dataPoints: this.list(json, 'dataPoints', (point) => this.exponentialPoint(point)),
        };
      case 'summary':
        return { type: 'summary', dataPoints: this.list(json, 'dataPoints', (point) => this.summaryPoint(point)) };
    }
  }

  private common(item: JsonObject): PointCommon {
    return {
      attributes: this.attributes(item, 'attributes', 0),
      startTimeUnixNano: this.time(item, 'startTimeUnixNano'),
      timeUnixNano: this.time(item, 'timeUnixNano'),
      flags: this.uint32(item, 'flags'),
    };
  }

  /** `as_double` or `as_int` (a oneof); 0 when neither is set. */
  private numberValue(item: JsonObject): number {
    if (!isMissing(item.asDouble)) return this.double(item.asDouble, 'asDouble');
    if (!isMissing(item.asInt)) return Number(this.int64(item.asInt, 'asInt'));
    return 0;
  }

  private numberPoint(item: JsonObject): NumberDataPoint {
    return { ...this.common(item), value: this.numberValue(item), exemplars: this.exemplars(item) };
  }

  private histogramPoint(item: JsonObject): HistogramDataPoint {
    return {
      ...this.common(item),
      count: this.count(item, 'count'),
      sum: this.optionalDouble(item, 'sum'),
      bucketCounts: this.numbers(item, 'bucketCounts', (value, index) => this.countValue(value, index)),
      explicitBounds: this.numbers(item, 'explicitBounds', (value, index) => this.double(value, String(index))),
      min: this.optionalDouble(item, 'min'),
      max: this.optionalDouble(item, 'max'),
      exemplars: this.exemplars(item),
    };
  }

  private exponentialPoint(item: JsonObject): ExponentialHistogramDataPoint {
    return {
      ...this.common(item),
      count: this.count(item, 'count'),
      sum: this.optionalDouble(item, 'sum'),
      scale: this.int32(item, 'scale'),
      zeroCount: this.count(item, 'zeroCount'),
      positive: this.buckets(item, 'positive'),
      negative: this.buckets(item, 'negative'),
      min: this.optionalDouble(item, 'min'),
      max: this.optionalDouble(item, 'max'),
      zeroThreshold: this.optionalDouble(item, 'zeroThreshold') ?? 0,
      exemplars: this.exemplars(item),
    };
  }

  private buckets(item: JsonObject, key: string): ExponentialBuckets {
    const json = this.object(item, key) ?? {};
    this.path.push(key);
    const buckets = {
      offset: this.int32(json, 'offset'),
      bucketCounts: this.numbers(json, 'bucketCounts', (value, index) => this.countValue(value, index)),
    };
    this.path.pop();
    return buckets;
  }

  private summaryPoint(item: JsonObject): SummaryDataPoint {
    return {
      ...this.common(item),
      count: this.count(item, 'count'),
      sum: this.optionalDouble(item, 'sum') ?? 0,
      quantileValues: this.list(item, 'quantileValues', (quantileItem) => ({
        quantile: this.optionalDouble(quantileItem, 'quantile') ?? 0,
        value: this.optionalDouble(quantileItem, 'value') ?? 0,
      })),
    };
  }

  private exemplars(item: JsonObject): Exemplar[] {
    return this.list(item, 'exemplars', (exemplarItem) => ({
      filteredAttributes: this.attributes(exemplarItem, 'filteredAttributes', 0),
      timeUnixNano: this.time(exemplarItem, 'timeUnixNano'),
      value: this.numberValue(exemplarItem),
      traceId: exemplarId(this.string(exemplarItem, 'traceId'), TRACE_ID_BYTES),
      spanId: exemplarId(this.string(exemplarItem, 'spanId'), SPAN_ID_BYTES),
    }));
  }

  private optionalDouble(item: JsonObject, key: string): number | undefined {
    return isMissing(item[key]) ? undefined : this.double(item[key], key);
  }

  /** A fixed64/uint64 count as a number. */
  private count(item: JsonObject, key: string): number {
    return Number(this.time(item, key));
  }

  private countValue(value: unknown, index: number): number {
    return Number(this.time({ [index]: value }, String(index)));
  }

  private int32(item: JsonObject, key: string): number {
    const json = item[key];
    if (isMissing(json)) return 0;
    const value = typeof json === 'string' && /^-?\d+$/.test(json) ? Number(json) : json;
    if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff)
      return value;
    throw this.error('expected a signed 32-bit integer', key);
  }

  private boolean(item: JsonObject, key: string): boolean {
    const json = item[key];
    if (isMissing(json)) return false;
    if (typeof json === 'boolean') return json;
    throw this.error('expected true or false', key);
  }

  /** A repeated scalar field (missing means empty). */
  private numbers(item: JsonObject, key: string, read: (value: unknown, index: number) => number): number[] {
    const json = item[key];
    if (isMissing(json)) return [];
    if (!Array.isArray(json)) throw this.error('expected an array', key);
    this.path.push(key);
    const values = json.map(read);
    this.path.pop();
    return values;
  }
}

/** Exemplar ids are optional: anything but a valid id of the right size is left out as ''. */
function exemplarId(text: string, bytes: number): string {
  const hex = normalizeHexId(text);
  return hex !== undefined && isValidHexId(hex, bytes) ? hex : '';
}

keepShapeAlive(new JsonMetricsDecoder(false));

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeMetricsRequestJson(text: string): MetricsDecodeResult {
  return decodeJsonText(text, (root, exactIntegers) => {
    const decoder = new JsonMetricsDecoder(exactIntegers);
    const request = decoder.request(root);
    const rejected = decoder.rejectedDataPoints;
    return { request, rejectedDataPoints: rejected, rejectionMessage: dataPointRejectionMessage(rejected) };
  });
}

// Encoding. Defaults are omitted, as proto3 JSON does; 64-bit counts are decimal strings; non-finite doubles are
// "NaN", "Infinity" and "-Infinity", and -0 is "-0" so that it survives.

function doubleJson(value: number): number | string {
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

/** A field whose presence matters (a histogram's `optional double` sum, min, max): written even when 0. */
function optionalDoubleJson(key: string, value: number | undefined): JsonObject {
  return value === undefined ? {} : { [key]: doubleJson(value) };
}

function pointCommonJson(point: PointCommon): [string, unknown][] {
  return [
    ['attributes', attributesJson(point.attributes)],
    ['startTimeUnixNano', point.startTimeUnixNano],
    ['timeUnixNano', point.timeUnixNano],
    ['flags', point.flags],
  ];
}

function exemplarsJson(exemplars: Exemplar[]): JsonObject[] {
  return exemplars.map((exemplar) =>
    withDefaultsOmitted([
      ['filteredAttributes', attributesJson(exemplar.filteredAttributes)],
      ['timeUnixNano', exemplar.timeUnixNano],
      ['asDouble', doubleJson(exemplar.value)],
      ['traceId', exemplar.traceId],
      ['spanId', exemplar.spanId],
    ]),
  );
}

/** The model keeps one number per value, so an `asInt` is written back as `asDouble`. */
function numberPointJson(point: NumberDataPoint): JsonObject {
  return withDefaultsOmitted([
    ...pointCommonJson(point),
    ['asDouble', doubleJson(point.value)],
    ['exemplars', exemplarsJson(point.exemplars)],
  ]);
}

const countsJson = (counts: number[]) => counts.map((count) => BigInt(count).toString());

function histogramPointJson(point: HistogramDataPoint): JsonObject {
  return {
    ...withDefaultsOmitted([
      ...pointCommonJson(point),
      ['count', BigInt(point.count)],
      ['bucketCounts', countsJson(point.bucketCounts)],
      ['explicitBounds', point.explicitBounds.map(doubleJson)],
      ['exemplars', exemplarsJson(point.exemplars)],
    ]),
    ...statisticsJson(point),
  };
}

/** A histogram point's optional sum, min and max. */
function statisticsJson(point: HistogramDataPoint | ExponentialHistogramDataPoint): JsonObject {
  return {
    ...optionalDoubleJson('sum', point.sum),
    ...optionalDoubleJson('min', point.min),
    ...optionalDoubleJson('max', point.max),
  };
}

function bucketsJson(buckets: ExponentialBuckets): JsonObject {
  return withDefaultsOmitted([
    ['offset', buckets.offset],
    ['bucketCounts', countsJson(buckets.bucketCounts)],
  ]);
}

function exponentialPointJson(point: ExponentialHistogramDataPoint): JsonObject {
  return {
    ...withDefaultsOmitted([
      ...pointCommonJson(point),
      ['count', BigInt(point.count)],
      ['scale', point.scale],
      ['zeroCount', BigInt(point.zeroCount)],
      ['positive', bucketsJson(point.positive)],
      ['negative', bucketsJson(point.negative)],
      ['zeroThreshold', doubleJson(point.zeroThreshold)],
      ['exemplars', exemplarsJson(point.exemplars)],
    ]),
    ...statisticsJson(point),
  };
}

function summaryPointJson(point: SummaryDataPoint): JsonObject {
  return withDefaultsOmitted([
    ...pointCommonJson(point),
    ['count', BigInt(point.count)],
    ['sum', doubleJson(point.sum)],
    [
      'quantileValues',
      point.quantileValues.map(({ quantile, value }) =>
        withDefaultsOmitted([
          ['quantile', doubleJson(quantile)],
          ['value', doubleJson(value)],
        ]),
      ),
    ],
  ]);
}

/** The `data` oneof as its one JSON key, or nothing when it is not set. */
function dataJson(data: MetricData): JsonObject {
  switch (data.type) {
    case 'gauge':
      return { gauge: { dataPoints: data.dataPoints.map(numberPointJson) } };
    case 'sum':
      return {
        sum: withDefaultsOmitted([
          ['dataPoints', data.dataPoints.map(numberPointJson)],
          ['aggregationTemporality', data.aggregationTemporality],
          ['isMonotonic', data.isMonotonic],
        ]),
      };
    case 'histogram':
      return {
        histogram: withDefaultsOmitted([
          ['dataPoints', data.dataPoints.map(histogramPointJson)],
          ['aggregationTemporality', data.aggregationTemporality],
        ]),
      };
    case 'exponentialHistogram':
      return {
        exponentialHistogram: withDefaultsOmitted([
          ['dataPoints', data.dataPoints.map(exponentialPointJson)],
          ['aggregationTemporality', data.aggregationTemporality],
        ]),
      };
    case 'summary':
      return { summary: { dataPoints: data.dataPoints.map(summaryPointJson) } };
    case 'none':
      return {};
  }
}

function metricJson(metric: Metric): JsonObject {
  return {
    ...withDefaultsOmitted([
      ['name', metric.name],
      ['description', metric.description],
      ['unit', metric.unit],
    ]),
    ...dataJson(metric.data),
  };
}

/** One line of OTLP/JSON for a decoded request; `decodeMetricsRequestJson` gives the same request back. */
export function encodeMetricsRequestJson(request: MetricsRequest): string {
  const keys = { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' };
  return requestJson(
    keys,
    request.resourceMetrics,
    (resource) => resource.scopeMetrics,
    (scope) => scope.metrics,
    metricJson,
  );
}

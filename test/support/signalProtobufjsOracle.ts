/**
 * protobufjs (the OpenTelemetry JS generated code) as the reference encoder and decoder of logs and metrics requests,
 * with the decoders' rules (expectedSignalDecode.ts) applied to what it decodes.
 */
import protobufRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../../src/core/model';
import type { LogsRequest } from '../../src/core/otlp/logModel';
import type { Exemplar, ExponentialBuckets, MetricData, MetricsRequest } from '../../src/core/otlp/metricModel';
import type { LogsDecodeResult, MetricsDecodeResult } from '../../src/core/otlp/types';
import { expectedLogsDecode, expectedMetricsDecode, zeroToEmpty } from './expectedSignalDecode';
import {
  anyValueObject,
  anyValueOf as protobufjsAnyValue,
  attributesObject,
  attributesOf as protobufjsAttributes,
  type PbAnyValue,
  type PbKeyValue,
} from './protobufjsOracle';

// protobufjs: model -> message object (fromObject) and message -> model

interface Long {
  toString(): string;
}
type Pb = Record<string, unknown>;

interface MessageType {
  decode(bytes: Uint8Array): Pb;
  encode(message: Pb): { finish(): Uint8Array };
  fromObject(object: object): Pb;
  toObject(message: Pb, options: { longs: NumberConstructor }): Pb;
}

const collector = (
  protobufRoot as unknown as {
    opentelemetry: { proto: { collector: Record<'logs' | 'metrics', { v1: Record<string, MessageType> }> } };
  }
).opentelemetry.proto.collector;
const ExportLogsServiceRequest = collector.logs.v1.ExportLogsServiceRequest!;
const ExportMetricsServiceRequest = collector.metrics.v1.ExportMetricsServiceRequest!;

/** protobufjs's decode alone, without conversion to the model (for the decode benchmark). */
export function decodeLogsWithProtobufjsOnly(bytes: Uint8Array): unknown {
  return ExportLogsServiceRequest.decode(bytes);
}

/** An `ExportLogsServiceResponse` as protobufjs reads it, int64s as numbers. */
export function decodeLogsResponseWithProtobufjs(bytes: Uint8Array): Pb {
  const type = collector.logs.v1.ExportLogsServiceResponse!;
  return type.toObject(type.decode(bytes), { longs: Number });
}

function idBytes(hex: string): Uint8Array | undefined {
  return hex === '' ? undefined : Uint8Array.from(Buffer.from(hex, 'hex'));
}

function resourceObject(resource: Resource): object {
  return { attributes: attributesObject(resource.attributes), droppedAttributesCount: resource.droppedAttributesCount };
}

function scopeObject(scope: InstrumentationScope): object {
  return {
    name: scope.name,
    version: scope.version,
    attributes: attributesObject(scope.attributes),
    droppedAttributesCount: scope.droppedAttributesCount,
  };
}

export function encodeLogsWithProtobufjs(request: LogsRequest): Uint8Array {
  const object = {
    resourceLogs: request.resourceLogs.map((resourceLogs) => ({
      resource: resourceObject(resourceLogs.resource),
      schemaUrl: resourceLogs.schemaUrl,
      scopeLogs: resourceLogs.scopeLogs.map((scopeLogs) => ({
        scope: scopeObject(scopeLogs.scope),
        schemaUrl: scopeLogs.schemaUrl,
        logRecords: scopeLogs.logRecords.map((record) => ({
          timeUnixNano: record.timeUnixNano.toString(),
          observedTimeUnixNano: record.observedTimeUnixNano.toString(),
          severityNumber: record.severityNumber,
          severityText: record.severityText,
          ...(record.body === null ? {} : { body: anyValueObject(record.body) }),
          attributes: attributesObject(record.attributes),
          droppedAttributesCount: record.droppedAttributesCount,
          flags: record.flags,
          traceId: idBytes(record.traceId),
          spanId: idBytes(record.spanId),
          eventName: record.eventName,
        })),
      })),
    })),
  };
  return ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(object)).finish();
}

function exemplarObject(exemplar: Exemplar): object {
  return {
    filteredAttributes: attributesObject(exemplar.filteredAttributes),
    timeUnixNano: exemplar.timeUnixNano.toString(),
    ...numberObject(exemplar.value),
    traceId: idBytes(exemplar.traceId),
    spanId: idBytes(exemplar.spanId),
  };
}

/** Integers go as `as_int` (sfixed64), the rest as `as_double`, so both oneof members are exercised. */
function numberObject(value: number): object {
  return Number.isSafeInteger(value) && !Object.is(value, -0) ? { asInt: String(value) } : { asDouble: value };
}

function optional(key: string, value: number | undefined): object {
  return value === undefined ? {} : { [key]: value };
}

function dataObject(data: MetricData): object {
  const common = (point: {
    attributes: AttributeMap;
    startTimeUnixNano: bigint;
    timeUnixNano: bigint;
    flags: number;
  }) => ({
    attributes: attributesObject(point.attributes),
    startTimeUnixNano: point.startTimeUnixNano.toString(),
    timeUnixNano: point.timeUnixNano.toString(),
    flags: point.flags,
  });
  switch (data.type) {
    case 'none':
      return {};
    case 'gauge':
    case 'sum': {
      const dataPoints = data.dataPoints.map((point) => ({
        ...common(point),
        ...numberObject(point.value),
        exemplars: point.exemplars.map(exemplarObject),
      }));
      return data.type === 'gauge'
        ? { gauge: { dataPoints } }
        : { sum: { dataPoints, aggregationTemporality: data.aggregationTemporality, isMonotonic: data.isMonotonic } };
    }
    case 'histogram':
      return {
        histogram: {
          aggregationTemporality: data.aggregationTemporality,
          dataPoints: data.dataPoints.map((point) => ({
            ...common(point),
            count: String(point.count),
            ...optional('sum', point.sum),
            bucketCounts: point.bucketCounts.map(String),
            explicitBounds: point.explicitBounds,
            ...optional('min', point.min),
            ...optional('max', point.max),
            exemplars: point.exemplars.map(exemplarObject),
          })),
        },
      };
    case 'exponentialHistogram':
      return {
        exponentialHistogram: {
          aggregationTemporality: data.aggregationTemporality,
          dataPoints: data.dataPoints.map((point) => ({
            ...common(point),
            count: String(point.count),
            ...optional('sum', point.sum),
            scale: point.scale,
            zeroCount: String(point.zeroCount),
            positive: { offset: point.positive.offset, bucketCounts: point.positive.bucketCounts.map(String) },
            negative: { offset: point.negative.offset, bucketCounts: point.negative.bucketCounts.map(String) },
            ...optional('min', point.min),
            ...optional('max', point.max),
            zeroThreshold: point.zeroThreshold,
            exemplars: point.exemplars.map(exemplarObject),
          })),
        },
      };
    case 'summary':
      return {
        summary: {
          dataPoints: data.dataPoints.map((point) => ({
            ...common(point),
            count: String(point.count),
            sum: point.sum,
            quantileValues: point.quantileValues,
          })),
        },
      };
  }
}

export function encodeMetricsWithProtobufjs(request: MetricsRequest): Uint8Array {
  const object = {
    resourceMetrics: request.resourceMetrics.map((resourceMetrics) => ({
      resource: resourceObject(resourceMetrics.resource),
      schemaUrl: resourceMetrics.schemaUrl,
      scopeMetrics: resourceMetrics.scopeMetrics.map((scopeMetrics) => ({
        scope: scopeObject(scopeMetrics.scope),
        schemaUrl: scopeMetrics.schemaUrl,
        metrics: scopeMetrics.metrics.map((metric) => ({
          name: metric.name,
          description: metric.description,
          unit: metric.unit,
          ...dataObject(metric.data),
        })),
      })),
    })),
  };
  return ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(object)).finish();
}

// message -> model

const list = (value: unknown) => (value ?? []) as Pb[];
const str = (value: unknown) => (value ?? '') as string;
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number((value as Long).toString()));
const big = (value: unknown) => (value === null || value === undefined ? 0n : BigInt((value as Long).toString()));
const hex = (value: unknown) => (value ? Buffer.from(value as Uint8Array).toString('hex') : '');
const optionalNumber = (value: unknown) => (value === null || value === undefined ? undefined : (value as number));

// The trace oracle's AnyValue reading, for the loosely typed messages here.
const anyValueOf = (value: unknown): AttributeValue => protobufjsAnyValue(value as PbAnyValue | undefined);
const attributesOf = (values: unknown): AttributeMap => protobufjsAttributes(values as PbKeyValue[] | undefined);

function resourceOf(json: unknown): Resource {
  const resource = (json ?? {}) as Pb;
  return {
    attributes: attributesOf(resource.attributes),
    droppedAttributesCount: num(resource.droppedAttributesCount),
  };
}

function scopeOf(json: unknown): InstrumentationScope {
  const scope = (json ?? {}) as Pb;
  return {
    name: str(scope.name),
    version: str(scope.version),
    attributes: attributesOf(scope.attributes),
    droppedAttributesCount: num(scope.droppedAttributesCount),
  };
}

/** Decodes with protobufjs and applies the record rule: what our decoder must return for the same bytes. */
export function decodeLogsWithProtobufjs(bytes: Uint8Array): LogsDecodeResult {
  const decoded = ExportLogsServiceRequest.decode(bytes);
  return expectedLogsDecode({
    resourceLogs: list(decoded.resourceLogs).map((resourceLogs) => {
      const resource = resourceOf(resourceLogs.resource);
      return {
        resource,
        schemaUrl: str(resourceLogs.schemaUrl),
        scopeLogs: list(resourceLogs.scopeLogs).map((scopeLogs) => {
          const scope = scopeOf(scopeLogs.scope);
          return {
            scope,
            schemaUrl: str(scopeLogs.schemaUrl),
            logRecords: list(scopeLogs.logRecords).map((record) => ({
              timeUnixNano: big(record.timeUnixNano),
              observedTimeUnixNano: big(record.observedTimeUnixNano),
              severityNumber: num(record.severityNumber),
              severityText: str(record.severityText),
              body: record.body ? anyValueOf(record.body) : null,
              attributes: attributesOf(record.attributes),
              droppedAttributesCount: num(record.droppedAttributesCount),
              flags: num(record.flags),
              traceId: hex(record.traceId),
              spanId: hex(record.spanId),
              eventName: str(record.eventName),
              resource,
              scope,
            })),
          };
        }),
      };
    }),
  });
}

function numberValueOf(point: Pb): number {
  if (point.asInt !== null && point.asInt !== undefined) return num(point.asInt);
  return (point.asDouble as number | null) ?? 0;
}

/** Exemplar ids must be a valid id of their size, else they are left out. */
function exemplarsOf(values: unknown): Exemplar[] {
  return list(values).map((exemplar) => {
    const traceId = zeroToEmpty(hex(exemplar.traceId));
    const spanId = zeroToEmpty(hex(exemplar.spanId));
    return {
      filteredAttributes: attributesOf(exemplar.filteredAttributes),
      timeUnixNano: big(exemplar.timeUnixNano),
      value: numberValueOf(exemplar),
      traceId: traceId.length === 32 ? traceId : '',
      spanId: spanId.length === 16 ? spanId : '',
    };
  });
}

function commonOf(point: Pb) {
  return {
    attributes: attributesOf(point.attributes),
    startTimeUnixNano: big(point.startTimeUnixNano),
    timeUnixNano: big(point.timeUnixNano),
    flags: num(point.flags),
  };
}

function bucketsOf(json: unknown): ExponentialBuckets {
  const buckets = (json ?? {}) as Pb;
  return { offset: num(buckets.offset), bucketCounts: list(buckets.bucketCounts).map(num) };
}

function dataOf(metric: Pb): MetricData {
  const numberPoints = (json: unknown) =>
    list((json as Pb).dataPoints).map((point) => ({
      ...commonOf(point),
      value: numberValueOf(point),
      exemplars: exemplarsOf(point.exemplars),
    }));
  switch (metric.data) {
    case 'gauge':
      return { type: 'gauge', dataPoints: numberPoints(metric.gauge) };
    case 'sum': {
      const sum = metric.sum as Pb;
      return {
        type: 'sum',
        aggregationTemporality: num(sum.aggregationTemporality),
        isMonotonic: Boolean(sum.isMonotonic),
        dataPoints: numberPoints(sum),
      };
    }
    case 'histogram': {
      const histogram = metric.histogram as Pb;
      return {
        type: 'histogram',
        aggregationTemporality: num(histogram.aggregationTemporality),
        dataPoints: list(histogram.dataPoints).map((point) => ({
          ...commonOf(point),
          count: num(point.count),
          sum: optionalNumber(point.sum),
          bucketCounts: list(point.bucketCounts).map(num),
          explicitBounds: list(point.explicitBounds) as unknown as number[],
          min: optionalNumber(point.min),
          max: optionalNumber(point.max),
          exemplars: exemplarsOf(point.exemplars),
        })),
      };
    }
    case 'exponentialHistogram': {
      const histogram = metric.exponentialHistogram as Pb;
      return {
        type: 'exponentialHistogram',
        aggregationTemporality: num(histogram.aggregationTemporality),
        dataPoints: list(histogram.dataPoints).map((point) => ({
          ...commonOf(point),
          count: num(point.count),
          sum: optionalNumber(point.sum),
          scale: num(point.scale),
          zeroCount: num(point.zeroCount),
          positive: bucketsOf(point.positive),
          negative: bucketsOf(point.negative),
          min: optionalNumber(point.min),
          max: optionalNumber(point.max),
          zeroThreshold: (point.zeroThreshold as number | null) ?? 0,
          exemplars: exemplarsOf(point.exemplars),
        })),
      };
    }
    case 'summary':
      return {
        type: 'summary',
        dataPoints: list((metric.summary as Pb).dataPoints).map((point) => ({
          ...commonOf(point),
          count: num(point.count),
          sum: (point.sum as number | null) ?? 0,
          quantileValues: list(point.quantileValues).map((quantile) => ({
            quantile: (quantile.quantile as number | null) ?? 0,
            value: (quantile.value as number | null) ?? 0,
          })),
        })),
      };
    default:
      return { type: 'none' };
  }
}

/** Decodes with protobufjs and applies the metric rule: what our decoder must return for the same bytes. */
export function decodeMetricsWithProtobufjs(bytes: Uint8Array): MetricsDecodeResult {
  const decoded = ExportMetricsServiceRequest.decode(bytes);
  return expectedMetricsDecode({
    resourceMetrics: list(decoded.resourceMetrics).map((resourceMetrics) => {
      const resource = resourceOf(resourceMetrics.resource);
      return {
        resource,
        schemaUrl: str(resourceMetrics.schemaUrl),
        scopeMetrics: list(resourceMetrics.scopeMetrics).map((scopeMetrics) => {
          const scope = scopeOf(scopeMetrics.scope);
          return {
            scope,
            schemaUrl: str(scopeMetrics.schemaUrl),
            metrics: list(scopeMetrics.metrics).map((metric) => ({
              name: str(metric.name),
              description: str(metric.description),
              unit: str(metric.unit),
              data: dataOf(metric),
              resource,
              scope,
            })),
          };
        }),
      };
    }),
  });
}

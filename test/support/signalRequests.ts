/**
 * Logs and metrics for property tests: seeded random requests (ids sometimes malformed, every metric type, packed
 * counts), what a decoder must return for them, protobufjs (the OpenTelemetry JS generated code) as the reference
 * encoder and decoder with the decoders' rules applied independently, and the message schemas for unknown-field
 * injection.
 */
import protobufRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../../src/core/model';
import type { LogRecord, LogsRequest } from '../../src/core/otlp/logModel';
import type { Exemplar, ExponentialBuckets, Metric, MetricData, MetricsRequest } from '../../src/core/otlp/metricModel';
import type { LogsDecodeResult, MetricsDecodeResult } from '../../src/core/otlp/types';
import {
  randomAnyValue,
  randomAttributes,
  randomCount,
  randomDouble,
  randomFlags,
  randomString,
  randomTime,
  Rng,
  type MessageSchema,
} from './randomRequest';
import {
  anyValueObject,
  anyValueOf as protobufjsAnyValue,
  attributesObject,
  attributesOf as protobufjsAttributes,
  type PbAnyValue,
  type PbKeyValue,
} from './protobufjsOracle';

// Random requests

function randomResource(rng: Rng): Resource {
  const resource: Resource = { attributes: randomAttributes(rng, 4), droppedAttributesCount: randomCount(rng) };
  if (rng.chance(0.8)) resource.attributes.set('service.name', randomString(rng, 20));
  return resource;
}

function randomScope(rng: Rng): InstrumentationScope {
  return {
    name: rng.chance(0.8) ? randomString(rng, 20) : '',
    version: rng.chance(0.5) ? '0.212.0' : '',
    attributes: randomAttributes(rng, 2),
    droppedAttributesCount: randomCount(rng),
  };
}

/** A correlation id as sent: usually valid or absent, sometimes all zeros (means absent) or the wrong size (rejected). */
function randomCorrelationId(rng: Rng, bytes: number): string {
  const roll = rng.next();
  if (roll < 0.25) return '';
  if (roll < 0.3) return '00'.repeat(bytes);
  if (roll < 0.35) return rng.hex(rng.pick([1, bytes - 1, bytes + 1]));
  return rng.hex(bytes);
}

const EVENT_NAMES = ['', '', 'gen_ai.user.message', 'gen_ai.choice', 'gen_ai.client.inference.operation.details'];

function randomLogRecord(rng: Rng, resource: Resource, scope: InstrumentationScope): LogRecord {
  return {
    timeUnixNano: randomTime(rng),
    observedTimeUnixNano: randomTime(rng),
    severityNumber: rng.int(0, 24),
    severityText: rng.chance(0.5) ? rng.pick(['INFO', 'WARN', 'ERROR', randomString(rng, 8)]) : '',
    body: rng.chance(0.2) ? null : randomAnyValue(rng),
    attributes: randomAttributes(rng, 6),
    droppedAttributesCount: randomCount(rng),
    flags: randomFlags(rng),
    traceId: randomCorrelationId(rng, 16),
    spanId: randomCorrelationId(rng, 8),
    eventName: rng.chance(0.3) ? randomString(rng, 30) : rng.pick(EVENT_NAMES),
    resource,
    scope,
  };
}

/** A logs request as it may be sent (ids may be malformed): input for an encoder; `expectedLogsDecode` says the rest. */
export function randomLogsRequest(rng: Rng): LogsRequest {
  return {
    resourceLogs: Array.from({ length: rng.int(1, 3) }, () => {
      const resource = randomResource(rng);
      return {
        resource,
        schemaUrl: rng.chance(0.3) ? 'https://opentelemetry.io/schemas/1.28.0' : '',
        scopeLogs: Array.from({ length: rng.int(0, 3) }, () => {
          const scope = randomScope(rng);
          return {
            scope,
            schemaUrl: '',
            logRecords: Array.from({ length: rng.int(0, 6) }, () => randomLogRecord(rng, resource, scope)),
          };
        }),
      };
    }),
  };
}

/** The record rule, written independently of the decoders: ids empty or of their exact size. */
function isAcceptedRecord(traceId: string, spanId: string): boolean {
  return (traceId.length === 0 || traceId.length === 32) && (spanId.length === 0 || spanId.length === 16);
}

const zeroToEmpty = (hex: string) => (/^0*$/.test(hex) ? '' : hex);

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

/** Counts and integer values stay exact in a double, as the model holds them. */
function randomCountValue(rng: Rng): number {
  return rng.pick([0, 1, 3, rng.int(0, 1_000_000), 2 ** 40 + rng.int(0, 1000)]);
}

function optionalDouble(rng: Rng): number | undefined {
  return rng.chance(0.3) ? undefined : randomDouble(rng);
}

function randomExemplars(rng: Rng): Exemplar[] {
  return Array.from({ length: rng.chance(0.7) ? 0 : rng.int(1, 2) }, () => ({
    filteredAttributes: randomAttributes(rng, 2),
    timeUnixNano: randomTime(rng),
    value: rng.chance(0.5) ? randomDouble(rng) : rng.int(-(2 ** 40), 2 ** 40),
    traceId: rng.chance(0.3) ? '' : rng.hex(16),
    spanId: rng.chance(0.3) ? '' : rng.hex(8),
  }));
}

function pointCommon(rng: Rng) {
  return {
    attributes: randomAttributes(rng, 4),
    startTimeUnixNano: randomTime(rng),
    timeUnixNano: randomTime(rng),
    flags: rng.pick([0, 0, 1]),
  };
}

function randomBuckets(rng: Rng): ExponentialBuckets {
  return {
    offset: rng.int(-100, 100),
    bucketCounts: Array.from({ length: rng.int(0, 5) }, () => randomCountValue(rng)),
  };
}

function randomData(rng: Rng): MetricData {
  const points = <T>(make: () => T) => Array.from({ length: rng.int(0, 4) }, make);
  const numberPoint = () => ({
    ...pointCommon(rng),
    value: rng.chance(0.5) ? randomDouble(rng) : rng.int(-(2 ** 40), 2 ** 40),
    exemplars: randomExemplars(rng),
  });
  switch (rng.int(0, 5)) {
    case 0:
      return { type: 'gauge', dataPoints: points(numberPoint) };
    case 1:
      return {
        type: 'sum',
        aggregationTemporality: rng.int(0, 2),
        isMonotonic: rng.chance(0.5),
        dataPoints: points(numberPoint),
      };
    case 2:
      return {
        type: 'histogram',
        aggregationTemporality: rng.int(0, 2),
        dataPoints: points(() => {
          const explicitBounds = Array.from({ length: rng.int(0, 5) }, () => randomDouble(rng));
          return {
            ...pointCommon(rng),
            count: randomCountValue(rng),
            sum: optionalDouble(rng),
            bucketCounts: Array.from({ length: explicitBounds.length + 1 }, () => randomCountValue(rng)),
            explicitBounds,
            min: optionalDouble(rng),
            max: optionalDouble(rng),
            exemplars: randomExemplars(rng),
          };
        }),
      };
    case 3:
      return {
        type: 'exponentialHistogram',
        aggregationTemporality: rng.int(0, 2),
        dataPoints: points(() => ({
          ...pointCommon(rng),
          count: randomCountValue(rng),
          sum: optionalDouble(rng),
          scale: rng.int(-10, 20),
          zeroCount: randomCountValue(rng),
          positive: randomBuckets(rng),
          negative: randomBuckets(rng),
          min: optionalDouble(rng),
          max: optionalDouble(rng),
          zeroThreshold: rng.chance(0.5) ? 0 : randomDouble(rng),
          exemplars: randomExemplars(rng),
        })),
      };
    case 4:
      return {
        type: 'summary',
        dataPoints: points(() => ({
          ...pointCommon(rng),
          count: randomCountValue(rng),
          sum: randomDouble(rng),
          quantileValues: Array.from({ length: rng.int(0, 3) }, () => ({
            quantile: rng.next(),
            value: randomDouble(rng),
          })),
        })),
      };
    default:
      return { type: 'none' };
  }
}

const METRIC_NAMES = ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'http.server.duration', ''];

/** A metrics request as it may be sent (some metrics without a name, whose points are rejected). */
export function randomMetricsRequest(rng: Rng): MetricsRequest {
  return {
    resourceMetrics: Array.from({ length: rng.int(1, 3) }, () => {
      const resource = randomResource(rng);
      return {
        resource,
        schemaUrl: '',
        scopeMetrics: Array.from({ length: rng.int(0, 3) }, () => {
          const scope = randomScope(rng);
          return {
            scope,
            schemaUrl: rng.chance(0.3) ? 'https://opentelemetry.io/schemas/1.28.0' : '',
            metrics: Array.from({ length: rng.int(0, 4) }, (): Metric => ({
              name: rng.chance(0.7) ? rng.pick(METRIC_NAMES) : randomString(rng, 30),
              description: rng.chance(0.5) ? randomString(rng) : '',
              unit: rng.pick(['', 's', '{token}', 'ms']),
              data: randomData(rng),
              resource,
              scope,
            })),
          };
        }),
      };
    }),
  };
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

// Schemas for unknown-field injection: each message's length-delimited fields that hold messages.

const ANY_VALUE_SCHEMA: MessageSchema = {
  resource: { 1: 'keyValue' },
  scope: { 3: 'keyValue' },
  keyValue: { 2: 'anyValue' },
  anyValue: { 5: 'arrayValue', 6: 'keyValueList' },
  arrayValue: { 1: 'anyValue' },
  keyValueList: { 1: 'keyValue' },
};

export const LOGS_SCHEMA: MessageSchema = {
  ...ANY_VALUE_SCHEMA,
  request: { 1: 'resourceLogs' },
  resourceLogs: { 1: 'resource', 2: 'scopeLogs' },
  scopeLogs: { 1: 'scope', 2: 'logRecord' },
  logRecord: { 5: 'anyValue', 6: 'keyValue' },
};

export const METRICS_SCHEMA: MessageSchema = {
  ...ANY_VALUE_SCHEMA,
  request: { 1: 'resourceMetrics' },
  resourceMetrics: { 1: 'resource', 2: 'scopeMetrics' },
  scopeMetrics: { 1: 'scope', 2: 'metric' },
  metric: { 5: 'numbers', 7: 'numbers', 9: 'histogram', 10: 'exponentialHistogram', 11: 'summary' },
  numbers: { 1: 'numberPoint' },
  histogram: { 1: 'histogramPoint' },
  exponentialHistogram: { 1: 'exponentialPoint' },
  summary: { 1: 'summaryPoint' },
  numberPoint: { 7: 'keyValue', 5: 'exemplar' },
  histogramPoint: { 9: 'keyValue', 8: 'exemplar' },
  exponentialPoint: { 1: 'keyValue', 8: 'buckets', 9: 'buckets', 11: 'exemplar' },
  buckets: {},
  summaryPoint: { 7: 'keyValue', 6: 'quantile' },
  quantile: {},
  exemplar: { 7: 'keyValue' },
};

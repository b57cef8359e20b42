/**
 * Seeded random logs and metrics requests for property tests: ids sometimes malformed, every metric type, packed
 * counts. `expectedSignalDecode.ts` says what a decoder must return for them.
 */
import type { InstrumentationScope, Resource } from '../../src/core/model';
import type { LogRecord, LogsRequest } from '../../src/core/otlp/logModel';
import type { Exemplar, ExponentialBuckets, Metric, MetricData, MetricsRequest } from '../../src/core/otlp/metricModel';
import {
  randomAnyValue,
  randomAttributes,
  randomCount,
  randomDouble,
  randomFlags,
  randomString,
  randomTime,
  Rng,
} from './randomRequest';

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

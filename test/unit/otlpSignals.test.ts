import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeExportResponseJson } from '../../src/core/otlp/jsonEncoders';
import { eventNameOf, logRecordsOf, severityLabelOf } from '../../src/core/otlp/logModel';
import { decodeLogsRequestJson, encodeLogsRequestJson } from '../../src/core/otlp/logsJson';
import { decodeLogsRequestProto } from '../../src/core/otlp/logsProtobuf';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { decodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import { decodeMetricsRequestProto } from '../../src/core/otlp/metricsProtobuf';
import { OtlpDecodeError } from '../../src/core/otlp/types';
import { expectedLogsDecode, expectedMetricsDecode } from '../support/expectedSignalDecode';
import { bytesField, double, fixed64, message, tag, text } from '../support/protoWriter';
import { injectUnknownFields, Rng } from '../support/randomRequest';
import { randomLogsRequest, randomMetricsRequest } from '../support/randomSignalRequest';
import {
  decodeLogsWithProtobufjs,
  decodeMetricsWithProtobufjs,
  encodeLogsWithProtobufjs,
  encodeMetricsWithProtobufjs,
} from '../support/signalProtobufjsOracle';
import { LOGS_SCHEMA, METRICS_SCHEMA } from '../support/signalSchemas';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** An ExportLogsServiceRequest with one record made of `fields`. */
function logsRequest(...fields: number[][]): Uint8Array {
  return Uint8Array.from(message(1, message(2, message(2, ...fields))));
}

/** Runs `decode` on `rounds` corruptions of `samples`: anything thrown must be an OtlpDecodeError. */
function assertOnlyDecodeErrors(decode: (bytes: Uint8Array) => unknown, samples: Uint8Array[], rng: Rng): number {
  let decodeErrors = 0;
  for (let round = 0; round < 500; round++) {
    const corrupted = Uint8Array.from(rng.pick(samples));
    if (rng.chance(0.3)) {
      const end = rng.int(0, corrupted.length);
      try {
        decode(corrupted.subarray(0, end));
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError, `truncated at ${end}: ${String(error)}`);
        decodeErrors++;
      }
      continue;
    }
    for (let flips = rng.int(1, 4); flips > 0; flips--) corrupted[rng.int(0, corrupted.length - 1)] = rng.int(0, 255);
    try {
      decode(corrupted);
    } catch (error) {
      assert.ok(error instanceof OtlpDecodeError, `round ${round}: ${String(error)}`);
      decodeErrors++;
    }
  }
  return decodeErrors;
}

describe('decodeLogsRequestProto', () => {
  test('agrees with protobufjs and with the generator on random requests, with and without unknown fields', () => {
    const rng = new Rng(5);
    let records = 0;
    let rejected = 0;
    for (let round = 0; round < 150; round++) {
      const request = randomLogsRequest(rng);
      const bytes = encodeLogsWithProtobufjs(request);
      const decoded = decodeLogsRequestProto(bytes);
      assert.deepStrictEqual(decoded, expectedLogsDecode(request), `round ${round}`);
      assert.deepStrictEqual(decoded, decodeLogsWithProtobufjs(bytes), `round ${round}`);
      assert.deepStrictEqual(
        decodeLogsRequestProto(injectUnknownFields(bytes, rng, LOGS_SCHEMA)),
        decoded,
        `round ${round}`,
      );
      records += logRecordsOf(decoded.request).length;
      rejected += decoded.rejectedLogRecords;
    }
    assert.ok(records > 500 && rejected > 10, `${records} records, ${rejected} rejected`);
  });

  test('reads every LogRecord field, the event name of field 12 included', () => {
    const bytes = logsRequest(
      fixed64(1, 1_700_000_000_123_456_789n),
      fixed64(11, 1_700_000_000_200_000_000n),
      [...tag(2, 0), 17],
      text(3, 'ERROR'),
      message(5, text(1, 'The tool failed')),
      message(6, text(1, 'gen_ai.provider.name'), message(2, text(1, 'openai'))),
      [...tag(7, 0), 2],
      [...tag(8, 5), 1, 0, 0, 0],
      bytesField(9, TRACE_ID),
      bytesField(10, SPAN_ID),
      text(12, 'gen_ai.client.operation.exception'),
    );
    const [record] = logRecordsOf(decodeLogsRequestProto(bytes).request);
    assert.equal(record!.timeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(record!.observedTimeUnixNano, 1_700_000_000_200_000_000n);
    assert.equal(record!.severityNumber, 17);
    assert.equal(severityLabelOf(record!), 'ERROR');
    assert.equal(record!.body, 'The tool failed');
    assert.deepEqual([...record!.attributes], [['gen_ai.provider.name', 'openai']]);
    assert.equal(record!.droppedAttributesCount, 2);
    assert.equal(record!.flags, 1);
    assert.equal(record!.traceId, TRACE_ID);
    assert.equal(record!.spanId, SPAN_ID);
    assert.equal(eventNameOf(record!), 'gen_ai.client.operation.exception');
  });

  test('ids: empty or all zeros mean uncorrelated, a wrong size rejects the record with a partial success', () => {
    const zeros = logRecordsOf(
      decodeLogsRequestProto(logsRequest(bytesField(9, '00'.repeat(16)), bytesField(10, ''))).request,
    );
    assert.deepEqual([zeros[0]!.traceId, zeros[0]!.spanId], ['', '']);
    const result = decodeLogsRequestProto(logsRequest(bytesField(9, TRACE_ID), bytesField(10, 'eee19b7e')));
    assert.equal(logRecordsOf(result.request).length, 0);
    assert.equal(result.rejectedLogRecords, 1);
    assert.equal(
      result.rejectionMessage,
      '1 log record rejected: trace_id must be 16 bytes and span_id 8 bytes when set',
    );
  });

  test('the older event.name attribute names the event when field 12 is absent; severity names from numbers', () => {
    const bytes = logsRequest(
      [...tag(2, 0), 10],
      message(6, text(1, 'event.name'), message(2, text(1, 'gen_ai.user.message'))),
    );
    const [record] = logRecordsOf(decodeLogsRequestProto(bytes).request);
    assert.equal(record!.eventName, '');
    assert.equal(eventNameOf(record!), 'gen_ai.user.message');
    assert.equal(severityLabelOf(record!), 'INFO');
  });

  test('malformed input throws OtlpDecodeError naming the logs request', () => {
    assert.throws(
      () => decodeLogsRequestProto(Uint8Array.from([...tag(1, 2), 10, 1])),
      (error: unknown) =>
        error instanceof OtlpDecodeError &&
        /^Invalid OTLP protobuf ExportLogsServiceRequest: length 10 runs past/.test(error.message),
    );
  });

  test('random corruption and truncation never throw anything but OtlpDecodeError', () => {
    const rng = new Rng(41);
    const samples = Array.from({ length: 4 }, () => encodeLogsWithProtobufjs(randomLogsRequest(rng)));
    assert.ok(assertOnlyDecodeErrors(decodeLogsRequestProto, samples, rng) > 0);
  });
});

describe('decodeLogsRequestJson and encodeLogsRequestJson', () => {
  test('random requests round-trip through OTLP JSON as the protobuf decoder reads them', () => {
    const rng = new Rng(8);
    for (let round = 0; round < 100; round++) {
      const expected = expectedLogsDecode(randomLogsRequest(rng));
      const json = encodeLogsRequestJson(expected.request);
      assert.deepStrictEqual(decodeLogsRequestJson(json), {
        ...expected,
        rejectedLogRecords: 0,
        rejectionMessage: undefined,
      });
    }
  });

  test('OTLP JSON rules: hex ids in any case, int64 strings, enum names, unknown keys ignored', () => {
    const result = decodeLogsRequestJson(
      JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }] },
            futureField: { nested: true },
            scopeLogs: [
              {
                scope: { name: 'opentelemetry.instrumentation.openai_v2' },
                logRecords: [
                  {
                    timeUnixNano: '1700000000123456789',
                    severityNumber: 'SEVERITY_NUMBER_INFO',
                    body: { kvlistValue: { values: [{ key: 'content', value: { stringValue: 'Hi' } }] } },
                    traceId: TRACE_ID.toUpperCase(),
                    spanId: SPAN_ID,
                    eventName: 'gen_ai.user.message',
                    unknown: 1,
                  },
                  { spanId: 'xyz' },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.equal(result.rejectedLogRecords, 1, 'a span id that is not hex');
    const [record] = logRecordsOf(result.request);
    assert.equal(record!.timeUnixNano, 1_700_000_000_123_456_789n);
    assert.equal(record!.severityNumber, 9);
    assert.deepEqual(record!.body, new Map([['content', 'Hi']]));
    assert.equal(record!.traceId, TRACE_ID);
    assert.equal(record!.resource.attributes.get('service.name'), 'agent');
  });

  test('invalid JSON values throw OtlpDecodeError with their path', () => {
    assert.throws(
      () => decodeLogsRequestJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":-1}]}]}]}'),
      (error: unknown) =>
        error instanceof OtlpDecodeError &&
        error.message ===
          'Invalid OTLP JSON: resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: expected an unsigned 64-bit integer',
    );
    assert.throws(() => decodeLogsRequestJson('[1]'), OtlpDecodeError);
    assert.throws(() => decodeLogsRequestJson('{"resourceLogs":'), OtlpDecodeError);
  });
});

describe('decodeMetricsRequestProto', () => {
  test('agrees with protobufjs and with the generator on random requests, with and without unknown fields', () => {
    const rng = new Rng(13);
    const types = new Set<string>();
    let rejected = 0;
    for (let round = 0; round < 150; round++) {
      const request = randomMetricsRequest(rng);
      const bytes = encodeMetricsWithProtobufjs(request);
      const decoded = decodeMetricsRequestProto(bytes);
      assert.deepStrictEqual(decoded, expectedMetricsDecode(request), `round ${round}`);
      assert.deepStrictEqual(decoded, decodeMetricsWithProtobufjs(bytes), `round ${round}`);
      assert.deepStrictEqual(
        decodeMetricsRequestProto(injectUnknownFields(bytes, rng, METRICS_SCHEMA)),
        decoded,
        `round ${round}`,
      );
      for (const metric of metricsOf(decoded.request)) types.add(metric.data.type);
      rejected += decoded.rejectedDataPoints;
    }
    assert.deepEqual([...types].sort(), ['exponentialHistogram', 'gauge', 'histogram', 'none', 'sum', 'summary']);
    assert.ok(rejected > 0, 'points of metrics without a name are rejected');
  });

  test('repeated counts and bounds are read packed and unpacked alike', () => {
    const point = (counts: number[][], bounds: number[][]) =>
      Uint8Array.from(
        message(
          1,
          message(
            2,
            message(
              2,
              text(1, 'gen_ai.client.token.usage'),
              message(9, message(1, fixed64(4, 3n), ...counts, ...bounds)),
            ),
          ),
        ),
      );
    const countBytes = (value: bigint) => fixed64(0, value).slice(1);
    const packed = point(
      [message(6, [...countBytes(1n), ...countBytes(2n)])],
      [message(7, [...double(0, 100).slice(1), ...double(0, 200).slice(1)])],
    );
    const unpacked = point([fixed64(6, 1n), fixed64(6, 2n)], [double(7, 100), double(7, 200)]);
    for (const bytes of [packed, unpacked]) {
      const [metric] = metricsOf(decodeMetricsRequestProto(bytes).request);
      assert.equal(metric!.data.type, 'histogram');
      const [dataPoint] = metric!.data.type === 'histogram' ? metric!.data.dataPoints : [];
      assert.deepEqual(dataPoint!.bucketCounts, [1, 2]);
      assert.deepEqual(dataPoint!.explicitBounds, [100, 200]);
      assert.equal(dataPoint!.count, 3);
    }
    const cutShort = point([message(6, [1, 2, 3])], []);
    assert.throws(() => decodeMetricsRequestProto(cutShort), /ExportMetricsServiceRequest: truncated 8-byte field/);
  });

  test('random corruption and truncation never throw anything but OtlpDecodeError', () => {
    const rng = new Rng(77);
    const samples = Array.from({ length: 4 }, () => encodeMetricsWithProtobufjs(randomMetricsRequest(rng)));
    assert.ok(assertOnlyDecodeErrors(decodeMetricsRequestProto, samples, rng) > 0);
  });
});

describe('decodeMetricsRequestJson', () => {
  test('reads each metric type with OTLP JSON rules, unknown keys ignored', () => {
    const result = decodeMetricsRequestJson(
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'gen_ai.client.token.usage',
                    unit: '{token}',
                    histogram: {
                      aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                      dataPoints: [
                        {
                          attributes: [{ key: 'gen_ai.token.type', value: { stringValue: 'input' } }],
                          timeUnixNano: '1700000000000000000',
                          count: '2',
                          sum: 1300,
                          bucketCounts: ['0', '1', 1],
                          explicitBounds: [256, 1024],
                          min: 300,
                          max: 1000,
                          exemplars: [{ asInt: '1000', traceId: TRACE_ID, spanId: SPAN_ID }],
                        },
                      ],
                    },
                    metadata: [{ key: 'ignored', value: {} }],
                  },
                  { name: 'vllm:num_requests_running', gauge: { dataPoints: [{ asDouble: 'NaN' }, { asInt: 3 }] } },
                  {
                    name: 'calls',
                    sum: { isMonotonic: true, aggregationTemporality: 1, dataPoints: [{ asInt: '5' }] },
                  },
                  {
                    name: 'gen_ai.server.time_to_first_token',
                    exponentialHistogram: {
                      dataPoints: [
                        { count: '4', scale: -2, zeroCount: '1', positive: { offset: -3, bucketCounts: ['3'] } },
                      ],
                    },
                  },
                  {
                    name: 'latency',
                    summary: { dataPoints: [{ count: 3, sum: 1.5, quantileValues: [{ quantile: 0.5, value: 0.4 }] }] },
                  },
                  { description: 'no name', gauge: { dataPoints: [{ asInt: 1 }, { asInt: 2 }] } },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.equal(result.rejectedDataPoints, 2);
    assert.equal(result.rejectionMessage, '2 data points rejected: their metric has no name');
    const [histogram, gauge, sum, exponential, summary] = metricsOf(result.request);
    assert.ok(histogram!.data.type === 'histogram');
    assert.equal(histogram!.data.aggregationTemporality, 2);
    const [point] = histogram!.data.dataPoints;
    assert.deepEqual(
      [point!.count, point!.sum, point!.bucketCounts, point!.explicitBounds, point!.min, point!.max],
      [2, 1300, [0, 1, 1], [256, 1024], 300, 1000],
    );
    assert.deepEqual(
      point!.exemplars.map((exemplar) => [exemplar.value, exemplar.traceId, exemplar.spanId]),
      [[1000, TRACE_ID, SPAN_ID]],
    );
    assert.ok(gauge!.data.type === 'gauge');
    assert.deepEqual(
      gauge!.data.dataPoints.map((dataPoint) => dataPoint.value),
      [NaN, 3],
    );
    assert.ok(sum!.data.type === 'sum' && sum!.data.isMonotonic && sum!.data.aggregationTemporality === 1);
    assert.ok(exponential!.data.type === 'exponentialHistogram');
    assert.deepEqual(exponential!.data.dataPoints[0]!.positive, { offset: -3, bucketCounts: [3] });
    assert.equal(exponential!.data.dataPoints[0]!.scale, -2);
    assert.ok(summary!.data.type === 'summary');
    assert.deepEqual(summary!.data.dataPoints[0]!.quantileValues, [{ quantile: 0.5, value: 0.4 }]);
  });

  test('invalid values throw OtlpDecodeError with their path', () => {
    assert.throws(
      () =>
        decodeMetricsRequestJson(
          '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","gauge":{"dataPoints":[{"asInt":"1.5"}]}}]}]}]}',
        ),
      (error: unknown) =>
        error instanceof OtlpDecodeError &&
        /resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.gauge\.dataPoints\[0\]\.asInt: expected a 64-bit integer/.test(
          error.message,
        ),
    );
    assert.throws(
      () =>
        decodeMetricsRequestJson(
          '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"m","histogram":{"dataPoints":[{"bucketCounts":"1"}]}}]}]}]}',
        ),
      OtlpDecodeError,
    );
  });
});

describe('responses for logs and metrics', () => {
  test('partial success in JSON names the rejected count as each signal does', () => {
    const partial = { rejectedSpans: 2, errorMessage: 'why' };
    assert.deepEqual(JSON.parse(encodeExportResponseJson(partial, 'logs')), {
      partialSuccess: { rejectedLogRecords: '2', errorMessage: 'why' },
    });
    assert.deepEqual(JSON.parse(encodeExportResponseJson(partial, 'metrics')), {
      partialSuccess: { rejectedDataPoints: '2', errorMessage: 'why' },
    });
    assert.deepEqual(JSON.parse(encodeExportResponseJson(partial)), {
      partialSuccess: { rejectedSpans: '2', errorMessage: 'why' },
    });
  });
});

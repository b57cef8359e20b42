import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { eventNameOf, logRecordsOf, type LogRecord, type LogsRequest } from '../../src/core/otlp/logModel';
import { encodeLogsRequestJson } from '../../src/core/otlp/logsJson';
import { metricsOf } from '../../src/core/otlp/metricModel';
import type { LogsDecodeResult, MetricsDecodeResult } from '../../src/core/otlp/types';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { PAUSED_RETRY_AFTER_SECONDS } from '../../src/core/receiver/options';
import { decodeStatusProto, send } from '../support/receiverClient';
import { makeLogRecord } from '../support/logBuilder';
import { decodeLogsResponseWithProtobufjs, encodeLogsWithProtobufjs } from '../support/signalProtobufjsOracle';
import { JSON_TYPE, PROTOBUF, TRACE_ID, type StatusJson } from './receiverFixtures';

describe('OtlpHttpReceiver logs and metrics', () => {
  const logs: LogsDecodeResult[] = [];
  const metrics: MetricsDecodeResult[] = [];
  let failNext: Error | undefined;
  let receiver: OtlpHttpReceiver;
  let port: number;
  const infos: string[] = [];

  const SPAN_ID = 'eee19b7ec3c1b174';
  const logsRequest = (records: LogRecord[]): LogsRequest => ({
    resourceLogs: [
      {
        resource: records[0]!.resource,
        schemaUrl: '',
        scopeLogs: [{ scope: records[0]!.scope, schemaUrl: '', logRecords: records }],
      },
    ],
  });
  const userMessage = makeLogRecord({
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    eventName: 'gen_ai.user.message',
    body: { content: 'Hi' },
  });
  const badIds = makeLogRecord({ traceId: TRACE_ID.slice(0, 8), spanId: SPAN_ID });
  const METRICS_JSON = JSON.stringify({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              { name: 'gen_ai.client.operation.duration', histogram: { dataPoints: [{ count: '1', sum: 1.5 }] } },
              { gauge: { dataPoints: [{ asInt: '1' }, { asInt: '2' }] } },
            ],
          },
        ],
      },
    ],
  });

  before(async () => {
    receiver = new OtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      onTraces: () => {},
      onLogs: (result) => {
        const failure = failNext;
        failNext = undefined;
        if (failure) throw failure;
        logs.push(result);
      },
      onMetrics: (result) => {
        metrics.push(result);
      },
      log: { info: (message) => infos.push(message), warn() {}, error() {} },
    });
    ({ port } = await receiver.start());
  });

  after(() => receiver.stop());

  beforeEach(() => {
    logs.length = 0;
    metrics.length = 0;
    infos.length = 0;
  });

  test('logs in protobuf (gzipped) and JSON reach onLogs; rejected records come back as partial_success', async () => {
    const protobuf = await send(port, {
      path: '/v1/logs',
      headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' },
      body: zlib.gzipSync(encodeLogsWithProtobufjs(logsRequest([userMessage, badIds]))),
    });
    assert.equal(protobuf.status, 200);
    assert.deepEqual(decodeLogsResponseWithProtobufjs(protobuf.body), {
      partialSuccess: {
        rejectedLogRecords: 1,
        errorMessage: '1 log record rejected: trace_id must be 16 bytes and span_id 8 bytes when set',
      },
    });
    const json = await send(port, {
      path: '/v1/logs',
      headers: JSON_TYPE,
      body: encodeLogsRequestJson(logsRequest([userMessage])),
    });
    assert.equal(json.status, 200);
    assert.deepEqual(JSON.parse(json.body.toString('utf8')), {});
    assert.deepEqual(
      logs.map((result) => logRecordsOf(result.request).map((record) => [record.spanId, eventNameOf(record)])),
      [[[SPAN_ID, 'gen_ai.user.message']], [[SPAN_ID, 'gen_ai.user.message']]],
    );
    assert.ok(infos.some((line) => line.startsWith('POST /v1/logs: 1 log records received (protobuf, gzip')));
  });

  test('metrics in JSON reach onMetrics; points of a metric without a name come back as rejectedDataPoints', async () => {
    const response = await send(port, { path: '/v1/metrics', headers: JSON_TYPE, body: METRICS_JSON });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body.toString('utf8')), {
      partialSuccess: { rejectedDataPoints: '2', errorMessage: '2 data points rejected: their metric has no name' },
    });
    assert.deepEqual(
      metrics.map((result) => metricsOf(result.request).map((metric) => metric.name)),
      [['gen_ai.client.operation.duration']],
    );
  });

  test("the traces' refusals: 400 naming the request type, 415, 413, 503 while paused, 500 when storing fails", async () => {
    const undecodable = await send(port, {
      path: '/v1/logs',
      headers: PROTOBUF,
      body: Buffer.from([0x0a, 0x10, 0x01]),
    });
    assert.equal(undecodable.status, 400);
    assert.match(
      decodeStatusProto(undecodable.body).message,
      /not a valid ExportLogsServiceRequest: .*length 16 runs past/,
    );
    const badJson = await send(port, { path: '/v1/metrics', headers: JSON_TYPE, body: '{"resourceMetrics":{}}' });
    assert.equal(badJson.status, 400);
    assert.match(
      (JSON.parse(badJson.body.toString('utf8')) as StatusJson).message,
      /not a valid ExportMetricsServiceRequest: .*resourceMetrics: expected an array/,
    );
    const unsupported = await send(port, { path: '/v1/logs', headers: { 'Content-Type': 'text/plain' }, body: 'hi' });
    assert.equal(unsupported.status, 415);
    const tooLarge = await send(port, { path: '/v1/metrics', headers: JSON_TYPE, body: ' '.repeat(64 * 1024 + 1) });
    assert.equal(tooLarge.status, 413);
    receiver.paused = true;
    try {
      for (const path of ['/v1/logs', '/v1/metrics']) {
        const paused = await send(port, { path, headers: JSON_TYPE, body: '{}' });
        assert.equal(paused.status, 503, path);
        assert.equal(paused.headers['retry-after'], String(PAUSED_RETRY_AFTER_SECONDS));
      }
    } finally {
      receiver.paused = false;
    }
    failNext = new Error('disk full');
    const failed = await send(port, {
      path: '/v1/logs',
      headers: JSON_TYPE,
      body: encodeLogsRequestJson(logsRequest([userMessage])),
    });
    assert.equal(failed.status, 500);
    assert.match((JSON.parse(failed.body.toString('utf8')) as StatusJson).message, /could not be stored: disk full/);
    assert.equal(logs.length + metrics.length, 0);
    const again = await send(port, {
      path: '/v1/logs',
      headers: JSON_TYPE,
      body: encodeLogsRequestJson(logsRequest([userMessage])),
    });
    assert.equal(again.status, 200);
    assert.equal(logs.length, 1);
  });
});

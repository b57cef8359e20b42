/** The OTLP/gRPC receiver's logs and metrics: the OTel gRPC log and metric exporters' records reach their handlers. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { eventNameOf, logRecordsOf } from '../../src/core/otlp/logModel';
import { metricsOf } from '../../src/core/otlp/metricModel';
import type { LogsDecodeResult, MetricsDecodeResult } from '../../src/core/otlp/types';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { assertStatus, call, exportLogsAndMetrics, LIMIT, LOGS_EXPORT, rawClient } from './grpcReceiverFixtures';

describe('OtlpGrpcReceiver with log and metric handlers', () => {
  const logs: LogsDecodeResult[] = [];
  const metrics: MetricsDecodeResult[] = [];
  let receiver: OtlpGrpcReceiver;
  let port: number;

  before(async () => {
    receiver = new OtlpGrpcReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: LIMIT,
      onTraces: () => assert.fail('no traces are sent'),
      onLogs: (result) => void logs.push(result),
      onMetrics: (result) => void metrics.push(result),
    });
    ({ port } = await receiver.start());
  });

  after(() => receiver.stop());

  test('the OTel gRPC log and metric exporters’ records reach their handlers', async () => {
    const { logResults } = await exportLogsAndMetrics(`http://127.0.0.1:${port}`);
    assert.deepEqual(
      logResults.map((result) => result.code),
      [ExportResultCode.SUCCESS, ExportResultCode.SUCCESS],
    );
    const records = logs.flatMap((result) => logRecordsOf(result.request));
    assert.deepEqual(
      records.map((record) => [record.body, record.severityNumber, eventNameOf(record)]),
      [
        ['first', SeverityNumber.INFO, 'gen_ai.user.message'],
        ['second', SeverityNumber.ERROR, ''],
      ],
    );
    assert.equal(records[0]!.resource.attributes.get('service.name'), 'grpc-travel-agent');
    const counter = metrics
      .flatMap((result) => metricsOf(result.request))
      .find((m) => m.name === 'gen_ai.client.requests');
    assert.ok(counter, 'the counter arrived');
    assert.equal(counter.data.type, 'sum');
    assert.deepEqual(
      counter.data.type === 'sum' &&
        counter.data.dataPoints.map((point) => [point.value, Object.fromEntries(point.attributes)]),
      [[3, { 'gen_ai.request.model': 'gpt-4o' }]],
    );
  });

  test('an undecodable logs message is INVALID_ARGUMENT naming ExportLogsServiceRequest', async () => {
    const client = rawClient(port);
    try {
      const garbage = Buffer.from([0x0a, 0x05, 0x01]);
      const refused = call(client, garbage, LOGS_EXPORT);
      await assertStatus(refused, grpc.status.INVALID_ARGUMENT, /not a valid ExportLogsServiceRequest/);
    } finally {
      client.close();
    }
  });
});

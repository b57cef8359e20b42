/**
 * What the OTLP/gRPC receiver tests send: a raw grpc-js client for the bytes no exporter would send, the status it
 * must fail with, and logs and metrics through the real OTel gRPC exporters.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { TestSpan } from '../support/receiverClient';

export const LIMIT = 256 * 1024;
export const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
export const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const ROOT: TestSpan = { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b174', name: 'invoke_agent planner' };

const identity = (bytes: Buffer) => bytes;

/** A grpc-js client that sends raw bytes, so a test can send what no exporter would. */
export function rawClient(port: number, options: grpc.ClientOptions = {}): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
}

export function call(client: grpc.Client, message: Uint8Array, path = TRACE_EXPORT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, identity, identity, Buffer.from(message), (error, response) =>
      error ? reject(error) : resolve(response!),
    );
  });
}

/** Rejects with the given gRPC status code and a message matching `pattern`. */
export async function assertStatus(promise: Promise<unknown>, code: grpc.status, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: grpc.ServiceError) => {
    assert.equal(grpc.status[error.code], grpc.status[code], error.details);
    assert.match(error.details, pattern);
    return true;
  });
}

/** Emits two log records and one counter data point through the OTel gRPC exporters, and flushes both. */
export async function exportLogsAndMetrics(url: string): Promise<{ logResults: ExportResult[] }> {
  const logResults: ExportResult[] = [];
  const logExporter = new OTLPLogExporter({ url });
  const loggerProvider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'grpc-travel-agent' }),
    processors: [
      new SimpleLogRecordProcessor({
        export: (records, done) =>
          logExporter.export(records, (result) => {
            logResults.push(result);
            done(result);
          }),
        shutdown: () => logExporter.shutdown(),
      }),
    ],
  });
  const logger = loggerProvider.getLogger('grpc-test');
  logger.emit({
    body: 'first',
    severityNumber: SeverityNumber.INFO,
    attributes: { 'event.name': 'gen_ai.user.message' },
  });
  logger.emit({ body: 'second', severityNumber: SeverityNumber.ERROR });
  await loggerProvider.forceFlush();
  await loggerProvider.shutdown();

  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url }),
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  meterProvider
    .getMeter('grpc-test')
    .createCounter('gen_ai.client.requests')
    .add(3, { 'gen_ai.request.model': 'gpt-4o' });
  await meterProvider.forceFlush();
  await meterProvider.shutdown();
  return { logResults };
}

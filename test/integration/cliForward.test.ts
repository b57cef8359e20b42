/**
 * `ai-trace-lens serve --forward URL`: every request received over HTTP and gRPC reaches the collector with the
 * OTEL_EXPORTER_OTLP_HEADERS headers (never printed); on SIGTERM the queue is flushed and the counts printed, and with
 * the collector down the stop waits at most the flush time and counts the drop.
 */
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { startCollector } from '../support/recordingCollector';
import { finished, runCli, startCli } from './cliFixtures';

/** Starts `serve`, resolving with the base URLs from its listening lines. */
async function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = startCli(['serve', '--port', '0', ...args], env);
  const result = finished(child);
  const count = args.includes('--grpc-port') ? 2 : 1;
  const lines = createInterface({ input: child.stdout });
  const read = await new Promise<string[]>((resolve, reject) => {
    const received: string[] = [];
    lines.on('line', (line) => received.push(line) === count && resolve(received));
    result.then((ended) => reject(new Error(`serve exited early (${ended.code}): ${ended.stderr}`)), reject);
  });
  lines.close();
  const [http, grpc] = read.map((line) => line.replace(/^listening \w+:\/\//, 'http://'));
  return { child, result, http: http!, grpc };
}

/** One span, exported once by `exporter` (the receiver answers; the SDK does not retry a success). */
async function exportSpan(exporter: SpanExporter, name: string): Promise<ExportResult> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('cli-forward-test').startSpan(name).end();
  await provider.forceFlush();
  const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
  await exporter.shutdown();
  return result;
}

describe('ai-trace-lens serve --forward', () => {
  test('forwards HTTP and gRPC requests with the environment’s headers and prints the counts on SIGTERM', async () => {
    const collector = await startCollector();
    try {
      const env = { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=cli%20secret%3D1,no-equals-sign' };
      const serve = await startServe(['--grpc-port', '0', '--forward', `${collector.endpoint}/team`], env);
      try {
        const viaHttp = await exportSpan(new OTLPTraceExporter({ url: `${serve.http}/v1/traces` }), 'over http');
        const viaGrpc = await exportSpan(new GrpcTraceExporter({ url: serve.grpc }), 'over grpc');
        assert.deepEqual([viaHttp.code, viaGrpc.code], [ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
      } finally {
        serve.child.kill('SIGTERM');
      }
      const ended = await serve.result;
      assert.equal(ended.code, 0, ended.stderr);
      assert.equal(collector.received.length, 2);
      for (const request of collector.received) {
        assert.equal(request.url, '/team/v1/traces');
        assert.equal(request.headers['content-type'], 'application/x-protobuf');
        assert.equal(request.headers['x-api-key'], 'cli secret=1');
      }
      const lines = ended.stderr.trimEnd().split('\n');
      assert.equal(lines.at(-1), `forwarding to ${collector.endpoint}/team: forwarded 2, dropped 0`);
      assert.match(ended.stderr, /warning: OTEL_EXPORTER_OTLP_HEADERS: entry 2 has no "="; it is not sent/);
      assert.ok(!ended.stderr.includes('secret'), ended.stderr);
    } finally {
      await collector.close();
    }
  });

  test('with the collector down, SIGTERM waits at most the 5 s flush and counts the drop', async () => {
    const collector = await startCollector();
    await collector.close();
    const serve = await startServe(['--forward', collector.endpoint]);
    try {
      const result = await exportSpan(new OTLPTraceExporter({ url: `${serve.http}/v1/traces` }), 'kept locally');
      assert.equal(result.code, ExportResultCode.SUCCESS);
    } finally {
      serve.child.kill('SIGTERM');
    }
    const stopping = Date.now();
    const ended = await serve.result;
    const took = Date.now() - stopping;
    assert.equal(ended.code, 0, ended.stderr);
    assert.ok(took >= 4000 && took < 15_000, `stopped after ${took} ms`);
    assert.match(ended.stderr, new RegExp(`forwarding to ${collector.endpoint} failing: .*ECONNREFUSED`));
    assert.equal(ended.stderr.match(/failing/g)?.length, 1, ended.stderr);
    assert.equal(
      ended.stderr.trimEnd().split('\n').at(-1),
      `forwarding to ${collector.endpoint}: forwarded 0, dropped 1`,
    );
  });

  test('--forward takes an http or https URL', async () => {
    const ended = await runCli(['serve', '--forward', 'ftp://collector']);
    assert.equal(ended.code, 2);
    assert.match(ended.stderr, /--forward needs an http or https URL, not "ftp:\/\/collector"/);
  });
});

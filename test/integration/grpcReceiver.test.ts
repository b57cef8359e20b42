/**
 * The OTLP/gRPC receiver against the real OpenTelemetry JS gRPC trace exporter, and a raw grpc-js client for what an
 * exporter never sends: undecodable and oversized messages, a gzip bomb, an unknown method.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { spansOf } from '../../src/core/model';
import type { TraceDecodeResult } from '../../src/core/otlp/types';
import { OtlpGrpcReceiver } from '../../src/core/receiver/grpcReceiver';
import { PAUSED_RETRY_AFTER_SECONDS } from '../../src/core/receiver/options';
import { decodeResponseProto, protobufRequest, type TestSpan } from '../support/receiverClient';
import { assertStatus, call, exportLogsAndMetrics, LIMIT, rawClient, ROOT, TRACE_EXPORT } from './grpcReceiverFixtures';

/** An 8-byte trace id: the decoder rejects the span and the response reports it in partial_success. */
const BAD_ID: TestSpan = { traceId: '0102030405060708', spanId: '0000000000000001', name: 'bad ids' };

/** google.rpc.Status with its Any details, and RetryInfo, as protobufjs reads them (an oracle for our encoder). */
const rpcTypes = protobuf.Root.fromJSON({
  nested: {
    Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } },
    Status: {
      fields: {
        code: { type: 'int32', id: 1 },
        message: { type: 'string', id: 2 },
        details: { rule: 'repeated', type: 'Any', id: 3 },
      },
    },
    Duration: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    RetryInfo: { fields: { retry_delay: { type: 'Duration', id: 1 } } },
  },
});

/** The messages above as protobufjs's toObject gives them. */
interface RpcStatus {
  code: number;
  details: { type_url: string; value: Uint8Array }[];
}
interface RetryInfo {
  retry_delay: { seconds: number };
}

/** The retry delay in seconds a `grpc-status-details-bin` trailer asks for. */
function retryDelayOf(error: grpc.ServiceError): number {
  const [details] = error.metadata.get('grpc-status-details-bin');
  assert.ok(Buffer.isBuffer(details), 'the status carries details');
  const statusType = rpcTypes.lookupType('Status');
  const status = statusType.toObject(statusType.decode(details), { longs: Number }) as RpcStatus;
  assert.equal(status.code, grpc.status.UNAVAILABLE);
  assert.equal(status.details.length, 1);
  assert.equal(status.details[0]!.type_url, 'type.googleapis.com/google.rpc.RetryInfo');
  const retryInfo = rpcTypes.lookupType('RetryInfo');
  const delay = retryInfo.toObject(retryInfo.decode(status.details[0]!.value), { longs: Number }) as RetryInfo;
  return delay.retry_delay.seconds;
}

/** Records every export result, so a test sees failures the SDK would only log. */
function recording(exporter: SpanExporter, results: ExportResult[]): SpanExporter {
  return {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        results.push(result);
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
  };
}

/** A TCP relay that counts the bytes the client sends, to see what a compression option puts on the wire. */
async function countingRelay(targetPort: number): Promise<{ port: number; sentBytes: () => number; close(): void }> {
  let sent = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const server = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => {}).on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => (sent += chunk.length));
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    sentBytes: () => sent,
    close() {
      for (const socket of sockets) socket.destroy();
      relay.close();
    },
  };
}

/** An agent span with a long, repetitive prompt (so gzip shows on the wire) and its LLM call. */
function recordAgentTrace(provider: BasicTracerProvider, prompt: string): void {
  const tracer = provider.getTracer('grpc-test', '0.1.0');
  const agent = tracer.startSpan('invoke_agent planner', {
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', 'test.ints': [1, 2] },
  });
  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1200, 'gen_ai.prompt': prompt },
    },
    trace.setSpan(context.active(), agent),
  );
  llm.addEvent('gen_ai.choice', { index: 0 });
  llm.end();
  agent.end();
}

interface ExportRun {
  results: ExportResult[];
  sdkSpans: ReadableSpan[];
}

async function exportAgentTrace(
  url: string,
  compression: CompressionAlgorithm,
  prompt = 'plan a trip',
): Promise<ExportRun> {
  const results: ExportResult[] = [];
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'grpc-travel-agent' }),
    spanProcessors: [
      new SimpleSpanProcessor(recording(new OTLPTraceExporter({ url, compression }), results)),
      new SimpleSpanProcessor(memory),
    ],
  });
  try {
    recordAgentTrace(provider, prompt);
    await provider.forceFlush();
    return { results, sdkSpans: memory.getFinishedSpans() };
  } finally {
    await provider.shutdown();
  }
}

describe('OtlpGrpcReceiver', () => {
  const received: TraceDecodeResult[] = [];
  const infos: string[] = [];
  const warnings: string[] = [];
  let failNext: Error | undefined;
  let receiver: OtlpGrpcReceiver;
  let port: number;
  let client: grpc.Client;

  before(async () => {
    receiver = new OtlpGrpcReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: LIMIT,
      onTraces: (result) => {
        const failure = failNext;
        failNext = undefined;
        if (failure) return Promise.reject(failure);
        received.push(result);
        return Promise.resolve();
      },
      log: {
        info: (line) => infos.push(line),
        warn: (line) => warnings.push(line),
        error: (line) => warnings.push(line),
      },
    });
    ({ port } = await receiver.start());
    client = rawClient(port);
  });

  after(async () => {
    client.close();
    await receiver.stop();
  });

  beforeEach(() => {
    received.length = 0;
    infos.length = 0;
    warnings.length = 0;
  });

  /** After every refused call: the server still accepts a valid export. */
  async function assertStillServes(): Promise<void> {
    const response = await call(client, protobufRequest([ROOT]));
    assert.equal(response.length, 0, 'an empty ExportTraceServiceResponse');
    assert.deepEqual(
      spansOf(received.at(-1)!.request).map((span) => span.spanId),
      [ROOT.spanId],
    );
  }

  for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
    test(`the OTel gRPC trace exporter, compression ${compression}: every span arrives intact`, async () => {
      const { results, sdkSpans } = await exportAgentTrace(`http://127.0.0.1:${port}`, compression);
      assert.deepEqual(
        results.map((result) => result.code),
        [ExportResultCode.SUCCESS, ExportResultCode.SUCCESS],
      );
      const stored = received.flatMap((result) => spansOf(result.request));
      assert.equal(stored.length, 2);
      for (const sdk of sdkSpans) {
        const span = stored.find((candidate) => candidate.spanId === sdk.spanContext().spanId);
        assert.ok(span, `${sdk.name} arrived`);
        assert.equal(span.traceId, sdk.spanContext().traceId);
        assert.equal(span.parentSpanId, sdk.parentSpanContext?.spanId);
        assert.equal(span.name, sdk.name);
        assert.equal(span.kind, sdk.kind + 1, 'OTLP kinds are the API kinds plus one');
        assert.deepEqual(Object.fromEntries(span.attributes), sdk.attributes);
        assert.deepEqual(
          span.events.map((event) => [event.name, Object.fromEntries(event.attributes)]),
          sdk.events.map((event) => [event.name, event.attributes]),
        );
        assert.equal(span.resource.attributes.get('service.name'), 'grpc-travel-agent');
        assert.equal(span.scope.name, 'grpc-test');
      }
      assert.equal(
        infos.filter((line) => /TraceService\/Export: 1 spans received/.test(line)).length,
        2,
        infos.join('\n'),
      );
      assert.deepEqual(warnings, []);
    });
  }

  test('the exporter’s gzip option compresses on the wire, and the receiver inflates it', async () => {
    const prompt = 'Plan a three-day trip to Lisbon with museums and food. '.repeat(1000);
    const sent: Record<string, number> = {};
    for (const compression of [CompressionAlgorithm.NONE, CompressionAlgorithm.GZIP]) {
      const relay = await countingRelay(port);
      try {
        const { results } = await exportAgentTrace(`http://127.0.0.1:${relay.port}`, compression, prompt);
        assert.ok(results.every((result) => result.code === ExportResultCode.SUCCESS));
        sent[compression] = relay.sentBytes();
      } finally {
        relay.close();
      }
    }
    assert.ok(sent.none! > prompt.length, `uncompressed: ${sent.none} bytes`);
    assert.ok(sent.gzip! < prompt.length / 10, `gzip: ${sent.gzip} bytes`);
    const prompts = received
      .flatMap((result) => spansOf(result.request))
      .map((span) => span.attributes.get('gen_ai.prompt'));
    assert.equal(prompts.length, 4);
    assert.equal(prompts.filter((value) => value === prompt).length, 2, 'both LLM spans carry the whole prompt');
  });

  test('reports spans the decoder rejected as partial_success', async () => {
    const response = decodeResponseProto(await call(client, protobufRequest([ROOT, BAD_ID])));
    const partial = response.partialSuccess as { rejectedSpans: string; errorMessage: string };
    assert.equal(partial.rejectedSpans, '1');
    assert.equal(partial.errorMessage, received[0]!.rejectionMessage);
    assert.ok(partial.errorMessage.length > 0);
    assert.deepEqual(
      spansOf(received[0]!.request).map((span) => span.spanId),
      [ROOT.spanId],
    );
  });

  test('refuses an undecodable message with INVALID_ARGUMENT saying why, and keeps serving', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]);
    await assertStatus(
      call(client, garbage),
      grpc.status.INVALID_ARGUMENT,
      /not a valid ExportTraceServiceRequest: .*byte/,
    );
    assert.equal(received.length, 0);
    assert.match(warnings.join('\n'), /INVALID_ARGUMENT/);
    await assertStillServes();
  });

  test('refuses a message over the limit with RESOURCE_EXHAUSTED, and keeps serving', async () => {
    await assertStatus(call(client, Buffer.alloc(LIMIT + 1)), grpc.status.RESOURCE_EXHAUSTED, /larger than max/);
    assert.equal(received.length, 0);
    await assertStillServes();
  });

  test('refuses a gzip message that inflates past the limit with RESOURCE_EXHAUSTED', async () => {
    const gzipClient = rawClient(port, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    try {
      // A few kilobytes on the wire, 4 MiB once inflated.
      await assertStatus(
        call(gzipClient, Buffer.alloc(16 * LIMIT)),
        grpc.status.RESOURCE_EXHAUSTED,
        /decompresses to a size larger than/,
      );
      const response = await call(gzipClient, protobufRequest([ROOT]));
      assert.equal(response.length, 0);
      assert.equal(received.length, 1, 'a gzipped message within the limit is accepted');
    } finally {
      gzipClient.close();
    }
  });

  test('answers an unknown method with UNIMPLEMENTED', async () => {
    const unknownMethod = TRACE_EXPORT.replace('Export', 'Import');
    await assertStatus(call(client, protobufRequest([ROOT]), unknownMethod), grpc.status.UNIMPLEMENTED, /Import/);
    assert.equal(received.length, 0);
    await assertStillServes();
  });

  test('an HTTP/1.1 request and garbage bytes on the port are dropped, and it keeps serving', async () => {
    const http1 = await new Promise<string>((resolve) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/traces' }, (response) => {
        response.resume();
        resolve(`answered ${response.statusCode}`);
      });
      request.on('error', (error) => resolve(error.message));
      request.end('{}');
    });
    assert.match(http1, /Parse Error/, 'an HTTP/2 server answers no HTTP/1.1');
    // The server answers a bad connection preface with GOAWAY and ends the connection.
    const garbage = net.connect(port, '127.0.0.1', () => garbage.write(Buffer.alloc(100, 0xff)));
    await new Promise((resolve) => garbage.resume().on('end', resolve).on('error', resolve));
    garbage.destroy();
    assert.equal(received.length, 0);
    await assertStillServes();
  });

  test('a failing onTraces is INTERNAL with the reason, then it keeps serving', async () => {
    failNext = new Error('disk full');
    await assertStatus(call(client, protobufRequest([ROOT])), grpc.status.INTERNAL, /could not be stored: disk full/);
    await assertStillServes();
  });

  test('while paused, the exporter gets UNAVAILABLE with a retry delay, nothing is stored; resumed, it is accepted', async () => {
    receiver.paused = true;
    try {
      const { results } = await exportAgentTrace(`http://127.0.0.1:${port}`, CompressionAlgorithm.NONE);
      assert.ok(results.length > 0);
      for (const result of results) {
        assert.equal(result.code, ExportResultCode.FAILED);
        assert.equal((result.error as grpc.ServiceError).code, grpc.status.UNAVAILABLE);
        assert.match((result.error as grpc.ServiceError).details, /paused; retry later/);
        assert.equal(retryDelayOf(result.error as grpc.ServiceError), PAUSED_RETRY_AFTER_SECONDS);
      }
      assert.equal(received.length, 0);
    } finally {
      receiver.paused = false;
    }
    await assertStillServes();
  });

  test('without log and metric handlers, the OTel gRPC log and metric exporters succeed and the data is dropped', async () => {
    const { logResults } = await exportLogsAndMetrics(`http://127.0.0.1:${port}`);
    assert.deepEqual(
      logResults.map((result) => result.code),
      [ExportResultCode.SUCCESS, ExportResultCode.SUCCESS],
    );
    assert.equal(received.length, 0);
    assert.deepEqual(warnings, []);
    assert.equal(infos.filter((line) => line.includes('LogsService/Export: logs are accepted and dropped')).length, 1);
    assert.equal(
      infos.filter((line) => line.includes('MetricsService/Export: metrics are accepted and dropped')).length,
      1,
    );
  });
});

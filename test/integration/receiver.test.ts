import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { spansOf } from '../../src/core/model';
import type { TraceDecodeResult } from '../../src/core/otlp/types';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { PAUSED_RETRY_AFTER_SECONDS } from '../../src/core/receiver/options';
import {
  decodeResponseProto,
  decodeStatusProto,
  protobufRequest,
  readResponse,
  send,
  type RawResponse,
  type TestSpan,
} from '../support/receiverClient';
import { JSON_TYPE, jsonBody, LIMIT, PROTOBUF, ROOT, TRACE_ID, type StatusJson } from './receiverFixtures';

const CHILD: TestSpan = {
  traceId: TRACE_ID,
  spanId: 'eee19b7ec3c1b173',
  parentSpanId: ROOT.spanId,
  name: 'chat gpt-4o',
};
/** An 8-byte trace id: the decoders reject the span and report it in partial_success. */
const BAD_ID: TestSpan = { traceId: '0102030405060708', spanId: '0000000000000001', name: 'bad ids' };

function spanIds(result: TraceDecodeResult | undefined): string[] {
  return result ? spansOf(result.request).map((span) => span.spanId) : [];
}

describe('OtlpHttpReceiver', () => {
  const received: TraceDecodeResult[] = [];
  const warnings: string[] = [];
  let failNext: Error | undefined;
  let receiver: OtlpHttpReceiver;
  let port: number;

  before(async () => {
    receiver = new OtlpHttpReceiver({
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
      log: { info() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) },
    });
    ({ port } = await receiver.start());
  });

  after(() => receiver.stop());

  beforeEach(() => {
    received.length = 0;
    warnings.length = 0;
  });

  /** After every refused request: the server still accepts a valid export. */
  async function assertStillServes(agent?: http.Agent) {
    const before = received.length;
    const response = await send(port, { headers: PROTOBUF, body: protobufRequest([ROOT]), agent });
    assert.equal(response.status, 200);
    assert.deepEqual(spanIds(received[before]), [ROOT.spanId]);
  }

  function assertJsonStatus(response: RawResponse, status: number, code: number, pattern: RegExp) {
    assert.equal(response.status, status);
    assert.equal(response.headers['content-type'], 'application/json');
    const body = JSON.parse(response.body.toString('utf8')) as StatusJson;
    assert.equal(body.code, code);
    assert.match(body.message, pattern);
  }

  function assertProtobufStatus(response: RawResponse, status: number, code: number, pattern: RegExp) {
    assert.equal(response.status, status);
    assert.equal(response.headers['content-type'], 'application/x-protobuf');
    const body = decodeStatusProto(response.body);
    assert.equal(body.code, code);
    assert.match(body.message, pattern);
  }

  describe('accepts', () => {
    test('protobuf: hands the decoded request over and answers an empty protobuf response', async () => {
      const response = await send(port, { headers: PROTOBUF, body: protobufRequest([ROOT, CHILD]) });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], 'application/x-protobuf');
      assert.equal(response.body.length, 0, 'an ExportTraceServiceResponse without partial_success is empty');
      assert.equal(received.length, 1);
      const spans = spansOf(received[0]!.request);
      assert.deepEqual(
        spans.map((span) => [span.traceId, span.spanId, span.parentSpanId, span.name]),
        [
          [TRACE_ID, ROOT.spanId, undefined, ROOT.name],
          [TRACE_ID, CHILD.spanId, ROOT.spanId, CHILD.name],
        ],
      );
      assert.equal(spans[1]!.startTimeUnixNano, 1_700_000_000_000_000_001n);
    });

    test('JSON whatever the media type case and parameters, answering {}', async () => {
      const response = await send(port, {
        headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
        body: jsonBody([ROOT, CHILD]),
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(response.body.toString('utf8')), {});
      assert.deepEqual(spanIds(received[0]), [ROOT.spanId, CHILD.spanId]);
    });

    test('gzip and deflate (zlib and raw) bodies, and an explicit identity encoding', async () => {
      const bodies: Array<[string, Uint8Array]> = [
        ['gzip', zlib.gzipSync(protobufRequest([ROOT]))],
        ['deflate', zlib.deflateSync(protobufRequest([ROOT]))],
        ['deflate', zlib.deflateRawSync(protobufRequest([ROOT]))],
        ['identity', protobufRequest([ROOT])],
      ];
      for (const [encoding, body] of bodies) {
        const response = await send(port, { headers: { ...PROTOBUF, 'Content-Encoding': encoding }, body });
        assert.equal(response.status, 200, encoding);
      }
      const json = await send(port, {
        headers: { ...JSON_TYPE, 'Content-Encoding': 'GZIP' },
        body: zlib.gzipSync(jsonBody([CHILD])),
      });
      assert.equal(json.status, 200);
      assert.deepEqual(received.map(spanIds), [
        [ROOT.spanId],
        [ROOT.spanId],
        [ROOT.spanId],
        [ROOT.spanId],
        [CHILD.spanId],
      ]);
    });

    test('reports spans the decoder rejected as partial_success, in protobuf', async () => {
      const response = await send(port, { headers: PROTOBUF, body: protobufRequest([ROOT, BAD_ID]) });
      assert.equal(response.status, 200);
      const body = decodeResponseProto(response.body);
      const partial = body.partialSuccess as { rejectedSpans: string; errorMessage: string };
      assert.equal(partial.rejectedSpans, '1');
      assert.equal(partial.errorMessage, received[0]!.rejectionMessage);
      assert.ok(partial.errorMessage.length > 0);
      assert.deepEqual(spanIds(received[0]), [ROOT.spanId]);
    });

    test('reports spans the decoder rejected as partial_success, in JSON', async () => {
      const response = await send(port, { headers: JSON_TYPE, body: jsonBody([BAD_ID, CHILD]) });
      assert.equal(response.status, 200);
      const body = JSON.parse(response.body.toString('utf8')) as {
        partialSuccess: { rejectedSpans: string | number; errorMessage: string };
      };
      assert.equal(Number(body.partialSuccess.rejectedSpans), 1);
      assert.equal(body.partialSuccess.errorMessage, received[0]!.rejectionMessage);
      assert.deepEqual(spanIds(received[0]), [CHILD.spanId]);
    });

    test('logs and metrics with an empty response in the request encoding, without storing them', async () => {
      for (const path of ['/v1/logs', '/v1/metrics']) {
        const protobuf = await send(port, {
          path,
          headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' },
          body: zlib.gzipSync(Buffer.alloc(0)),
        });
        assert.equal(protobuf.status, 200, path);
        assert.equal(protobuf.headers['content-type'], 'application/x-protobuf');
        assert.equal(protobuf.body.length, 0);
        const json = await send(port, { path, headers: JSON_TYPE, body: '{"resourceLogs":[]}' });
        assert.equal(json.status, 200, path);
        assert.equal(json.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(json.body.toString('utf8')), {});
      }
      assert.equal(received.length, 0);
    });

    test('a body after `Expect: 100-continue`', async () => {
      const outcome = await new Promise<{ continued: boolean; response: RawResponse }>((resolve, reject) => {
        let continued = false;
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/traces',
          headers: { ...JSON_TYPE, Expect: '100-continue' },
        });
        request.on('continue', () => {
          continued = true;
          request.end(jsonBody([ROOT]));
        });
        request.on('response', (response) => {
          readResponse(response).then((body) => resolve({ continued, response: body }), reject);
        });
        request.on('error', reject);
        request.flushHeaders();
      });
      assert.ok(outcome.continued);
      assert.equal(outcome.response.status, 200);
      assert.deepEqual(spanIds(received[0]), [ROOT.spanId]);
    });
  });

  describe('refuses', () => {
    test('other methods on a known path with 405 and Allow: POST', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await send(port, { method, path: '/v1/traces' });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.allow, 'POST');
      }
      await assertStillServes();
    });

    test('unknown paths with 404', async () => {
      for (const path of ['/', '/v1/trace', '/v2/traces', '/v1/traces/extra']) {
        const response = await send(port, { path, headers: PROTOBUF, body: protobufRequest([ROOT]) });
        assert.equal(response.status, 404, path);
        assert.equal(decodeStatusProto(response.body).code, 12);
      }
      assert.equal(received.length, 0);
      await assertStillServes();
    });

    test('a query string does not change the path', async () => {
      const response = await send(port, { path: '/v1/traces?tenant=a', headers: JSON_TYPE, body: jsonBody([ROOT]) });
      assert.equal(response.status, 200);
    });

    test('unknown media types and content encodings with 415 before reading the body', async () => {
      const plain = await send(port, { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
      assert.equal(plain.status, 415);
      assert.match(plain.body.toString('utf8'), /Content-Type text\/plain.*application\/x-protobuf/);
      const none = await send(port, { body: protobufRequest([ROOT]) });
      assert.equal(none.status, 415);
      const brotli = await send(port, {
        headers: { ...PROTOBUF, 'Content-Encoding': 'br' },
        body: zlib.brotliCompressSync(protobufRequest([ROOT])),
      });
      assertProtobufStatus(brotli, 415, 3, /Content-Encoding br/);
      assert.equal(received.length, 0);
      await assertStillServes();
    });

    test('an undecodable protobuf body with 400 and a protobuf google.rpc.Status saying why', async () => {
      const response = await send(port, { headers: PROTOBUF, body: Buffer.from([0x0a, 0xff, 0xff, 0x03, 0x01]) });
      assertProtobufStatus(response, 400, 3, /protobuf body is not a valid ExportTraceServiceRequest: \S/);
      await assertStillServes();
    });

    test('an undecodable JSON body with 400 and a JSON google.rpc.Status saying why', async () => {
      const syntax = await send(port, { headers: JSON_TYPE, body: '{"resourceSpans": [' });
      assertJsonStatus(syntax, 400, 3, /json body is not a valid ExportTraceServiceRequest: \S/);
      const utf8 = await send(port, { headers: JSON_TYPE, body: Buffer.from([0x7b, 0xff, 0x7d]) });
      assertJsonStatus(utf8, 400, 3, /not valid UTF-8/);
      assert.equal(received.length, 0);
      await assertStillServes();
    });

    test('a body that is not valid gzip or deflate with 400', async () => {
      const garbage = await send(port, {
        headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' },
        body: Buffer.from(jsonBody([ROOT])),
      });
      assertJsonStatus(garbage, 400, 3, /gzip body could not be inflated/);
      const truncated = await send(port, {
        headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' },
        body: zlib.gzipSync(protobufRequest([ROOT])).subarray(0, 20),
      });
      assertProtobufStatus(truncated, 400, 3, /gzip body could not be inflated/);
      const deflate = await send(port, {
        headers: { ...PROTOBUF, 'Content-Encoding': 'deflate' },
        body: Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff]),
      });
      assertProtobufStatus(deflate, 400, 3, /deflate body could not be inflated/);
      assert.equal(received.length, 0);
      await assertStillServes();
    });

    test('a declared Content-Length over the limit with 413, without waiting for the body', async () => {
      const response = await new Promise<RawResponse>((resolve, reject) => {
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/traces',
          headers: { ...PROTOBUF, 'Content-Length': LIMIT + 1 },
        });
        request.on('response', (incoming) => {
          readResponse(incoming).then(resolve, reject);
        });
        request.on('error', reject);
        // Only the headers are sent: the answer must not depend on the body arriving.
        request.flushHeaders();
      });
      assertProtobufStatus(response, 413, 8, new RegExp(`is ${LIMIT + 1} bytes; the limit is ${LIMIT} bytes`));
      assert.equal(response.headers.connection, 'close');
      await assertStillServes();
    });

    test('a streamed body without Content-Length with 413 once it passes the limit', async () => {
      let sent = 0;
      const response = await new Promise<RawResponse>((resolve, reject) => {
        let answered = false;
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/traces',
          headers: JSON_TYPE,
        });
        request.on('response', (incoming) => {
          answered = true;
          readResponse(incoming).then(resolve, reject);
        });
        // Writes after the server closed the connection fail; only a missing response is a failure.
        request.on('error', (error) => {
          if (!answered) reject(error);
        });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!answered && sent <= 4 * LIMIT) {
            sent += chunk.length;
            if (!request.write(chunk)) return void request.once('drain', pump);
          }
          if (!answered) request.end();
        };
        pump();
      });
      assertJsonStatus(response, 413, 8, /exceeds it; the limit is/);
      assert.ok(sent > LIMIT);
      await assertStillServes();
    });

    test('a gzip bomb with 413, cut off at the limit while inflating', async () => {
      // 64 MiB of zeros deflate to about 64 KiB: far under the limit on the wire, 64 times over it inflated.
      const bomb = await new Promise<Buffer>((resolve, reject) => {
        const gzip = zlib.createGzip({ level: 9 });
        const chunks: Buffer[] = [];
        gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
        gzip.on('end', () => resolve(Buffer.concat(chunks)));
        gzip.on('error', reject);
        const zeros = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < 64; i++) gzip.write(zeros);
        gzip.end();
      });
      assert.ok(bomb.length < LIMIT);
      const response = await send(port, { headers: { ...PROTOBUF, 'Content-Encoding': 'gzip' }, body: bomb });
      assertProtobufStatus(response, 413, 8, /exceeds it once inflated; the limit is/);
      assert.equal(received.length, 0);
      await assertStillServes();
    });

    test('traces with 503 and Retry-After while paused, and accepts them again after', async () => {
      receiver.paused = true;
      try {
        const response = await send(port, { headers: JSON_TYPE, body: jsonBody([ROOT]) });
        assertJsonStatus(response, 503, 14, /paused/);
        assert.equal(response.headers['retry-after'], String(PAUSED_RETRY_AFTER_SECONDS));
        assert.equal(received.length, 0);
        assert.ok(warnings.some((line) => line.includes('503')));
      } finally {
        receiver.paused = false;
      }
      await assertStillServes();
    });

    test('a failing onTraces with 500 and the reason, then keeps serving', async () => {
      failNext = new Error('disk full');
      const response = await send(port, { headers: JSON_TYPE, body: jsonBody([ROOT]) });
      assertJsonStatus(response, 500, 13, /could not be stored: disk full/);
      assert.ok(warnings.some((line) => line.includes('disk full')));
      await assertStillServes();
    });

    test('a request waiting for `100 Continue` gets its final status instead', async () => {
      const outcome = await new Promise<{ continued: boolean; response: RawResponse }>((resolve, reject) => {
        let continued = false;
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/traces',
          headers: { 'Content-Type': 'text/plain', 'Content-Length': 5, Expect: '100-continue' },
        });
        request.on('continue', () => (continued = true));
        request.on('response', (response) => {
          readResponse(response).then((body) => resolve({ continued, response: body }), reject);
          request.destroy();
        });
        request.on('error', reject);
        request.flushHeaders();
      });
      assert.equal(outcome.continued, false);
      assert.equal(outcome.response.status, 415);
      await assertStillServes();
    });
  });

  test('a refused request with a body keeps its keep-alive connection usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      agent.on('free', (socket) => sockets.add(socket));
      const refused = await send(port, { headers: { 'Content-Type': 'text/plain' }, body: 'x'.repeat(100_000), agent });
      assert.equal(refused.status, 415);
      await assertStillServes(agent);
      assert.equal(sockets.size, 1, 'both requests used the same connection');
    } finally {
      agent.destroy();
    }
  });

  test('a client that disconnects mid-body is logged and nothing else happens', async () => {
    await new Promise<void>((resolve) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/traces',
        headers: { ...PROTOBUF, 'Content-Length': 1000 },
      });
      request.on('error', () => resolve());
      request.write(Buffer.alloc(100), () => setTimeout(() => request.destroy(), 20));
    });
    await assertStillServes();
    assert.equal(received.length, 1, 'only the complete request was handed over');
    assert.ok(warnings.some((line) => line.includes('closed before the request was complete')));
  });
});

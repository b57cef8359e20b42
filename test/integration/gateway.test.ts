/**
 * The AI gateway over real sockets: a scripted OpenAI-style upstream on loopback, a client with Node's own HTTP
 * stack. What the client gets must be byte for byte what the upstream sent, whatever the status; failures on either
 * side must reach the other; browsers are refused; and no API key reaches a span or the log.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { StatusCode, type Span } from '../../src/core/model';

const API_KEY = 'sk-test-7f3a9c2e1b8d4f60a5e3c7b9d1f2a4e6';

interface Script {
  status: number;
  headers: Record<string, string>;
  /** The answer's chunks, or a function of the request body that makes them. */
  chunks: (string | Buffer)[] | ((body: string) => (string | Buffer)[]);
  intervalMs: number;
  /** Destroys the socket after this many chunks. */
  dieAfter?: number;
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', model: 'gpt-4o', choices: [{ index: 0, delta: { content } }] })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'c1', model: 'gpt-4o', choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } })}\n\n`;
const STREAM = [chunk('The '), chunk('capital '), chunk('is '), chunk('Paris.'), usageChunk, 'data: [DONE]\n\n'];

class Upstream {
  readonly server: http.Server;
  script: Script = { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: STREAM, intervalMs: 0 };
  /** Set when a request's connection closed before its answer ended. */
  aborted = 0;
  readonly requests: { headers: http.IncomingHttpHeaders; url: string; body: string }[] = [];

  constructor() {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (data: Buffer) => (body += data.toString()));
      request.on('end', () => {
        this.requests.push({ headers: request.headers, url: request.url ?? '', body });
        void this.answer(response, body);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async answer(response: http.ServerResponse, body: string): Promise<void> {
    const { status, headers, intervalMs, dieAfter } = this.script;
    const chunks = typeof this.script.chunks === 'function' ? this.script.chunks(body) : this.script.chunks;
    response.on('close', () => {
      if (!response.writableFinished) this.aborted++;
    });
    response.writeHead(status, headers);
    for (const [index, text] of chunks.entries()) {
      if (index === dieAfter) {
        response.socket?.destroy();
        return;
      }
      if (response.destroyed) return;
      response.write(text);
      if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    response.end();
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function post(port: number, path: string, body: object, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
      },
      (response) => {
        let text = '';
        response.on('data', (data: Buffer) => (text += data.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

/** The body bytes of an answer, as they came over the wire. */
function postRaw(port: number, path: string, body: object, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (data: Buffer) => chunks.push(data));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

const CHAT = {
  model: 'gpt-4o',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'Capital of France?' }],
};

describe('the AI gateway', () => {
  const upstream = new Upstream();
  const spans: Span[] = [];
  const logLines: string[] = [];
  let gateway: AiGateway;
  let port: number;

  before(async () => {
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    const log = (line: string) => logLines.push(line);
    gateway = new AiGateway({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      upstreams: { openai: `http://127.0.0.1:${upstream.port}/v1`, anthropic: 'http://127.0.0.1:9' },
      recordContent: true,
      proxy: undefined,
      onSpan: (span) => spans.push(span),
      log: { info: log, warn: log, error: log },
    });
    port = (await gateway.start()).port;
  });

  after(async () => {
    await gateway.stop();
    upstream.server.close();
  });

  /** The span of the call made last; the gateway delivers it right after the answer ends. */
  async function lastSpan(count: number): Promise<Span> {
    for (let wait = 0; spans.length < count && wait < 100; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(spans.length, count);
    return spans.at(-1)!;
  }

  test('a stream passes byte for byte, and its call is recorded with tokens and TTFT', async () => {
    upstream.script = { ...upstream.script, intervalMs: 30 };
    const direct = await post(upstream.port, '/v1/chat/completions', CHAT);
    const through = await post(port, '/openai/chat/completions', CHAT);
    assert.equal(through.body, direct.body);
    assert.equal(through.headers['content-type'], 'text/event-stream');
    const forwarded = upstream.requests.at(-1)!;
    assert.equal(forwarded.url, '/v1/chat/completions');
    assert.equal(forwarded.headers.authorization, `Bearer ${API_KEY}`, 'the key passes through to the upstream');
    assert.equal(forwarded.headers.host, `127.0.0.1:${upstream.port}`);
    const span = await lastSpan(1);
    assert.equal(span.name, 'chat gpt-4o');
    assert.equal(span.attributes.get('gen_ai.usage.input_tokens'), 9);
    assert.equal(span.attributes.get('gen_ai.usage.output_tokens'), 4);
    const ttft = span.attributes.get('gen_ai.response.time_to_first_chunk') as number;
    // The first chunk goes out at once, the rest 30 ms apart: TTFT is short, TPOT near the interval.
    assert.ok(ttft >= 0 && ttft < 0.03, `TTFT ${ttft} s`);
    const tpot = span.attributes.get(GatewayAttributes.timePerOutputToken) as number;
    assert.ok(tpot > 0.025 && tpot < 0.06, `TPOT ${tpot} s`);
    upstream.script = { ...upstream.script, intervalMs: 0 };
  });

  for (const status of [400, 401, 429, 500]) {
    test(`a ${status} answer passes byte for byte with its headers, and the span is an error`, async () => {
      const body = JSON.stringify({ error: { message: `refused with ${status}`, type: 'invalid_request_error' } });
      upstream.script = {
        status,
        headers: { 'content-type': 'application/json', 'retry-after': '7', 'x-request-id': 'req_1' },
        chunks: [body],
        intervalMs: 0,
      };
      const count = spans.length;
      const through = await post(port, '/openai/chat/completions', CHAT);
      assert.deepEqual([through.status, through.body], [status, body]);
      assert.equal(through.headers['retry-after'], '7');
      assert.equal(through.headers['x-request-id'], 'req_1');
      const span = await lastSpan(count + 1);
      assert.equal(span.status.code, StatusCode.Error);
      assert.equal(span.attributes.get('http.response.status_code'), status);
      assert.equal(span.attributes.get('error.type'), 'invalid_request_error');
    });
  }

  test('a gzip-compressed stream passes compressed, and is read for the span; zstd is not asked for', async () => {
    const compressed = gzipSync(STREAM.join(''));
    // Two pieces, so the tap inflates across chunk boundaries.
    const half = compressed.length >> 1;
    upstream.script = {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' },
      chunks: [compressed.subarray(0, half), compressed.subarray(half)],
      intervalMs: 10,
    };
    const count = spans.length;
    const through = await postRaw(port, '/openai/chat/completions', CHAT, { 'accept-encoding': 'gzip, zstd' });
    assert.ok(through.equals(compressed), 'the client gets the compressed bytes');
    assert.equal(upstream.requests.at(-1)!.headers['accept-encoding'], 'gzip');
    const span = await lastSpan(count + 1);
    assert.equal(span.attributes.get('gen_ai.usage.output_tokens'), 4);
    assert.match(span.attributes.get('gen_ai.output.messages') as string, /The capital is Paris\./);
  });

  test('an upstream that dies mid-stream breaks the client’s stream too, and the span says so', async () => {
    upstream.script = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: STREAM,
      intervalMs: 10,
      dieAfter: 2,
    };
    const count = spans.length;
    await assert.rejects(post(port, '/openai/chat/completions', CHAT), /aborted|socket hang up|ECONNRESET/);
    const span = await lastSpan(count + 1);
    assert.equal(span.attributes.get('error.type'), 'upstream_disconnected');
    assert.equal(span.status.code, StatusCode.Error);
  });

  test('a client that goes away aborts the upstream request', async () => {
    upstream.script = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: STREAM,
      intervalMs: 200,
    };
    const abortedBefore = upstream.aborted;
    const count = spans.length;
    await new Promise<void>((resolve) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: '/openai/chat/completions', method: 'POST' },
        (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        },
      );
      request.end(JSON.stringify(CHAT));
    });
    const span = await lastSpan(count + 1);
    assert.equal(span.attributes.get('error.type'), 'client_disconnected');
    for (let wait = 0; upstream.aborted === abortedBefore && wait < 100; wait++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(upstream.aborted, abortedBefore + 1);
  });

  test('an unreachable upstream gets a 502 in the provider’s own error shape, naming the URL', async () => {
    const count = spans.length;
    const answer = await post(port, '/anthropic/v1/messages', {
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [],
    });
    assert.equal(answer.status, 502);
    const body = JSON.parse(answer.body) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.match(body.error.message, /http:\/\/127\.0\.0\.1:9\/v1\/messages/);
    const span = await lastSpan(count + 1);
    assert.equal(span.attributes.get('error.type'), 'upstream_unreachable');
  });

  test('a request with an Origin header or a foreign Host is refused before it goes anywhere', async () => {
    const sent = upstream.requests.length;
    const fromPage = await post(port, '/openai/chat/completions', CHAT, { origin: 'https://evil.example' });
    assert.equal(fromPage.status, 403);
    const rebound = await post(port, '/openai/chat/completions', CHAT, { host: `evil.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.equal(upstream.requests.length, sent);
  });

  test('a body over the limit gets 413 in the provider’s shape; unknown paths get 404', async () => {
    const big = await post(port, '/openai/chat/completions', { ...CHAT, padding: 'x'.repeat(70 * 1024) });
    assert.equal(big.status, 413);
    assert.match((JSON.parse(big.body) as { error: { message: string } }).error.message, /limit/);
    const unknown = await post(port, '/mistral/v1/chat', CHAT);
    assert.equal(unknown.status, 404);
  });

  test('200 parallel streams each get exactly their own bytes', async () => {
    // Each answer quotes its question, so a chunk delivered to the wrong client would show.
    const answerTo = (body: string) => {
      const question = (JSON.parse(body) as typeof CHAT).messages[0]!.content;
      return [chunk('About '), chunk(question), chunk('.'), usageChunk, 'data: [DONE]\n\n'];
    };
    upstream.script = {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      chunks: answerTo,
      intervalMs: 5,
    };
    const question = (index: number) => ({ ...CHAT, messages: [{ role: 'user', content: `question ${index}` }] });
    const count = spans.length;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) => post(port, '/openai/chat/completions', question(index))),
    );
    answers.forEach((answer, index) => assert.equal(answer.body, answerTo(JSON.stringify(question(index))).join('')));
    await lastSpan(count + 200);
    const outputs = new Set(spans.slice(count).map((span) => span.attributes.get('gen_ai.output.messages')));
    assert.equal(outputs.size, 200);
  });

  test('the API key reaches no span and no log line', () => {
    assert.ok(spans.length > 0 && logLines.length > 0);
    for (const span of spans) {
      const text = JSON.stringify([...span.attributes, ...span.resource.attributes], (_key, value: unknown) =>
        typeof value === 'bigint' ? String(value) : value,
      );
      assert.ok(!text.includes(API_KEY), span.name);
    }
    for (const line of logLines) assert.ok(!line.includes(API_KEY), line);
  });
});

/**
 * What the AI gateway passes on is what the upstream sent: for every provider's wire format (the fake upstreams),
 * streamed and whole answers and each error status come back through the gateway with the same status, headers (less
 * hop-by-hop ones) and body bytes as they do directly; and every call, failed ones included, is recorded.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { AiGateway } from '../../src/core/gateway/gateway';
import { StatusCode, type Span } from '../../src/core/model';
import { FakeUpstreams, type FakeErrorStatus, type FakeProviderId } from '../support/fakeUpstreams';

interface Exchange {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request per provider, as its SDK sends it (path after the base URL, body), streamed or not. */
const CALLS: Record<FakeProviderId, (stream: boolean) => { path: string; body: object }> = {
  openai: (stream) => ({
    path: '/chat/completions',
    body: { model: 'gpt-4o', stream, messages: [{ role: 'user', content: 'Capital of France?' }] },
  }),
  anthropic: (stream) => ({
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-5', max_tokens: 64, stream, messages: [{ role: 'user', content: 'Capital?' }] },
  }),
  gemini: (stream) => ({
    path: `/v1beta/models/gemini-2.5-flash:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
    body: { contents: [{ role: 'user', parts: [{ text: 'Capital of France?' }] }] },
  }),
  ollama: (stream) => ({
    path: '/api/chat',
    body: { model: 'llama3.2', stream, messages: [{ role: 'user', content: 'Capital of France?' }] },
  }),
};

const PROVIDERS = Object.keys(CALLS) as FakeProviderId[];
const ERROR_STATUSES: FakeErrorStatus[] = [400, 401, 429, 500];

/** Headers that differ between any two answers, or that the gateway must not pass on. */
const VARYING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function comparable(headers: http.IncomingHttpHeaders): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !VARYING.has(name)));
}

function post(url: string, body: object): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

describe('the AI gateway passes every provider’s answers on unchanged', () => {
  const fake = new FakeUpstreams({ chunkCount: 4, chunkIntervalMs: 5 });
  const spans: Span[] = [];
  let gateway: AiGateway;
  let gatewayOrigin: string;

  before(async () => {
    await fake.start();
    gateway = new AiGateway({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      upstreams: Object.fromEntries(PROVIDERS.map((provider) => [provider, fake.baseUrl(provider)])),
      recordContent: true,
      proxy: undefined,
      onSpan: (span) => spans.push(span),
    });
    gatewayOrigin = `http://127.0.0.1:${(await gateway.start()).port}`;
  });

  after(async () => {
    await gateway.stop();
    await fake.stop();
  });

  /** The same call directly and through the gateway; the gateway's span of it. */
  async function both(provider: FakeProviderId, stream: boolean): Promise<[Exchange, Exchange, Span]> {
    const { path, body } = CALLS[provider](stream);
    const direct = await post(fake.baseUrl(provider) + path, body);
    const recorded = spans.length;
    const through = await post(`${gatewayOrigin}/${provider}${path}`, body);
    // The span follows the answer's end by a moment.
    for (let wait = 0; spans.length === recorded && wait < 100; wait++)
      await new Promise((done) => setTimeout(done, 10));
    assert.equal(spans.length, recorded + 1, `${provider}: one span for the call`);
    return [direct, through, spans.at(-1)!];
  }

  for (const provider of PROVIDERS) {
    for (const stream of [true, false]) {
      test(`${provider}, ${stream ? 'streamed' : 'whole'}: the same bytes, and the call recorded`, async () => {
        fake.script = { ...fake.script, status: undefined };
        const [direct, through, span] = await both(provider, stream);
        assert.equal(direct.status, 200);
        assert.equal(through.status, direct.status);
        assert.deepEqual(comparable(through.headers), comparable(direct.headers));
        assert.ok(
          through.body.equals(direct.body),
          `${provider}: ${through.body.length} vs ${direct.body.length} bytes`,
        );
        assert.equal(span.attributes.get('gen_ai.request.stream'), stream);
        assert.ok((span.attributes.get('gen_ai.usage.output_tokens') as number) > 0);
      });
    }

    test(`${provider}: error answers pass with their status, headers and body, and the span is an error`, async () => {
      for (const status of ERROR_STATUSES) {
        fake.script = { ...fake.script, status };
        const [direct, through, span] = await both(provider, true);
        assert.equal(direct.status, status);
        assert.equal(through.status, status);
        assert.deepEqual(comparable(through.headers), comparable(direct.headers));
        assert.ok(through.body.equals(direct.body), `${provider} ${status}`);
        assert.equal(span.status.code, StatusCode.Error, `${provider} ${status}`);
        assert.equal(span.attributes.get('http.response.status_code'), status);
      }
      fake.script = { ...fake.script, status: undefined };
    });
  }
});

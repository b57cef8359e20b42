/**
 * How the AI gateway reaches upstreams: through the configured proxy (plain HTTP forwarding, CONNECT tunnels for
 * HTTPS) unless NO_PROXY exempts the host, and never to an HTTPS server whose certificate does not verify, proxy or
 * not. The upstream host names are not in any DNS: only a proxy can reach them.
 */
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { generate } from 'selfsigned';
import { AiGateway } from '../../src/core/gateway/gateway';
import type { ProxySettings } from '../../src/core/gateway/options';
import type { Span } from '../../src/core/model';

const ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2 },
});
const CHAT = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] });

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function answer(_request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(ANSWER);
}

/** A forward proxy: absolute-form requests go to `target`, CONNECT tunnels to `tunnelTo`; it records what it saw. */
class ForwardProxy {
  readonly seen: string[] = [];
  readonly server = http.createServer((request, response) => {
    this.seen.push(`${request.method} ${request.url}`);
    const forwarded = http.request(
      { host: '127.0.0.1', port: this.target(), path: new URL(request.url!).pathname, method: request.method },
      (upstream) => {
        response.writeHead(upstream.statusCode!, upstream.headers);
        upstream.pipe(response);
      },
    );
    request.pipe(forwarded);
  });

  constructor(
    private readonly target: () => number,
    private readonly tunnelTo: () => number,
  ) {
    this.server.on('connect', (request: http.IncomingMessage, client: Socket) => {
      this.seen.push(`CONNECT ${request.url}`);
      const tunnel = connect(this.tunnelTo(), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        tunnel.pipe(client).pipe(tunnel);
      });
      tunnel.on('error', () => client.destroy());
      client.on('error', () => tunnel.destroy());
    });
  }
}

function post(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      },
    );
    request.on('error', reject);
    request.end(CHAT);
  });
}

describe('the AI gateway’s way to its upstreams', { timeout: 30_000 }, () => {
  const plainUpstream = http.createServer(answer);
  let tlsUpstream: https.Server;
  let plainPort = 0;
  let tlsPort = 0;
  const proxy = new ForwardProxy(
    () => plainPort,
    () => tlsPort,
  );
  let proxyUrl = '';
  const running: AiGateway[] = [];

  /** A gateway with these upstreams and proxy; its spans go to `spans`. */
  async function startGateway(
    upstreams: { openai?: string; anthropic?: string },
    proxySettings: ProxySettings | undefined,
    spans: Span[] = [],
  ): Promise<number> {
    const gateway = new AiGateway({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      upstreams,
      recordContent: true,
      proxy: proxySettings,
      onSpan: (span) => spans.push(span),
    });
    running.push(gateway);
    return (await gateway.start()).port;
  }

  before(async () => {
    const pems = await generate([{ name: 'commonName', value: 'models.example' }], { keySize: 2048 });
    tlsUpstream = https.createServer({ key: pems.private, cert: pems.cert }, answer);
    plainPort = await listen(plainUpstream);
    tlsPort = await listen(tlsUpstream);
    proxyUrl = `http://127.0.0.1:${await listen(proxy.server)}`;
  });

  after(async () => {
    await Promise.all(running.map((gateway) => gateway.stop()));
    for (const server of [plainUpstream, tlsUpstream, proxy.server]) {
      server.close();
      server.closeAllConnections();
    }
  });

  test('an HTTP upstream is reached through the proxy, which gets the absolute URL', async () => {
    const spans: Span[] = [];
    const port = await startGateway({ openai: 'http://models.example/v1' }, { url: proxyUrl, noProxy: [] }, spans);
    const { status, body } = await post(port, '/openai/chat/completions');
    assert.deepEqual([status, body], [200, ANSWER]);
    assert.ok(proxy.seen.includes('POST http://models.example/v1/chat/completions'), proxy.seen.join('\n'));
    assert.equal(spans[0]?.attributes.get('server.address'), 'models.example');
  });

  test('a host NO_PROXY names is called directly (here: it does not resolve, so 502)', async () => {
    const seen = proxy.seen.length;
    const port = await startGateway({ openai: 'http://models.example/v1' }, { url: proxyUrl, noProxy: ['.example'] });
    const { status, body } = await post(port, '/openai/chat/completions');
    assert.equal(status, 502);
    assert.match(body, /could not reach http:\/\/models\.example\/v1\/chat\/completions/);
    assert.equal(proxy.seen.length, seen);
  });

  test('an HTTPS upstream goes through a CONNECT tunnel, and its certificate is still verified', async () => {
    const spans: Span[] = [];
    const port = await startGateway({ anthropic: 'https://models.example' }, { url: proxyUrl, noProxy: [] }, spans);
    const { status, body } = await post(port, '/anthropic/v1/messages');
    assert.ok(proxy.seen.includes('CONNECT models.example:443'), proxy.seen.join('\n'));
    assert.equal(status, 502);
    assert.match(body, /certificate/i);
    assert.equal(spans[0]?.attributes.get('error.type'), 'upstream_unreachable');
  });

  test('a direct HTTPS upstream with a self-signed certificate is refused too', async () => {
    const port = await startGateway({ openai: `https://127.0.0.1:${tlsPort}/v1` }, undefined);
    const { status, body } = await post(port, '/openai/chat/completions');
    assert.equal(status, 502);
    assert.match(body, /self-signed certificate/i);
  });
});

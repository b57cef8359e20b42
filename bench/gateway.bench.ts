/**
 * The AI gateway's cost, measured against the same fake OpenAI upstream with and without the gateway in between:
 * the latency it adds to a call (alternating direct and gateway calls, so both see the same machine), and how many
 * streamed chunks per second it passes while reading each one for the span. The upstream, the gateway and the client
 * share this process, so the figures include the client's and upstream's work too: a pessimistic bound.
 * Run: node --import tsx bench/gateway.bench.ts
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AiGateway } from '../src/core/gateway/gateway';
import type { Span } from '../src/core/model';

const LATENCY_CALLS = 2_000;
const STREAM_CHUNKS = 200_000;
const STREAM_ROUNDS = 3;

const ANSWER = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
});

/** One SSE chat chunk, as OpenAI streams them. */
const CHUNK = `data: ${JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, delta: { content: 'token ' }, finish_reason: null }],
})}\n\n`;
const STREAM_BODY = CHUNK.repeat(STREAM_CHUNKS) + 'data: [DONE]\n\n';

function fakeUpstream(): http.Server {
  return http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.includes('stream')) {
        response.writeHead(200, { 'Content-Type': 'text/event-stream' });
        // In pieces of 64 chunks: what a fast server's socket writes look like, not one buffer.
        const piece = CHUNK.length * 64;
        for (let at = 0; at < STREAM_BODY.length; at += piece) response.write(STREAM_BODY.slice(at, at + piece));
        response.end();
      } else {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(ANSWER);
      }
    });
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One call; resolves with the milliseconds to the whole answer and the body's length. */
function call(port: number, path: string, body: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
      (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () => resolve({ ms: performance.now() - started, bytes }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const upstream = fakeUpstream();
  const upstreamPort = await listen(upstream);
  const spans: Span[] = [];
  const gateway = new AiGateway({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1024 * 1024,
    upstreams: { openai: `http://127.0.0.1:${upstreamPort}/v1` },
    recordContent: true,
    proxy: undefined,
    onSpan: (span) => spans.push(span),
  });
  const gatewayPort = (await gateway.start()).port;

  const request = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] });
  const direct: number[] = [];
  const through: number[] = [];
  for (let i = 0; i < LATENCY_CALLS + 200; i++) {
    const directMs = (await call(upstreamPort, '/v1/chat/completions', request)).ms;
    const gatewayMs = (await call(gatewayPort, '/openai/chat/completions', request)).ms;
    // The first 200 pairs warm up the JIT and the connections.
    if (i >= 200) {
      direct.push(directMs);
      through.push(gatewayMs);
    }
  }
  direct.sort((a, b) => a - b);
  through.sort((a, b) => a - b);
  const added = (p: number) => percentile(through, p) - percentile(direct, p);
  console.log(
    `${LATENCY_CALLS} calls each way; direct p50 ${percentile(direct, 50).toFixed(2)} ms, p99 ${percentile(direct, 99).toFixed(2)} ms`,
  );
  console.log(`gateway added latency p50: ${added(50).toFixed(2)} ms`);
  console.log(`gateway added latency p99: ${added(99).toFixed(2)} ms`);

  const streamRequest = JSON.stringify({ ...JSON.parse(request), stream: true });
  let bestDirect = Infinity;
  let bestGateway = Infinity;
  for (let round = 0; round < STREAM_ROUNDS; round++) {
    const plain = await call(upstreamPort, '/v1/chat/completions?stream', streamRequest);
    const metered = await call(gatewayPort, '/openai/chat/completions?stream', streamRequest);
    if (metered.bytes !== plain.bytes) throw new Error(`the gateway passed ${metered.bytes} bytes of ${plain.bytes}`);
    bestDirect = Math.min(bestDirect, plain.ms);
    bestGateway = Math.min(bestGateway, metered.ms);
  }
  const chunksPerSecond = (ms: number) => Math.round((STREAM_CHUNKS / ms) * 1000);
  console.log(
    `${STREAM_CHUNKS} SSE chunks per stream, best of ${STREAM_ROUNDS}; direct ${chunksPerSecond(bestDirect)} chunks/s`,
  );
  console.log(`gateway stream throughput: ${chunksPerSecond(bestGateway)} chunks/s`);

  const streamed = spans.at(-1);
  if (streamed?.attributes.get('gen_ai.response.time_to_first_chunk') === undefined) {
    throw new Error('the streamed call was not recorded with its TTFT');
  }
  agent.destroy();
  await gateway.stop();
  upstream.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

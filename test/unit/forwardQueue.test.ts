/**
 * OtlpForwarder against a scripted collector on loopback: queue bounds and drop counts, retries and refusals, the stop
 * flush, coalesced stats events and logs that never show header values. Backoff is shortened to milliseconds.
 */
import assert from 'node:assert/strict';
import type * as http from 'node:http';
import { afterEach, describe, test } from 'node:test';
import { OtlpForwarder, type ForwardedRequest, type ForwarderOptions } from '../../src/core/forward/otlpForwarder';
import type { ReceiverLog } from '../../src/core/receiver/options';
import { answerOk as ok, startCollector, type Answer } from '../support/recordingCollector';
import { until } from '../support/until';

function recordingLog() {
  const lines: string[] = [];
  const log: ReceiverLog = {
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
  return { lines, log };
}

function request(text: string, signal: ForwardedRequest['signal'] = 'traces'): ForwardedRequest {
  return { signal, body: Buffer.from(text), contentType: 'application/json', contentEncoding: undefined };
}

const FAST_BACKOFF = { initialDelayMs: 5, maxDelayMs: 20 };

describe('OtlpForwarder', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function forwarderTo(answer: Answer | undefined, options: Partial<ForwarderOptions> = {}) {
    const collector = await startCollector(answer);
    const { lines, log } = recordingLog();
    const forwarder = new OtlpForwarder({
      endpoint: collector.endpoint,
      headers: {},
      backoff: FAST_BACKOFF,
      log,
      ...options,
    });
    cleanups.push(async () => {
      await forwarder.stop(0);
      await collector.close();
    });
    return { collector, forwarder, lines };
  }

  test('sends each signal to its path under the base URL, with its headers, type and coding', async () => {
    const collector = await startCollector();
    cleanups.push(() => collector.close());
    const forwarder = new OtlpForwarder({ endpoint: `${collector.endpoint}/otlp/`, headers: { 'x-api-key': 'k1' } });
    forwarder.enqueue(request('t', 'traces'));
    forwarder.enqueue({
      signal: 'logs',
      body: Buffer.from([1, 2]),
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
    });
    forwarder.enqueue(request('m', 'metrics'));
    await forwarder.stop(5000);
    const byUrl = new Map(collector.received.map((entry) => [entry.url, entry]));
    assert.deepEqual([...byUrl.keys()].sort(), ['/otlp/v1/logs', '/otlp/v1/metrics', '/otlp/v1/traces']);
    const logs = byUrl.get('/otlp/v1/logs')!;
    assert.deepEqual([...logs.body], [1, 2]);
    assert.equal(logs.headers['content-type'], 'application/x-protobuf');
    assert.equal(logs.headers['content-encoding'], 'gzip');
    assert.equal(logs.headers['x-api-key'], 'k1');
    assert.equal(byUrl.get('/otlp/v1/traces')!.headers['content-encoding'], undefined);
    assert.equal(forwarder.target, `${collector.endpoint}/otlp`);
    assert.deepEqual(forwarder.stats, {
      forwarded: 3,
      dropped: 0,
      retried: 0,
      queued: 0,
      failing: false,
      lastError: undefined,
    });
  });

  test('a full queue drops its oldest requests, counted exactly, and keeps the newest', async () => {
    const held: http.ServerResponse[] = [];
    const { collector, forwarder, lines } = await forwarderTo((_received, response) => held.push(response), {
      maxQueuedRequests: 3,
    });
    for (let i = 0; i < 10; i++) forwarder.enqueue(request(`r${i}`));
    // Two in flight (r0, r1), the newest three queued, five dropped.
    assert.deepEqual(
      { ...forwarder.stats, lastError: undefined },
      {
        forwarded: 0,
        dropped: 5,
        retried: 0,
        queued: 5,
        failing: false,
        lastError: undefined,
      },
    );
    assert.equal(lines.filter((line) => line.includes('queue is full')).length, 1, lines.join('\n'));
    await until(() => held.length === 2, 'two requests in flight');
    for (const response of held.splice(0)) response.end();
    await until(() => held.length === 2, 'the next two');
    for (const response of held.splice(0)) response.end();
    await until(() => held.length === 1, 'the last one');
    held.pop()!.end();
    await until(() => forwarder.stats.forwarded === 5, 'five delivered');
    assert.deepEqual(collector.received.map((entry) => entry.body.toString()).sort(), ['r0', 'r1', 'r7', 'r8', 'r9']);
    assert.equal(forwarder.stats.dropped, 5);
  });

  test('the byte bound drops the oldest too, and a request larger than the bound alone', async () => {
    const held: http.ServerResponse[] = [];
    const { forwarder } = await forwarderTo((_received, response) => held.push(response), { maxQueuedBytes: 100 });
    const forty = (tag: string) => request(tag.padEnd(40, '.'));
    for (let i = 0; i < 6; i++) forwarder.enqueue(forty(`r${i}`));
    // r0 and r1 in flight; r2..r5 are 160 bytes queued: r2 and r3 go.
    assert.equal(forwarder.stats.dropped, 2);
    assert.equal(forwarder.stats.queued, 4);
    forwarder.enqueue(request('x'.repeat(101)));
    // The oversized request pushes out everything before it, then itself.
    assert.equal(forwarder.stats.dropped, 5);
    assert.equal(forwarder.stats.queued, 2);
  });

  test('retries 503 after its Retry-After and logs failing and recovered once each', async () => {
    let answered = 0;
    const { collector, forwarder, lines } = await forwarderTo((_received, response) => {
      answered++;
      if (answered <= 3) response.writeHead(503, { 'Retry-After': '0' }).end();
      else response.end();
    });
    forwarder.enqueue(request('only'));
    await until(() => forwarder.stats.forwarded === 1, 'delivery');
    assert.equal(collector.received.length, 4);
    assert.ok(collector.received.every((entry) => entry.body.toString() === 'only'));
    assert.deepEqual(forwarder.stats, {
      forwarded: 1,
      dropped: 0,
      retried: 3,
      queued: 0,
      failing: false,
      lastError: '503 Service Unavailable',
    });
    const target = forwarder.target;
    assert.deepEqual(lines, [
      `warn: forwarding to ${target} failing: 503 Service Unavailable; requests wait in the queue`,
      `info: forwarding to ${target} recovered`,
    ]);
  });

  test('a 400 is dropped, not retried, and logged once per status', async () => {
    const { collector, forwarder, lines } = await forwarderTo((_received, response) => response.writeHead(400).end());
    forwarder.enqueue(request('a'));
    forwarder.enqueue(request('b'));
    forwarder.enqueue(request('c'));
    await until(() => forwarder.stats.dropped === 3, 'three refusals');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(collector.received.length, 3);
    assert.equal(forwarder.stats.retried, 0);
    assert.equal(forwarder.stats.failing, false);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, /traces refused with 400 Bad Request; dropped, not retried/);
  });

  test('while the collector is unreachable, requests wait; stop drops and counts what is left', async () => {
    const collector = await startCollector();
    await collector.close();
    const { lines, log } = recordingLog();
    const forwarder = new OtlpForwarder({ endpoint: collector.endpoint, headers: {}, backoff: FAST_BACKOFF, log });
    for (let i = 0; i < 3; i++) forwarder.enqueue(request(`r${i}`));
    await until(() => forwarder.stats.retried >= 4, 'retries');
    const { failing, queued, forwarded, lastError } = forwarder.stats;
    assert.deepEqual({ failing, queued, forwarded }, { failing: true, queued: 3, forwarded: 0 });
    assert.match(lastError ?? '', /ECONNREFUSED/);
    const started = Date.now();
    await forwarder.stop(100);
    assert.ok(Date.now() - started < 1000);
    assert.equal(forwarder.stats.dropped, 3);
    assert.equal(forwarder.stats.queued, 0);
    assert.equal(lines.filter((line) => line.includes('failing')).length, 1, lines.join('\n'));
    assert.match(lines.at(-1)!, /3 requests not delivered before stopping/);
    forwarder.enqueue(request('late'));
    assert.equal(forwarder.stats.dropped, 4, 'a request after stop is dropped and counted');
  });

  test('a burst fires a few stats events, the last one final', async () => {
    const { forwarder } = await forwarderTo(ok);
    const events: number[] = [];
    forwarder.onDidChangeStats((stats) => events.push(stats.forwarded));
    for (let i = 0; i < 500; i++) forwarder.enqueue(request(`r${i}`));
    await forwarder.stop(5000);
    assert.ok(events.length >= 1 && events.length < 20, `${events.length} events`);
    assert.equal(events.at(-1), 500);
  });

  test('header values never reach the log; bad configuration is refused up front without them', async () => {
    const collector = await startCollector((_received, response) => response.writeHead(401).end());
    await collector.close();
    const { lines, log } = recordingLog();
    const secret = 'sk-forward-secret-123';
    const forwarder = new OtlpForwarder({
      endpoint: collector.endpoint,
      headers: { authorization: `Bearer ${secret}` },
      backoff: FAST_BACKOFF,
      log,
    });
    forwarder.enqueue(request('a'));
    await until(() => forwarder.stats.retried > 0, 'a failure');
    await forwarder.stop(0);
    assert.ok(lines.length >= 2);
    assert.ok(!lines.join('\n').includes(secret));
    assert.throws(
      () => new OtlpForwarder({ endpoint: 'http://x', headers: { 'x-key': `${secret}\n` } }),
      (error: Error) => error.message.includes('"x-key"') && !error.message.includes(secret),
    );
    assert.throws(() => new OtlpForwarder({ endpoint: 'ftp://x', headers: {} }), /http or https URL/);
    assert.throws(() => new OtlpForwarder({ endpoint: 'not a url', headers: {} }), /http or https URL/);
  });
});

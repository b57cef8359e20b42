/**
 * Scraping fake Prometheus endpoints on 127.0.0.1: values that change between scrapes reach the store; a target that
 * times out or answers garbage is reported once, retried quietly, reported again when it recovers, and leaves the
 * other targets alone; `serve --scrape --out` records OTLP metrics that `summarize` counts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { Scraper, type ScrapeResult } from '../../src/core/modelServers/scraper';
import { metricsOf } from '../../src/core/otlp/metricModel';
import { decodeMetricsRequestJson } from '../../src/core/otlp/metricsJson';
import type { SummaryJson } from '../../src/core/summarize';
import {
  dcgmText,
  exposition,
  fakeEndpoint,
  llamacppText,
  vllmText,
  type VllmState,
} from '../unit/modelServerFixtures';
import { finished, runCli, startCli } from './cliFixtures';

const base: VllmState = {
  running: 1,
  waiting: 0,
  kvCache: 0.2,
  preemptions: 0,
  prefixHits: 0,
  prefixQueries: 0,
  ttftBuckets: [0, 0, 0, 0, 0],
  ttftSum: 0,
};

function logLines() {
  const lines: string[] = [];
  return {
    lines,
    log: { info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`) },
  };
}

/** Resolves once `predicate` holds, checking every 10 ms, failing after `ms`. */
async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Scraper', () => {
  test('values that change between scrapes reach the store, scrapes never overlap', async () => {
    let scrapes = 0;
    let inFlight = 0;
    let overlapped = false;
    const endpoint = await fakeEndpoint((response) => {
      inFlight++;
      if (inFlight > 1) overlapped = true;
      const n = scrapes++;
      // Slower than the interval: a second scrape must wait for the first.
      setTimeout(() => {
        inFlight--;
        exposition(response, vllmText({ ...base, waiting: n, kvCache: 0.5 + n / 100, preemptions: n * 2 }));
      }, 60);
    });
    const store = new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 3_600_000_000_000n });
    const { lines, log } = logLines();
    const scraper = new Scraper({
      url: endpoint.url,
      onScrape: (result) => store.add(metricsOf(result.request)),
      log,
      activeIntervalMs: 20,
      idleIntervalMs: 20,
    });
    try {
      scraper.start();
      await until(() => store.seriesIn(endpoint.url, 'waiting', 0n, 2n ** 62n).length >= 4);
    } finally {
      scraper.stop();
      await endpoint.close();
    }
    const waiting = store.seriesIn(endpoint.url, 'waiting', 0n, 2n ** 62n).map((sample) => sample.value);
    assert.deepEqual(waiting.slice(0, 4), [0, 1, 2, 3]);
    assert.equal(store.seriesIn(endpoint.url, 'kvCache', 0n, 2n ** 62n)[3]!.value, 53);
    assert.equal(store.seriesIn(endpoint.url, 'preemptions', 0n, 2n ** 62n)[0]!.increase, 2);
    assert.equal(overlapped, false);
    assert.deepEqual(lines, []);
  });

  test('active() scrapes at once and then at the active rhythm; idle falls back to the slow one', async () => {
    const endpoint = await fakeEndpoint((response) =>
      exposition(response, llamacppText({ processing: 0, deferred: 0, kvRatio: 0 })),
    );
    const { log } = logLines();
    let now = 0;
    const scraper = new Scraper({
      url: endpoint.url,
      onScrape: () => {},
      log,
      activeIntervalMs: 20,
      idleIntervalMs: 60_000,
      activeForMs: 1000,
      now: () => now,
    });
    try {
      scraper.start();
      await until(() => endpoint.requests() === 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(endpoint.requests(), 1, 'idle: the next scrape is a minute away');
      scraper.active();
      await until(() => endpoint.requests() >= 4);
      now = 10_000; // spans stopped arriving
      const settled = endpoint.requests();
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.ok(endpoint.requests() <= settled + 1, `idle again after ${settled}: ${endpoint.requests()}`);
    } finally {
      scraper.stop();
      await endpoint.close();
    }
  });

  test('a target that times out, then answers garbage, is reported once, then its recovery; others go on', async () => {
    let mode: 'hang' | 'garbage' | 'ok' = 'hang';
    const flaky = await fakeEndpoint((response) => {
      if (mode === 'hang') return; // never answers
      if (mode === 'garbage') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Welcome to nginx!</body></html>');
        return;
      }
      exposition(response, vllmText(base));
    });
    const healthy = await fakeEndpoint((response) => exposition(response, dcgmText([{ util: 77, fbUsed: 100 }])));
    const store = new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 3_600_000_000_000n });
    const { lines, log } = logLines();
    const results: ScrapeResult[] = [];
    const options = {
      onScrape: (result: ScrapeResult) => (results.push(result), store.add(metricsOf(result.request))),
      log,
      activeIntervalMs: 10,
      idleIntervalMs: 10,
      timeoutMs: 50,
    };
    const scrapers = [new Scraper({ ...options, url: flaky.url }), new Scraper({ ...options, url: healthy.url })];
    try {
      for (const scraper of scrapers) scraper.start();
      await until(() => flaky.requests() >= 3);
      mode = 'garbage';
      const afterTimeouts = flaky.requests();
      await until(() => flaky.requests() >= afterTimeouts + 3);
      assert.equal(scrapers[0]!.isFailing, true);
      mode = 'ok';
      await until(() => store.targets().some((info) => info.target === flaky.url));
    } finally {
      for (const scraper of scrapers) scraper.stop();
      await flaky.close();
      await healthy.close();
    }
    assert.deepEqual(lines, [
      `warn model server ${flaky.url} timed out after 50 ms; retrying quietly until it answers`,
      `info model server ${flaky.url}: metrics are back`,
    ]);
    assert.ok(results.filter((result) => result.url.href === healthy.url).length >= 3);
    assert.equal(store.targets().find((info) => info.target === healthy.url)?.server, 'dcgm');
  });

  test('garbage and HTTP errors are named in their one message', async () => {
    const garbage = await fakeEndpoint((response) => response.end('{"status":"ok"}'));
    const missing = await fakeEndpoint((response) => {
      response.writeHead(404, 'Not Found');
      response.end();
    });
    const { lines, log } = logLines();
    const scrapers = [garbage, missing].map(
      (endpoint) =>
        new Scraper({ url: endpoint.url, onScrape: () => {}, log, activeIntervalMs: 10, idleIntervalMs: 10 }),
    );
    try {
      for (const scraper of scrapers) scraper.start();
      await until(() => garbage.requests() >= 3 && missing.requests() >= 3);
    } finally {
      for (const scraper of scrapers) scraper.stop();
      await garbage.close();
      await missing.close();
    }
    assert.deepEqual(
      lines.sort(),
      [
        `warn model server ${garbage.url} did not answer in Prometheus text format (line 1: expected a metric name in "{"status":"ok"}"); retrying quietly until it answers`,
        `warn model server ${missing.url} answered HTTP 404 Not Found; retrying quietly until it answers`,
      ].sort(),
    );
  });
});

describe('serve --scrape', () => {
  test('--out records the scraped metrics as OTLP JSON lines that summarize counts', async () => {
    let n = 0;
    const endpoint = await fakeEndpoint((response) =>
      exposition(response, vllmText({ ...base, waiting: n++, ttftBuckets: [n, n, n, n, n] })),
    );
    const dir = await mkdtemp(join(tmpdir(), 'scrape-'));
    const out = join(dir, 'out.jsonl');
    try {
      const child = startCli([
        'serve',
        '--port',
        '0',
        '--out',
        out,
        '--scrape',
        endpoint.url,
        '--scrape-interval',
        '0.1',
      ]);
      const result = finished(child);
      const lines = createInterface({ input: child.stdout });
      for await (const line of lines) if (line.startsWith('listening')) break;
      await until(() => endpoint.requests() >= 4);
      child.kill('SIGTERM');
      assert.equal((await result).code, 0);
      const requests = (await readFile(out, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => decodeMetricsRequestJson(line).request);
      assert.ok(requests.length >= 4);
      const metrics = metricsOf(requests[0]!);
      const names = metrics.map((metric) => metric.name).sort();
      assert.deepEqual(names, [
        'vllm:kv_cache_usage_perc',
        'vllm:num_preemptions_total',
        'vllm:num_requests_running',
        'vllm:num_requests_waiting',
        'vllm:prefix_cache_hits_total',
        'vllm:prefix_cache_queries_total',
        'vllm:time_to_first_token_seconds',
      ]);
      assert.deepEqual(
        metrics
          .map((metric) => [metric.name, metric.data.type])
          .filter(([name]) => !name!.includes('requests_'))
          .sort(),
        [
          ['vllm:kv_cache_usage_perc', 'gauge'],
          ['vllm:num_preemptions_total', 'sum'],
          ['vllm:prefix_cache_hits_total', 'sum'],
          ['vllm:prefix_cache_queries_total', 'sum'],
          ['vllm:time_to_first_token_seconds', 'histogram'],
        ],
      );
      assert.equal(metrics[0]!.resource.attributes.get('url.full'), endpoint.url);
      // The file read back, as the extension opens it: the samples reach the store.
      const store = new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 3_600_000_000_000n });
      for (const request of requests) store.add(metricsOf(request));
      assert.deepEqual(
        store
          .seriesIn(endpoint.url, 'waiting', 0n, 2n ** 62n)
          .map((sample) => sample.value)
          .slice(0, 3),
        [0, 1, 2],
      );
      const summary = await runCli(['summarize', '--json', out]);
      assert.equal(summary.code, 0);
      const pointsPerScrape = 7; // one point per metric above
      assert.equal((JSON.parse(summary.stdout) as SummaryJson).metricDataPoints, requests.length * pointsPerScrape);
    } finally {
      await endpoint.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a --scrape that is not an http URL is a usage error', async () => {
    const result = await runCli(['serve', '--scrape', 'ftp://127.0.0.1/metrics']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--scrape needs an http or https URL/);
  });
});

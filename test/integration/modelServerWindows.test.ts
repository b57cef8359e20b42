/**
 * The configured model servers scraped as the extension's windows do (core/modelServers/scrapeSupervisor.ts over a
 * SharedStore): only the window that owns the store scrapes, each scrape is recorded like a received metrics request
 * so the follower's ModelServerStore gets the samples from the segments, and a failing target is said once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { ScrapeSupervisor } from '../../src/core/modelServers/scrapeSupervisor';
import { NO_LOG } from '../../src/core/receiver/options';
import type { SharedStore } from '../../src/core/storage/sharedStore';
import { openWindow } from '../support/storeWindow';
import { until } from '../support/until';
import { exposition, fakeEndpoint, vllmText, type VllmState } from '../unit/modelServerFixtures';

const FAST = { activeIntervalMs: 50, idleIntervalMs: 50, timeoutMs: 500 };

const busy: VllmState = {
  running: 3,
  waiting: 14,
  kvCache: 0.97,
  preemptions: 2,
  prefixHits: 0,
  prefixQueries: 0,
  ttftBuckets: [0, 0, 0, 0, 0],
  ttftSum: 0,
};

interface ScrapingWindow {
  storage: SharedStore;
  servers: ModelServerStore;
  scrapes: ScrapeSupervisor;
  warnings: string[];
  close(): Promise<void>;
}

/** A window's stores, supervisors and SharedStore on `dir`, with the scrapers led as the host leads them. */
function openScrapingWindow(dir: string): ScrapingWindow {
  const servers = new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 3_600_000_000_000n });
  const window = openWindow(dir, 1000, servers);
  const warnings: string[] = [];
  const scrapes = new ScrapeSupervisor({
    record: (request) => window.receiver.acceptMetrics(request),
    log: { ...NO_LOG, warn: () => undefined, info: () => undefined, error: () => undefined },
    onFailure: (_target, message) => warnings.push(message),
    timing: FAST,
  });
  window.storage.onDidChange(() =>
    scrapes.setLeading(window.storage.role === 'owner' || window.storage.role === 'memory'),
  );
  const close = async () => {
    scrapes.dispose();
    await window.close();
  };
  return { storage: window.storage, servers, scrapes, warnings, close };
}

describe('model servers scraped across windows', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test('only the owner scrapes; the follower reads the samples from the store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atl-scrape-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let preemptions = 100;
    // One preemption more per scrape: a sample fed out of time order would count the whole total as new.
    const endpoint = await fakeEndpoint((response) =>
      exposition(response, vllmText({ ...busy, preemptions: ++preemptions })),
    );
    cleanups.push(() => endpoint.close());
    const owner = openScrapingWindow(dir);
    cleanups.push(() => owner.close());
    await owner.storage.start();
    const follower = openScrapingWindow(dir);
    cleanups.push(() => follower.close());
    await follower.storage.start();
    assert.equal(owner.storage.role, 'owner');
    assert.equal(follower.storage.role, 'follower');
    for (const window of [owner, follower]) window.scrapes.setTargets([{ url: endpoint.url }]);
    assert.equal(owner.scrapes.isScraping, true);
    assert.equal(follower.scrapes.isScraping, false);

    await until(() => follower.servers.targets().length > 0, 'the follower has the scraped samples');
    const [info] = follower.servers.targets();
    assert.equal(info!.target, endpoint.url);
    assert.equal(info!.server, 'vllm');
    const now = BigInt(Date.now()) * 1_000_000n;
    assert.equal(follower.servers.valueAt(endpoint.url, 'waiting', now)?.value, 14);
    assert.equal(follower.servers.valueAt(endpoint.url, 'kvCache', now)?.value, 97);
    assert.equal(owner.servers.valueAt(endpoint.url, 'kvCache', now)?.value, 97);

    // Every request the endpoint saw is a scrape of the owner: the follower's stays stopped.
    const requests = endpoint.requests();
    await until(() => endpoint.requests() >= requests + 3, 'more scrapes');
    // A window opened later loads the samples from the store, in time order.
    const late = openScrapingWindow(dir);
    cleanups.push(() => late.close());
    await late.storage.start();
    assert.equal(late.storage.role, 'follower');
    const loaded = late.servers.seriesIn(endpoint.url, 'preemptions', 0n, now + 60_000_000_000n);
    assert.ok(loaded.length >= 2, `${loaded.length} preemption samples loaded`);
    assert.deepEqual(
      loaded.map((sample) => sample.increase),
      loaded.map(() => 1),
    );
    assert.equal(late.servers.valueAt(endpoint.url, 'waiting', now)?.value, 14);
    owner.scrapes.setLeading(false);
    const stopped = endpoint.requests();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(endpoint.requests() <= stopped + 1, 'no window scrapes once the owner stops');
  });

  test('a target that fails is said once, however often it is retried', async () => {
    const endpoint = await fakeEndpoint((response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>not metrics</html>');
    });
    cleanups.push(() => endpoint.close());
    const dir = await mkdtemp(join(tmpdir(), 'atl-scrape-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const window = openScrapingWindow(dir);
    cleanups.push(() => window.close());
    await window.storage.start();
    window.scrapes.setTargets([{ url: endpoint.url }]);
    await until(() => endpoint.requests() >= 4, 'several failed scrapes');
    assert.equal(window.warnings.length, 1);
    assert.match(
      window.warnings[0]!,
      new RegExp(`model server ${endpoint.url} did not answer in Prometheus text format`),
    );
    assert.equal(window.servers.sampleCount, 0);
  });
});

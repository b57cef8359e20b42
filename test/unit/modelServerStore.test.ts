/**
 * Model-server samples: units, counters as rates with resets, histograms as quantiles, vLLM's prefix-cache hit rate,
 * the store's bounds and queries, the state of a server during a prefill, and which targets discovery tries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { histogramQuantile } from '../../src/core/modelServers/derive';
import { isLoopbackOrPrivateHost, metricsUrlCandidates } from '../../src/core/modelServers/discovery';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { isServerSaturated, serverStateAt } from '../../src/core/modelServers/serverState';
import { dcgmText, llamacppText, sglangText, IDLE_VLLM, scrapeInto, vllmText } from './modelServerFixtures';

const SECOND = 1_000_000_000n;
const T0 = 1_765_000_000n * SECOND;
const VLLM_URL = 'http://127.0.0.1:8000/metrics';

const unbounded = () => new ModelServerStore({ maxSamples: 1_000_000, maxAgeNanos: 3600n * SECOND });

describe('ModelServerStore', () => {
  test('gauges in their units: vLLM fractions as %, DCGM per GPU combined (busiest GPU, memory summed)', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, waiting: 14, kvCache: 0.97 }), T0);
    scrapeInto(
      store,
      'http://10.0.0.5:9400/metrics',
      dcgmText([
        { util: 40, fbUsed: 1000 },
        { util: 90, fbUsed: 3000 },
      ]),
      T0,
    );
    scrapeInto(
      store,
      'http://127.0.0.1:30000/metrics',
      sglangText({ running: 2, queued: 3, tokenUsage: 0.5, hitRate: 0.25 }),
      T0,
    );
    scrapeInto(
      store,
      'http://127.0.0.1:8080/metrics',
      llamacppText({ processing: 1, deferred: 2, kvRatio: 0.125 }),
      T0,
    );
    assert.equal(store.valueAt(VLLM_URL, 'waiting', T0)?.value, 14);
    assert.equal(store.valueAt(VLLM_URL, 'kvCache', T0)?.value, 97);
    assert.equal(store.valueAt('http://10.0.0.5:9400/metrics', 'gpuUtilization', T0)?.value, 90);
    assert.equal(store.valueAt('http://10.0.0.5:9400/metrics', 'gpuMemoryUsed', T0)?.value, 4000);
    assert.equal(store.valueAt('http://127.0.0.1:30000/metrics', 'kvCache', T0)?.value, 50);
    assert.equal(store.valueAt('http://127.0.0.1:30000/metrics', 'prefixCacheHitRate', T0)?.value, 25);
    assert.equal(store.valueAt('http://127.0.0.1:8080/metrics', 'waiting', T0)?.value, 2);
    assert.equal(store.valueAt('http://127.0.0.1:8080/metrics', 'kvCache', T0)?.value, 12.5);
    assert.deepEqual(store.describe('http://127.0.0.1:8080/metrics', 'waiting'), {
      label: 'Deferred',
      unit: '{request}',
    });
    assert.deepEqual(store.describe(VLLM_URL, 'waiting'), { label: 'Waiting', unit: '{request}' });
    assert.deepEqual(
      store.targets().map((info) => [info.target, info.server]),
      [
        ['http://10.0.0.5:9400/metrics', 'dcgm'],
        ['http://127.0.0.1:30000/metrics', 'sglang'],
        ['http://127.0.0.1:8000/metrics', 'vllm'],
        ['http://127.0.0.1:8080/metrics', 'llamacpp'],
      ],
    );
  });

  test('the old vLLM KV-cache name lands on the same metric as the new one', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, kvCache: 0.5, oldNames: true }), T0);
    assert.equal(store.valueAt(VLLM_URL, 'kvCache', T0)?.value, 50);
  });

  test('counters: a rate per second between scrapes, and a lower value read as a restart', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, preemptions: 5 }), T0);
    assert.deepEqual(store.seriesIn(VLLM_URL, 'preemptions', T0, T0), [], 'one observation has no rate');
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, preemptions: 9 }), T0 + 2n * SECOND);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, preemptions: 3 }), T0 + 4n * SECOND);
    const samples = store.seriesIn(VLLM_URL, 'preemptions', T0, T0 + 10n * SECOND);
    assert.deepEqual(
      samples.map((sample) => [sample.value, sample.increase, sample.sinceUnixNano]),
      [
        [2, 4, T0],
        [1.5, 3, T0 + 2n * SECOND],
      ],
    );
  });

  test('prefix-cache hit rate from the increase of hits over queries', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, prefixHits: 100, prefixQueries: 400 }), T0);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, prefixHits: 190, prefixQueries: 500 }), T0 + SECOND);
    assert.equal(store.valueAt(VLLM_URL, 'prefixCacheHitRate', T0 + SECOND)?.value, 90);
  });

  test('TTFT histogram: p50 and p95 of what was observed between two scrapes', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, ttftBuckets: [10, 10, 10, 10, 10] }), T0);
    // 10 new observations: 2 up to 0.1 s, 8 in (1, 5].
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, ttftBuckets: [12, 12, 12, 20, 20] }), T0 + SECOND);
    assert.equal(
      store.valueAt(VLLM_URL, 'ttftP50', T0 + SECOND)?.value,
      histogramQuantile(0.5, [0.1, 0.5, 1, 5], [2, 0, 0, 8, 0]),
    );
    assert.equal(store.valueAt(VLLM_URL, 'ttftP50', T0 + SECOND)?.value, 1 + (4 * 3) / 8);
    assert.equal(store.valueAt(VLLM_URL, 'ttftP95', T0 + SECOND)?.value, 1 + (4 * 7.5) / 8);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, ttftBuckets: [12, 12, 12, 20, 20] }), T0 + 2n * SECOND);
    assert.equal(store.seriesIn(VLLM_URL, 'ttftP50', T0 + 2n * SECOND, T0 + 2n * SECOND).length, 0, 'nothing observed');
  });

  test('histogramQuantile interpolates within the bucket and stops at the last bound', () => {
    assert.equal(histogramQuantile(0.5, [1, 2], [0, 4, 0]), 1.5);
    assert.equal(histogramQuantile(0.25, [1, 2], [2, 2, 0]), 0.5);
    assert.equal(histogramQuantile(0.99, [1, 2], [0, 0, 5]), 2);
  });

  test('queries: a window, the value standing at an instant, the targets active in a window', () => {
    const store = unbounded();
    for (let second = 0n; second < 5n; second++) {
      scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, waiting: Number(second) }), T0 + second * SECOND);
    }
    assert.deepEqual(
      store.seriesIn(VLLM_URL, 'waiting', T0 + SECOND, T0 + 3n * SECOND).map((sample) => sample.value),
      [1, 2, 3],
    );
    assert.equal(store.valueAt(VLLM_URL, 'waiting', T0 + 2n * SECOND + SECOND / 2n)?.value, 2);
    assert.equal(store.valueAt(VLLM_URL, 'waiting', T0 - 1n), undefined, 'before the first sample');
    assert.equal(store.valueAt(VLLM_URL, 'waiting', T0 + 60n * SECOND), undefined, 'long after the last one');
    assert.deepEqual(
      store.targetsActiveIn(T0, T0 + SECOND).map((info) => info.target),
      [VLLM_URL],
    );
    assert.deepEqual(store.targetsActiveIn(T0 + 100n * SECOND, T0 + 200n * SECOND), []);
    assert.deepEqual(store.targetsActiveIn(T0 - 100n * SECOND, T0 - 50n * SECOND), []);
  });

  test('bounds: the oldest samples go first past maxSamples, and any older than maxAge', () => {
    const changes: string[][] = [];
    const store = new ModelServerStore({ maxSamples: 10, maxAgeNanos: 3600n * SECOND });
    store.onDidChange((change) => changes.push([...change.targets]));
    const text = llamacppText({ processing: 1, deferred: 0, kvRatio: 0.5 });
    for (let second = 0n; second < 6n; second++)
      scrapeInto(store, 'http://127.0.0.1:8080/metrics', text, T0 + second * SECOND);
    // Three samples a scrape (running, waiting, KV cache): the last 10 are kept.
    assert.equal(store.sampleCount, 10);
    const times = store
      .seriesIn('http://127.0.0.1:8080/metrics', 'kvCache', 0n, T0 * 2n)
      .map((sample) => sample.timeUnixNano);
    assert.equal(times[0], T0 + 3n * SECOND);
    assert.equal(changes.length, 6);
    store.setBounds({ maxSamples: 10, maxAgeNanos: SECOND });
    assert.deepEqual(
      store.seriesIn('http://127.0.0.1:8080/metrics', 'kvCache', 0n, T0 * 2n).map((sample) => sample.timeUnixNano),
      [T0 + 4n * SECOND, T0 + 5n * SECOND],
    );
    assert.equal(store.sampleCount, 6);
    store.clear();
    assert.deepEqual(store.targets(), []);
  });

  test('OTLP metrics from an app or server read through the same queries (gen_ai.server.* histograms, delta)', () => {
    const store = unbounded();
    const resource = { attributes: new Map([['service.name', 'my-vllm']]), droppedAttributesCount: 0 };
    const scope = { name: 'x', version: '', attributes: new Map(), droppedAttributesCount: 0 };
    const point = {
      attributes: new Map(),
      startTimeUnixNano: T0,
      timeUnixNano: T0 + 10n * SECOND,
      flags: 0,
      count: 4,
      sum: 2,
      bucketCounts: [0, 4, 0],
      explicitBounds: [0.25, 0.75],
      min: undefined,
      max: undefined,
      exemplars: [],
    };
    store.add([
      {
        name: 'gen_ai.server.time_to_first_token',
        description: '',
        unit: 's',
        resource,
        scope,
        data: { type: 'histogram', aggregationTemporality: 1, dataPoints: [point] },
      },
    ]);
    assert.equal(store.valueAt('my-vllm', 'ttftP50', T0 + 10n * SECOND)?.value, 0.5);
  });
});

describe('serverStateAt', () => {
  test('names the queue, the KV cache and the preemptions during a prefill, and calls it saturated', () => {
    const store = unbounded();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, preemptions: 5 }), T0);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, waiting: 14, kvCache: 0.97, preemptions: 7 }), T0 + SECOND);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, preemptions: 7 }), T0 + 2n * SECOND);
    const state = serverStateAt(store, VLLM_URL, T0 + SECOND / 2n, T0 + SECOND + SECOND / 2n);
    assert.equal(state.text, 'queue 14 waiting · KV cache 97% · 2 preemptions during prefill');
    assert.equal(isServerSaturated(state), true);
    const calm = serverStateAt(store, VLLM_URL, T0 + 2n * SECOND + 1n, T0 + 2n * SECOND + SECOND / 2n);
    assert.equal(calm.text, 'queue 0 waiting · KV cache 40%');
    assert.equal(isServerSaturated(calm), false);
    assert.equal(serverStateAt(store, 'http://127.0.0.1:1/metrics', T0, T0 + SECOND).text, '');
  });
});

describe('discovery', () => {
  test('loopback and private addresses only, never link-local or public ones', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '127.8.9.1',
      '::1',
      '[::1]',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.1',
      '192.168.1.20',
      'fd12:3456::1',
      '::ffff:192.168.0.1',
    ]) {
      assert.equal(isLoopbackOrPrivateHost(host), true, host);
    }
    for (const host of ['8.8.8.8', '172.32.0.1', '169.254.169.254', 'fe80::1', 'api.openai.com', '2001:db8::1', '']) {
      assert.equal(isLoopbackOrPrivateHost(host), false, host);
    }
  });

  test("candidate /metrics URLs from LLM spans' server.address:port and the gateway's upstreams", () => {
    const spans = [
      new Map<string, string | number | bigint>([
        ['server.address', '127.0.0.1'],
        ['server.port', 8000],
      ]),
      new Map<string, string | number | bigint>([
        ['server.address', '127.0.0.1'],
        ['server.port', 8000n],
      ]),
      new Map<string, string | number>([
        ['server.address', 'api.openai.com'],
        ['server.port', 443],
      ]),
      new Map<string, string | number>([
        ['server.address', '::1'],
        ['server.port', 30000],
      ]),
      new Map<string, string>([['server.address', '192.168.1.4']]),
    ];
    assert.deepEqual(
      metricsUrlCandidates(spans, ['http://10.0.0.7:8080/v1', 'https://api.anthropic.com', 'nonsense']),
      ['http://127.0.0.1:8000/metrics', 'http://[::1]:30000/metrics', 'http://10.0.0.7:8080/metrics'],
    );
  });
});

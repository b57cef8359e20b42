/**
 * The flame graph's model-server lanes as the host builds them from scrapes (which servers, which metrics, times in ms
 * from the trace start, the sample standing at the start) and as the page reads them (the sample at an instant, where
 * it stops standing, the value axis, the hover's text).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { lanesFingerprint, serverLanesIn, STALE_AFTER_MS } from '../../src/flame/serverLanes';
import { formatLaneValue, sampleEnd, sampleIndexAt, valueAxisMax, type LaneSeries } from '../../src/shared/serverLanes';
import { dcgmText, llamacppText, IDLE_VLLM, scrapeInto, vllmText } from './modelServerFixtures';

const SECOND = 1_000_000_000n;
const MS = 1_000_000n;
const T0 = 1_765_000_000n * SECOND;
const VLLM_URL = 'http://127.0.0.1:8000/metrics';
const DCGM_URL = 'http://10.0.0.5:9400/metrics';

const newStore = () => new ModelServerStore({ maxSamples: 100_000, maxAgeNanos: 3600n * SECOND });

describe('serverLanesIn', () => {
  test('one lane per active server, its gauges in ms from the trace start after the value standing at the start', () => {
    const store = newStore();
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, waiting: 3, kvCache: 0.5 }), T0 - 2n * SECOND);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, waiting: 14, kvCache: 0.97 }), T0 + 250n * MS);
    scrapeInto(store, DCGM_URL, dcgmText([{ util: 80, fbUsed: 2048 }]), T0 + 500n * MS);
    // A server seen only long before the trace is not in its window.
    scrapeInto(store, 'http://127.0.0.1:9999/metrics', vllmText(IDLE_VLLM), T0 - 3600n * SECOND + SECOND);

    const lanes = serverLanesIn(store, T0, T0 + SECOND);
    assert.deepEqual(
      lanes.map((lane) => [lane.target, lane.server, lane.series.map((series) => series.metric)]),
      [
        [DCGM_URL, 'DCGM', ['gpuUtilization', 'gpuMemoryUsed']],
        [VLLM_URL, 'vLLM', ['kvCache', 'running', 'waiting']],
      ],
    );
    const kvCache = lanes[1]!.series[0]!;
    assert.deepEqual([...kvCache.times], [-2000, 250]);
    assert.deepEqual([...kvCache.values], [50, 97]);
    assert.equal(kvCache.unit, '%');
    assert.equal(kvCache.label, 'KV cache');
    assert.deepEqual([...lanes[0]!.series[1]!.values], [2048]);
  });

  test('labels as the server names them, and no lane for a window no sample reaches', () => {
    const store = newStore();
    scrapeInto(
      store,
      'http://127.0.0.1:8080/metrics',
      llamacppText({ processing: 1, deferred: 2, kvRatio: 0.125 }),
      T0,
    );
    const [lane] = serverLanesIn(store, T0, T0 + SECOND);
    assert.equal(lane!.server, 'llama.cpp');
    assert.deepEqual(
      lane!.series.map(({ label }) => label),
      ['KV cache', 'Processing', 'Deferred'],
    );
    assert.deepEqual(serverLanesIn(store, T0 + BigInt(STALE_AFTER_MS + 1) * MS, T0 + 60n * SECOND), []);
  });

  test('the fingerprint changes with a new sample in the window, not with one after it', () => {
    const store = newStore();
    scrapeInto(store, VLLM_URL, vllmText(IDLE_VLLM), T0);
    const before = lanesFingerprint(serverLanesIn(store, T0, T0 + SECOND));
    scrapeInto(store, VLLM_URL, vllmText(IDLE_VLLM), T0 + 5n * SECOND);
    assert.equal(lanesFingerprint(serverLanesIn(store, T0, T0 + SECOND)), before);
    scrapeInto(store, VLLM_URL, vllmText({ ...IDLE_VLLM, kvCache: 0.9 }), T0 + 500n * MS);
    assert.notEqual(lanesFingerprint(serverLanesIn(store, T0, T0 + SECOND)), before);
  });
});

describe('lane series on the page', () => {
  const series = (unit: string, times: number[], values: number[]): LaneSeries => ({
    metric: 'kvCache',
    label: 'KV cache',
    unit,
    times: Float64Array.from(times),
    values: Float64Array.from(values),
  });

  test('the sample at an instant: the last at or before it, unless stale', () => {
    const kv = series('%', [0, 100, 200], [10, 20, 30]);
    assert.equal(sampleIndexAt(kv, -1, 1000), -1);
    assert.equal(sampleIndexAt(kv, 0, 1000), 0);
    assert.equal(sampleIndexAt(kv, 99.9, 1000), 0);
    assert.equal(sampleIndexAt(kv, 100, 1000), 1);
    assert.equal(sampleIndexAt(kv, 1200, 1000), 2);
    assert.equal(sampleIndexAt(kv, 1201, 1000), -1);
    assert.equal(sampleEnd(kv, 0, 1000), 100);
    assert.equal(sampleEnd(kv, 0, 50), 50);
    assert.equal(sampleEnd(kv, 2, 1000), 1200);
  });

  test('value axes and hover text by unit', () => {
    assert.equal(valueAxisMax(series('%', [0], [3])), 100);
    assert.equal(valueAxisMax(series('{request}', [0, 1], [3, 14])), 14);
    assert.equal(valueAxisMax(series('{request}', [0], [0])), 1);
    assert.equal(formatLaneValue(series('%', [0], [0]), 96.96), '97%');
    assert.equal(formatLaneValue(series('{request}', [0], [0]), 14), '14');
    assert.equal(formatLaneValue(series('MiB', [0], [0]), 2048), '2048 MiB');
  });
});

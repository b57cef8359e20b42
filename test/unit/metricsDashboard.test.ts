/**
 * The AI Metrics dashboard's series: buckets sized from the range, per model latency percentiles, tokens per second,
 * error rate and cost per hour from spans, the same latencies from OTLP histograms (delta and cumulative), tool latency
 * and model-server gauges, each value in the bucket its time falls in.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quantileSorted } from 'd3-array';
import { bucketsEnding, bucketWidthFor, MAX_BUCKETS } from '../../src/core/metricsDashboard/buckets';
import { buildDashboard, type DashboardSources } from '../../src/core/metricsDashboard/dashboard';
import { histogramQuantile } from '../../src/core/modelServers/derive';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { parseExposition } from '../../src/core/modelServers/exposition';
import { scrapeToOtlp } from '../../src/core/modelServers/scrapeToOtlp';
import { metricsOf, type HistogramDataPoint, type Metric } from '../../src/core/otlp/metricModel';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import type { DashboardData } from '../../src/shared/dashboard';
import { agentSpan, llmSpan, toolSpan } from '../support/findingSpans';
import { DEFAULT_START_MS } from '../support/spanBuilder';
import { vllmText, type VllmState } from './modelServerFixtures';

const NOW_MS = DEFAULT_START_MS + 10 * 60_000;
const MS = 1_000_000n;

function sources(overrides: Partial<DashboardSources> = {}): DashboardSources {
  return {
    traces: [],
    metrics: new MetricStore({ maxPoints: 10_000 }),
    modelServers: new ModelServerStore({ maxSamples: 10_000, maxAgeNanos: 86_400_000n * MS }),
    priceOf: () => undefined,
    ...overrides,
  };
}

function seriesOf(data: DashboardData, chartId: string, label: string): number[] {
  const chart = data.charts.find((candidate) => candidate.id === chartId);
  const series = chart?.series.find((candidate) => candidate.label === label);
  assert.ok(series, `${chartId} has a series ${label}: ${chart?.series.map((s) => s.label).join(', ')}`);
  return [...series.values];
}

/** The values a series has in `bucket`, and that every other bucket is empty. */
function only(values: number[], bucket: number): number {
  values.forEach((value, index) => assert.equal(Number.isNaN(value), index !== bucket, `bucket ${index}`));
  return values[bucket]!;
}

const d3Quantile = (values: number[], q: number) =>
  quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  )!;

describe('dashboard buckets', () => {
  test('a range is cut into round buckets, at most MAX_BUCKETS, the narrowest that fits', () => {
    assert.equal(bucketWidthFor(3_600_000), 30_000);
    assert.equal(bucketWidthFor(15 * 60_000), 10_000);
    for (const spanMs of [60_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 30 * 86_400_000]) {
      const buckets = bucketsEnding(NOW_MS, spanMs);
      assert.ok(spanMs / buckets.widthMs <= MAX_BUCKETS, `${spanMs}`);
      assert.equal(buckets.fromMs % buckets.widthMs, 0);
      assert.ok(buckets.fromMs + buckets.count * buckets.widthMs > NOW_MS, 'the last bucket holds now');
    }
  });
});

describe('buildDashboard', () => {
  test('per model from spans: TTFT and duration p50/p95, tokens per second, error rate and cost per hour', () => {
    const agent = agentSpan('planner', { at: 0 });
    const durations = [1000, 2000, 4000];
    const ttfts = [0.1, 0.3, 0.2];
    const calls = durations.map((durationMs, i) =>
      llmSpan({
        parent: agent,
        at: 1000 + i,
        durationMs,
        ttftS: ttfts[i],
        output: 100 * (i + 1),
        error: i === 2 ? 'boom' : undefined,
      }),
    );
    const later = llmSpan({ parent: agent, at: 65_000, model: 'claude-sonnet-4', output: 30 });
    const tools = [10, 30].map((durationMs, i) =>
      toolSpan({ parent: agent, at: 2000 + i, tool: 'search', durationMs }),
    );
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([agent, ...calls, later, ...tools]);
    const data = buildDashboard(
      sources({
        traces: store.traces(),
        priceOf: (ai) => (ai.requestModel === 'gpt-4o' ? { usd: 0.01, estimated: false } : 'unpriced'),
      }),
      '1h',
      NOW_MS,
    );
    assert.equal(data.bucketMs, 30_000);
    const first = [...data.times].indexOf(DEFAULT_START_MS);
    assert.ok(first >= 0);
    assert.equal(only(seriesOf(data, 'duration', 'gpt-4o p50'), first), d3Quantile(durations, 0.5));
    assert.equal(only(seriesOf(data, 'duration', 'gpt-4o p95'), first), d3Quantile(durations, 0.95));
    assert.equal(
      only(seriesOf(data, 'ttft', 'gpt-4o p95'), first),
      d3Quantile(
        ttfts.map((s) => s * 1000),
        0.95,
      ),
    );
    // The call 65 s in falls two 30 s buckets later.
    assert.equal(only(seriesOf(data, 'duration', 'claude-sonnet-4 p50'), first + 2), 1000);
    assert.equal(only(seriesOf(data, 'tokens', 'gpt-4o'), first), (100 + 200 + 300) / 30);
    assert.equal(only(seriesOf(data, 'errors', 'gpt-4o'), first), (1 / 3) * 100);
    assert.equal(only(seriesOf(data, 'errors', 'claude-sonnet-4'), first + 2), 0);
    assert.equal(only(seriesOf(data, 'cost', 'gpt-4o'), first), 0.03 * (3600 / 30));
    assert.equal(data.charts.find((chart) => chart.id === 'cost')!.series.length, 1, 'no cost line for unpriced calls');
    assert.equal(only(seriesOf(data, 'tools', 'search p50'), first), 20);
  });

  test('a range excludes what is outside it; "all" reaches back to the oldest span', () => {
    const old = llmSpan({ at: 0 });
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([old]);
    const hourAgo = buildDashboard(sources({ traces: store.traces() }), '15m', DEFAULT_START_MS + 3_600_000);
    assert.deepEqual(
      hourAgo.charts.find((chart) => chart.id === 'duration')!.series,
      [],
      'the 15 min range an hour later has no calls',
    );
    const all = buildDashboard(sources({ traces: store.traces() }), 'all', DEFAULT_START_MS + 3_600_000);
    assert.ok(all.times[0]! <= DEFAULT_START_MS);
    assert.equal(seriesOf(all, 'duration', 'gpt-4o p50').filter((value) => !Number.isNaN(value)).length, 1);
  });

  test('OTLP histograms per model: delta points as they come, cumulative ones less the point before', () => {
    const metrics = new MetricStore({ maxPoints: 100 });
    const bounds = [0.1, 0.5, 1, 5];
    const at = (ms: number, counts: number[], temporality: number): Metric =>
      histogram('gen_ai.client.operation.duration', 'gpt-4o', DEFAULT_START_MS + ms, bounds, counts, temporality);
    metrics.add([at(1_000, [0, 2, 2, 0, 0], 2), at(31_000, [0, 2, 6, 4, 0], 2)]);
    metrics.add([
      histogram('gen_ai.server.time_to_first_token', 'llama3', DEFAULT_START_MS + 1_000, bounds, [3, 1, 0, 0, 0], 1),
    ]);
    const data = buildDashboard(sources({ metrics }), '1h', NOW_MS);
    const first = [...data.times].indexOf(DEFAULT_START_MS);
    const duration = seriesOf(data, 'duration', 'gpt-4o p50 (metrics)');
    assert.equal(duration[first], histogramQuantile(0.5, bounds, [0, 2, 2, 0, 0]) * 1000);
    assert.equal(duration[first + 1], histogramQuantile(0.5, bounds, [0, 0, 4, 4, 0]) * 1000);
    assert.equal(
      only(seriesOf(data, 'ttft', 'llama3 p95 (metrics)'), first),
      histogramQuantile(0.95, bounds, [3, 1, 0, 0, 0]) * 1000,
    );
  });

  test('error rate from duration histograms with error.type, for models without spans only', () => {
    const metrics = new MetricStore({ maxPoints: 100 });
    const bounds = [0.1, 0.5, 1, 5];
    const duration = (model: string, ms: number, counts: number[], attributes: [string, string][] = []) =>
      histogram('gen_ai.client.operation.duration', model, DEFAULT_START_MS + ms, bounds, counts, 2, attributes);
    const ok = [
      [1, 2, 0, 0, 0],
      [1, 3, 1, 0, 0],
    ];
    const failed = [
      [0, 0, 0, 1, 0],
      [0, 0, 0, 2, 1],
    ];
    const timeout: [string, string][] = [['error.type', 'timeout']];
    metrics.add([duration('llama3', 1_000, ok[0]!), duration('llama3', 1_000, failed[0]!, timeout)]);
    metrics.add([duration('llama3', 31_000, ok[1]!), duration('llama3', 31_000, failed[1]!, timeout)]);
    metrics.add([duration('gpt-4o', 1_000, [0, 0, 0, 1, 0], timeout)]);
    const store = new TraceStore({ maxSpans: 10 });
    store.ingest([llmSpan({ parent: agentSpan('planner', { at: 0 }), at: 1000 })]);
    const data = buildDashboard(sources({ metrics, traces: store.traces() }), '1h', NOW_MS);
    const first = [...data.times].indexOf(DEFAULT_START_MS);
    const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    // Cumulative points: the second bucket counts what each series added since the first.
    const errorsThen = [total(failed[0]!), total(failed[1]!) - total(failed[0]!)];
    const callsThen = [total(ok[0]!), total(ok[1]!) - total(ok[0]!)].map((calls, i) => calls + errorsThen[i]!);
    const rate = seriesOf(data, 'errors', 'llama3 (metrics)');
    assert.equal(rate[first], (errorsThen[0]! / callsThen[0]!) * 100);
    assert.equal(rate[first + 1], (errorsThen[1]! / callsThen[1]!) * 100);
    assert.ok(rate.every((value, index) => Number.isNaN(value) === (index !== first && index !== first + 1)));
    // gpt-4o has a span: its rate comes from the span (no error), not from its failed histogram point.
    const labels = data.charts.find((chart) => chart.id === 'errors')!.series.map((series) => series.label);
    assert.deepEqual(labels, ['gpt-4o', 'llama3 (metrics)']);
    assert.equal(only(seriesOf(data, 'errors', 'gpt-4o'), first), 0);
  });

  test('model-server gauges: one chart per measure, the mean of each target’s samples per bucket', () => {
    const modelServers = new ModelServerStore({ maxSamples: 1000, maxAgeNanos: 86_400_000n * MS });
    const url = new URL('http://127.0.0.1:8000/metrics');
    const state: Omit<VllmState, 'kvCache'> = {
      running: 1,
      waiting: 0,
      preemptions: 0,
      prefixHits: 0,
      prefixQueries: 0,
      ttftBuckets: [0, 0, 0, 0, 0],
      ttftSum: 0,
    };
    [0.5, 0.9].forEach((kvCache, i) => {
      const time = BigInt(DEFAULT_START_MS + 1_000 * (i + 1)) * MS;
      modelServers.add(metricsOf(scrapeToOtlp(parseExposition(vllmText({ ...state, kvCache })), url, time)));
    });
    const data = buildDashboard(sources({ modelServers }), '1h', NOW_MS);
    const chart = data.charts.find((candidate) => candidate.id === 'server.kvCache');
    assert.ok(chart);
    assert.equal(chart.unit, '%');
    const first = [...data.times].indexOf(DEFAULT_START_MS);
    assert.equal(only([...chart.series[0]!.values], first), (50 + 90) / 2);
  });
});

function histogram(
  name: string,
  model: string,
  timeMs: number,
  explicitBounds: number[],
  bucketCounts: number[],
  aggregationTemporality: number,
  attributes: [string, string][] = [],
): Metric {
  const point: HistogramDataPoint = {
    attributes: new Map([['gen_ai.request.model', model], ...attributes]),
    startTimeUnixNano: BigInt(DEFAULT_START_MS - 60_000) * MS,
    timeUnixNano: BigInt(timeMs) * MS,
    flags: 0,
    count: bucketCounts.reduce((a, b) => a + b, 0),
    sum: 0,
    bucketCounts,
    explicitBounds,
    min: undefined,
    max: undefined,
    exemplars: [],
  };
  return {
    name,
    description: '',
    unit: 's',
    resource: { attributes: new Map([['service.name', 'app']]), droppedAttributesCount: 0 },
    scope: { name: 'x', version: '', attributes: new Map(), droppedAttributesCount: 0 },
    data: { type: 'histogram', aggregationTemporality, dataPoints: [point] },
  };
}

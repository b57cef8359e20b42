import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { distributionOf, estimateQuantile, renderMetricsReport } from '../../src/core/metricsReport';
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  NumberDataPoint,
  SummaryDataPoint,
} from '../../src/core/otlp/metricModel';
import { MetricStore } from '../../src/core/store/metricStore';
import { makeResource, makeScope, toAttributeMap, type PlainAttributes } from '../support/spanBuilder';

const MODEL = { 'gen_ai.request.model': 'gpt-4o' };

function metric(name: string, unit: string, data: MetricData, serviceName = 'agent', description = ''): Metric {
  return { name, description, unit, data, resource: makeResource(serviceName), scope: makeScope('meter') };
}

function numberPoint(value: number, timeUnixNano: bigint, attributes: PlainAttributes = MODEL): NumberDataPoint {
  return {
    attributes: toAttributeMap(attributes),
    startTimeUnixNano: 0n,
    timeUnixNano,
    flags: 0,
    value,
    exemplars: [],
  };
}

function histogramPoint(
  run: bigint,
  timeUnixNano: bigint,
  bucketCounts: number[],
  stats: { sum: number; min: number; max: number },
): HistogramDataPoint {
  const count = bucketCounts.reduce((total, value) => total + value, 0);
  return {
    attributes: toAttributeMap(MODEL),
    startTimeUnixNano: run,
    timeUnixNano,
    flags: 0,
    count,
    bucketCounts,
    explicitBounds: [1, 2, 4],
    ...stats,
    exemplars: [],
  };
}

/** The report parsed as YAML: its text is valid YAML whatever the sender wrote. */
function report(store: MetricStore): Record<string, { series: Record<string, unknown>[] } & Record<string, unknown>> {
  return parse(renderMetricsReport(store, 100_000)) as ReturnType<typeof report>;
}

describe('metrics report', () => {
  test('without metrics it says which ones are kept, and how many other points were not', () => {
    const store = new MetricStore({ maxPoints: 100 });
    store.add([metric('http.server.duration', 's', { type: 'gauge', dataPoints: [numberPoint(1, 1n)] })]);
    const text = renderMetricsReport(store, 100);
    assert.match(text, /^# No AI metrics received yet\./);
    assert.match(text, /gen_ai\., mcp\., llm\., vllm:, sglang:, tgi_/);
    assert.match(text, /\n# 1 point of other metrics not kept\.\n/);
  });

  test('a cumulative histogram counts the latest point of each run, with percentiles from the buckets', () => {
    const store = new MetricStore({ maxPoints: 100 });
    const data = (points: HistogramDataPoint[]): MetricData => ({
      type: 'histogram',
      aggregationTemporality: 2,
      dataPoints: points,
    });
    const name = 'gen_ai.client.operation.duration';
    store.add([
      metric(
        name,
        's',
        data([histogramPoint(10n, 20n, [0, 1, 0, 0], { sum: 1.5, min: 1.5, max: 1.5 })]),
        'agent',
        'GenAI operation duration',
      ),
      // The same run later: it replaces the point above.
      metric(name, 's', data([histogramPoint(10n, 30n, [0, 4, 1, 0], { sum: 7.5, min: 1.2, max: 3 })])),
      // The app restarted: a new run adds to the first.
      metric(name, 's', data([histogramPoint(40n, 50n, [0, 0, 2, 1], { sum: 12, min: 2.5, max: 6 })])),
    ]);
    const metrics = report(store);
    assert.deepEqual(Object.keys(metrics), [name]);
    const duration = metrics[name]!;
    assert.equal(duration.description, 'GenAI operation duration');
    assert.equal(duration.instrument, 'histogram, cumulative');
    assert.equal(duration.unit, 's');
    // Buckets of both runs: (1, 2] x4, (2, 4] x3 and (4, ∞) x1, closed by the lowest and highest value: [1.2, 2], [4, 6].
    // p50: rank 4 ends the first bucket (2); p90: rank 7.2 is 0.2 into [4, 6] (4.4); p99: 0.92 into it (5.84).
    assert.deepEqual(duration.series, [
      {
        service: 'agent',
        attributes: MODEL,
        count: 8,
        sum: '19.5 s',
        mean: '2.44 s',
        min: '1.2 s',
        max: '6 s',
        p50: '2 s',
        p90: '4.4 s',
        p99: '5.84 s',
        time: '1970-01-01T00:00:00.000000050Z',
      },
    ]);
  });

  test('delta counters add up; gauges show the last, lowest and highest value; series are told apart', () => {
    const store = new MetricStore({ maxPoints: 100 });
    const usage = (value: number, type: string, time: bigint) =>
      numberPoint(value, time, { ...MODEL, 'gen_ai.token.type': type });
    store.add([
      metric('gen_ai.client.token.usage', '{token}', {
        type: 'sum',
        aggregationTemporality: 1,
        isMonotonic: true,
        dataPoints: [usage(1000, 'input', 1n), usage(250, 'output', 1n), usage(12_500, 'input', 2n)],
      }),
      metric(
        'vllm:num_requests_running',
        '',
        { type: 'gauge', dataPoints: [3, 7, 5].map((value, index) => numberPoint(value, BigInt(index + 1))) },
        'vllm',
      ),
    ]);
    const metrics = report(store);
    assert.deepEqual(
      metrics['gen_ai.client.token.usage']!.series.map((series) => [series.attributes, series.total]),
      [
        [{ ...MODEL, 'gen_ai.token.type': 'input' }, '13,500 tok'],
        [{ ...MODEL, 'gen_ai.token.type': 'output' }, '250 tok'],
      ],
    );
    assert.equal(metrics['gen_ai.client.token.usage']!.instrument, 'sum, delta');
    const running = metrics['vllm:num_requests_running']!.series[0]!;
    assert.deepEqual([running.service, running.last, running.min, running.max, running.samples], ['vllm', 5, 3, 7, 3]);
  });

  test('exponential histograms: buckets are powers of the base, with the zero bucket and negative ones', () => {
    const point = (
      offset: number,
      positive: number[],
      zeroCount: number,
      negative: number[],
    ): ExponentialHistogramDataPoint => ({
      attributes: new Map(),
      startTimeUnixNano: 0n,
      timeUnixNano: 1n,
      flags: 0,
      count: zeroCount + [...positive, ...negative].reduce((total, value) => total + value, 0),
      sum: undefined,
      scale: 0,
      zeroCount,
      zeroThreshold: 0,
      positive: { offset, bucketCounts: positive },
      negative: { offset: 0, bucketCounts: negative },
      min: -1.5,
      max: 3.5,
      exemplars: [],
    });
    // Two delta points: their counts add up per bucket, whatever their offsets.
    const distribution = distributionOf([point(0, [1, 1], 1, [1]), point(1, [1], 0, [])]);
    // Scale 0 is base 2: positive bucket i is (2^i, 2^(i+1)], negative bucket i is [-2^(i+1), -2^i); the observed
    // extremes narrow the outer ones.
    assert.deepEqual(distribution.buckets, [
      { lower: -1.5, upper: -1, count: 1 },
      { lower: 0, upper: 0, count: 1 },
      { lower: 1, upper: 2, count: 1 },
      { lower: 2, upper: 3.5, count: 2 },
    ]);
    assert.deepEqual(
      [distribution.count, distribution.sum, distribution.min, distribution.max],
      [5, undefined, -1.5, 3.5],
    );
    assert.equal(estimateQuantile(distribution, 0.2), -1);
    assert.equal(estimateQuantile(distribution, 0.4), 0);
    assert.equal(estimateQuantile(distribution, 0.6), 2);
    assert.equal(estimateQuantile(distribution, 0.8), 2.75);
  });

  test("summaries: counts and sums of every run add up, the quantiles are the latest run's", () => {
    const store = new MetricStore({ maxPoints: 100 });
    const summary = (run: bigint, time: bigint, count: number, sum: number, p50: number): SummaryDataPoint => ({
      attributes: new Map(),
      startTimeUnixNano: run,
      timeUnixNano: time,
      flags: 0,
      count,
      sum,
      quantileValues: [
        { quantile: 0.5, value: p50 },
        { quantile: 0.99, value: p50 * 3 },
      ],
    });
    store.add([
      metric('llm.request.latency', 'ms', {
        type: 'summary',
        dataPoints: [summary(1n, 2n, 4, 1000, 200), summary(1n, 3n, 10, 3000, 250)],
      }),
      metric('llm.request.latency', 'ms', { type: 'summary', dataPoints: [summary(5n, 6n, 2, 900, 400)] }),
    ]);
    const series = report(store)['llm.request.latency']!.series;
    assert.deepEqual(series, [
      {
        service: 'agent',
        attributes: {},
        count: 12,
        sum: '3.9 s',
        mean: '325 ms',
        p50: '400 ms',
        p99: '1.2 s',
        time: '1970-01-01T00:00:00.000000006Z',
      },
    ]);
  });

  test('sender text cannot change the document: names, units and attribute values are quoted', () => {
    const store = new MetricStore({ maxPoints: 100 });
    const hostile = 'x"\n- injected: true # ';
    store.add([
      metric(
        'gen_ai.evil: {a}',
        `ms"\n${hostile}`,
        { type: 'gauge', dataPoints: [numberPoint(2, 1n, { [hostile]: hostile })] },
        hostile,
        hostile,
      ),
    ]);
    const metrics = report(store);
    const evil = metrics['gen_ai.evil: {a}']!;
    assert.equal(evil.description, hostile);
    assert.equal(evil.unit, `ms"\n${hostile}`);
    assert.deepEqual(evil.series[0]!.attributes, { [hostile]: hostile });
    assert.equal(evil.series[0]!.service, hostile);
    assert.equal(evil.series[0]!.last, `2 ms"\n${hostile}`);
  });

  test('a name sent as two instruments is listed once for each, and the document stays valid YAML', () => {
    const store = new MetricStore({ maxPoints: 100 });
    store.add([
      metric('gen_ai.server.request.duration', 's', { type: 'gauge', dataPoints: [numberPoint(1, 1n)] }),
      metric('gen_ai.server.request.duration', 's', {
        type: 'sum',
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: [numberPoint(4, 2n)],
      }),
    ]);
    assert.deepEqual(
      Object.entries(report(store)).map(([key, value]) => [key, value.instrument]),
      [
        ['gen_ai.server.request.duration (gauge)', 'gauge'],
        ['gen_ai.server.request.duration (sum, cumulative)', 'sum, cumulative'],
      ],
    );
  });

  test('the header counts metrics, points, evictions and the limit', () => {
    const store = new MetricStore({ maxPoints: 2 });
    store.add([
      metric('gen_ai.a', 's', { type: 'gauge', dataPoints: [1, 2, 3].map((value) => numberPoint(value, 1n)) }),
    ]);
    const text = renderMetricsReport(store, 2);
    assert.match(text, /^# AI metrics received by AI Trace Lens/);
    assert.match(
      text,
      /\n# 1 metric, 2 data points kept, 1 older ones evicted\.\n# At most 2 points are kept \(aiTraceLens\.store\.maxMetricPoints\)\.\n/,
    );
    assert.doesNotMatch(text, /not kept/, 'every point was an AI metric');
  });
});

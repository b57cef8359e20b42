/**
 * The AI Metrics dashboard's data for one time range: per model, TTFT, TPOT and duration p50/p95 from the spans and
 * from OTLP histograms (the latter's series marked `(metrics)`), output tokens per second, error rate and cost per
 * hour where calls were priced; per tool, latency p50/p95; the model servers' gauges, one chart per measure. Every
 * series has one value per bucket (NaN: nothing then), over one time axis shared by all charts.
 */
import { DASHBOARD_RANGES, type DashboardChart, type DashboardData, type DashboardRange } from '../../shared/dashboard';
import { SERVER_METRICS, type ServerMetricId } from '../modelServers/knownMetrics';
import type { ModelServerStore } from '../modelServers/modelServerStore';
import type { PriceOf } from '../stats/aiStats';
import type { MetricStore } from '../store/metricStore';
import type { TraceRecord } from '../store/types';
import { BucketSamples, bucketOf, bucketsEnding, bucketTimes, perSecond, type Buckets } from './buckets';
import {
  callOutcomeBuckets,
  GEN_AI_HISTOGRAMS,
  histogramBuckets,
  outputTokenBuckets,
  type ModelHistogram,
} from './metricSeries';
import { spanBuckets, type ModelBuckets } from './spanSeries';

export interface DashboardSources {
  readonly traces: Iterable<TraceRecord>;
  readonly metrics: MetricStore;
  readonly modelServers: ModelServerStore;
  readonly priceOf: PriceOf;
}

/** `all` spans at least this much, so a single call still gets an axis. */
const SHORTEST_ALL_MS = 60_000;
const NANOS_PER_MS = 1_000_000n;
const LATENCIES = [
  { id: 'ttft', title: 'Time to first token' },
  { id: 'tpot', title: 'Time per output token' },
  { id: 'duration', title: 'Duration' },
] as const;

export function buildDashboard(sources: DashboardSources, range: DashboardRange, nowMs: number): DashboardData {
  const traces = [...sources.traces];
  const rangeMs = DASHBOARD_RANGES.find((choice) => choice.id === range)?.ms;
  const spanMs = rangeMs ?? Math.max(SHORTEST_ALL_MS, nowMs - (oldestMs({ ...sources, traces }) ?? nowMs));
  const buckets = bucketsEnding(nowMs, spanMs);
  const spans = spanBuckets(traces, buckets, sources.priceOf);
  const models = [...spans.models].sort(([a], [b]) => a.localeCompare(b));
  const charts: DashboardChart[] = LATENCIES.map(({ id, title }) => {
    const fromMetrics = [...histogramBuckets(sources.metrics, GEN_AI_HISTOGRAMS[id], buckets)];
    return {
      id,
      title,
      unit: 'ms',
      section: 'models' as const,
      series: [
        ...models.flatMap(([model, held]) => percentileSeries(model, model, held[id])),
        ...fromMetrics.flatMap(([model, histogram]) => histogramSeries(model, histogram)),
      ],
    };
  });
  charts.push(
    tokensChart(models, outputTokenBuckets(sources.metrics, buckets), buckets),
    errorChart(models, callOutcomeBuckets(sources.metrics, buckets)),
    modelChart('cost', 'Cost per hour', 'USD/h', models, (held) =>
      held.priced.some((count) => count > 0) ? perSecond(held.costUsd, held.priced, buckets.widthMs / 3600) : undefined,
    ),
    {
      id: 'tools',
      title: 'Tool latency',
      unit: 'ms',
      section: 'tools',
      series: [...spans.tools]
        .sort(([a], [b]) => a.localeCompare(b))
        .flatMap(([tool, samples]) => percentileSeries(tool, tool, samples)),
    },
    ...serverCharts(sources.modelServers, buckets),
  );
  return { range, bucketMs: buckets.widthMs, times: bucketTimes(buckets), charts };
}

function percentileSeries(label: string, group: string, samples: BucketSamples) {
  if (samples.isEmpty) return [];
  return [
    { label: `${label} p50`, group, dashed: false, values: samples.quantiles(0.5) },
    { label: `${label} p95`, group, dashed: true, values: samples.quantiles(0.95) },
  ];
}

function histogramSeries(model: string, histogram: ModelHistogram) {
  return [
    { label: `${model} p50 (metrics)`, group: model, dashed: false, values: histogram.quantiles(0.5) },
    { label: `${model} p95 (metrics)`, group: model, dashed: true, values: histogram.quantiles(0.95) },
  ];
}

function modelChart(
  id: string,
  title: string,
  unit: string,
  models: readonly (readonly [string, ModelBuckets])[],
  values: (held: ModelBuckets) => Float64Array | undefined,
): DashboardChart {
  const series = models.flatMap(([model, held]) => {
    const computed = values(held);
    return computed === undefined ? [] : [{ label: model, group: model, dashed: false, values: computed }];
  });
  return { id, title, unit, section: 'models', series };
}

function tokensChart(
  models: readonly (readonly [string, ModelBuckets])[],
  fromMetrics: Map<string, Float64Array>,
  buckets: Buckets,
): DashboardChart {
  const chart = modelChart('tokens', 'Output tokens per second', 'tokens/s', models, (held) =>
    held.outputTokens.some((tokens) => tokens > 0)
      ? perSecond(held.outputTokens, held.calls, buckets.widthMs)
      : undefined,
  );
  const metricSeries = [...fromMetrics].map(([model, tokens]) => ({
    label: `${model} (metrics)`,
    group: model,
    dashed: true,
    values: tokens.map((total) => (total * 1000) / buckets.widthMs),
  }));
  return { ...chart, series: [...chart.series, ...metricSeries] };
}

/**
 * The error rate per model from its spans; a model without spans from its duration histogram's points with
 * `error.type` (marked `(metrics)`), so an app that sends metrics only still shows its failures.
 */
function errorChart(
  models: readonly (readonly [string, ModelBuckets])[],
  fromMetrics: Map<string, { readonly calls: Float64Array; readonly errors: Float64Array }>,
): DashboardChart {
  const chart = modelChart('errors', 'Error rate', '%', models, (held) => ratio(held.errors, held.calls, 100));
  const fromSpans = new Set(models.map(([model]) => model));
  const metricSeries = [...fromMetrics]
    .filter(([model]) => !fromSpans.has(model))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, held]) => ({
      label: `${model} (metrics)`,
      group: model,
      dashed: false,
      values: ratio(held.errors, held.calls, 100),
    }));
  return { ...chart, series: [...chart.series, ...metricSeries] };
}

/** `part / whole × scale` per bucket; NaN where `whole` is 0. */
function ratio(part: Float64Array, whole: Float64Array, scale: number): Float64Array {
  return part.map((value, index) => (whole[index]! > 0 ? (value / whole[index]!) * scale : NaN));
}

/** One chart per measure some target reported in the range, a series per target: the mean of its samples per bucket. */
function serverCharts(store: ModelServerStore, buckets: Buckets): DashboardChart[] {
  const from = BigInt(buckets.fromMs) * NANOS_PER_MS;
  const to = BigInt(buckets.fromMs + buckets.count * buckets.widthMs) * NANOS_PER_MS - 1n;
  const byMetric = new Map<ServerMetricId, DashboardChart['series'][number][]>();
  for (const { target, metrics } of store.targetsActiveIn(from, to)) {
    for (const metric of metrics) {
      const totals = new Float64Array(buckets.count);
      const counts = new Float64Array(buckets.count);
      for (const sample of store.seriesIn(target, metric, from, to)) {
        const bucket = bucketOf(buckets, Number(sample.timeUnixNano / NANOS_PER_MS));
        totals[bucket]! += sample.value;
        counts[bucket]! += 1;
      }
      if (counts.every((count) => count === 0)) continue;
      const label = `${target} ${store.describe(target, metric).label}`;
      const series = { label, group: target, dashed: false, values: ratio(totals, counts, 1) };
      byMetric.set(metric, [...(byMetric.get(metric) ?? []), series]);
    }
  }
  return (Object.keys(SERVER_METRICS) as ServerMetricId[])
    .filter((metric) => byMetric.has(metric))
    .map((metric) => ({
      id: `server.${metric}`,
      title: `Model servers: ${SERVER_METRICS[metric].label}`,
      unit: SERVER_METRICS[metric].unit.replace(/^\{request\}$/, 'requests'),
      section: 'servers',
      series: byMetric.get(metric)!,
    }));
}

/** The earliest time anything held was recorded, for the `all` range. */
function oldestMs(sources: DashboardSources & { traces: readonly TraceRecord[] }): number | undefined {
  const times: bigint[] = sources.traces.map((trace) => trace.summary.startTimeUnixNano);
  for (const name of sources.metrics.names()) {
    const first = sources.metrics.query({ name })[0];
    if (first !== undefined) times.push(first.point.timeUnixNano);
  }
  for (const { target, metrics } of sources.modelServers.targets()) {
    for (const metric of metrics) {
      const first = sources.modelServers.seriesIn(
        target,
        metric,
        0n,
        BigInt(Number.MAX_SAFE_INTEGER) * NANOS_PER_MS,
      )[0];
      if (first !== undefined) times.push(first.timeUnixNano);
    }
  }
  if (times.length === 0) return undefined;
  return Number(times.reduce((a, b) => (a < b ? a : b)) / NANOS_PER_MS);
}

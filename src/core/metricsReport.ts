/**
 * The text of the read-only metrics document: every kept metric (see metricStore.ts) with its series, as YAML like
 * the span details document, so it folds and highlights in any editor. Metric text from the sender is always quoted.
 *
 * Each series is summed over what the store holds: delta points are added up, and a cumulative series counts the
 * latest point of each process run (points that share a start time), so a restarted app adds to its earlier run.
 * Percentiles of histograms are estimated from their buckets, by linear interpolation inside the bucket.
 */
import { formatCount, formatDuration, plural } from '../shared/format';
import type { AttributeMap, AttributeValue } from './model';
import {
  AggregationTemporality,
  type ExponentialHistogramDataPoint,
  type HistogramDataPoint,
  type NumberDataPoint,
  type SummaryDataPoint,
} from './otlp/metricModel';
import { inlineYaml, isoTime, quoted, yamlKey } from './spanDetailsText';
import { KEPT_METRIC_PREFIXES, type MetricStore, type StoredPoint } from './store/metricStore';

const INDENT = '  ';
const PERCENTILES = [0.5, 0.9, 0.99] as const;

/** A value range of a histogram bucket and how many values fell in it. */
interface Bucket {
  lower: number;
  upper: number;
  count: number;
}

/** A histogram-like series summed over its points. */
interface Distribution {
  count: number;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  /** By upper, then lower end. */
  buckets: Bucket[];
}

export function renderMetricsReport(store: MetricStore, maxPoints: number): string {
  const names = store.names();
  const notKept =
    store.droppedPoints > 0 ? `${plural(store.droppedPoints, 'point')} of other metrics not kept.` : undefined;
  if (names.length === 0) {
    return [
      '# No AI metrics received yet.',
      `# Metrics whose names start with ${KEPT_METRIC_PREFIXES.join(', ')} that an app exports to the receiver`,
      '# (OTLP/HTTP /v1/metrics or the OTLP/gRPC MetricsService) are shown here.',
      ...(notKept === undefined ? [] : [`# ${notKept}`]),
      '',
    ].join('\n');
  }
  const evicted = store.evictedPoints > 0 ? `, ${formatCount(store.evictedPoints)} older ones evicted` : '';
  const lines = [
    '# AI metrics received by AI Trace Lens: read-only, updated as metrics arrive.',
    `# ${plural(names.length, 'metric')}, ${plural(store.pointCount, 'data point')} kept${evicted}.`,
    `# At most ${formatCount(maxPoints)} points are kept (aiTraceLens.store.maxMetricPoints).`,
    ...(notKept === undefined ? [] : [`# ${notKept}`]),
    '# Counters and histograms are totals: delta points added up, and the latest cumulative point of each run.',
    '# Histogram percentiles are estimated from the buckets.',
  ];
  for (const name of names) writeMetric(lines, name, store.query({ name }));
  lines.push('');
  return lines.join('\n');
}

function writeMetric(lines: string[], name: string, points: readonly StoredPoint[]): void {
  // A name sent as two instruments (two SDKs disagreeing) is listed once for each, under keys that stay unique.
  const instruments = groupBy(points, instrumentText);
  for (const [instrument, typed] of instruments) {
    const latest = typed[typed.length - 1]!;
    // Not every export repeats the description.
    const description = typed.reduce((found, stored) => stored.description || found, '');
    lines.push('', `${yamlKey(instruments.size > 1 ? `${name} (${instrument})` : name)}:`);
    if (description !== '') lines.push(`${INDENT}description: ${quoted(description)}`);
    lines.push(`${INDENT}instrument: ${instrument}`);
    if (latest.unit !== '') lines.push(`${INDENT}unit: ${quoted(latest.unit)}`);
    lines.push(`${INDENT}series:`);
    const series = [...groupBy(typed, seriesKey)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, seriesPoints] of series) writeSeries(lines, seriesPoints);
  }
}

function writeSeries(lines: string[], points: readonly StoredPoint[]): void {
  const pad = INDENT.repeat(3);
  const latest = points.reduce((a, b) => (b.point.timeUnixNano >= a.point.timeUnixNano ? b : a));
  const service = latest.resourceAttributes.get('service.name');
  const head: string[] = [];
  if (service !== undefined) head.push(`service: ${inlineYaml(service)}`);
  head.push(`attributes: ${flowMap(latest.point.attributes)}`);
  lines.push(`${INDENT.repeat(2)}- ${head[0]}`, ...head.slice(1).map((line) => pad + line));
  const field = (key: string, value: string | undefined): void => {
    if (value !== undefined) lines.push(`${pad}${key}: ${value}`);
  };
  const unit = latest.unit;
  const value = (number: number | undefined) => (number === undefined ? undefined : valueText(number, unit));

  switch (latest.type) {
    case 'gauge': {
      const values = points.map((stored) => (stored.point as NumberDataPoint).value);
      field('last', value((latest.point as NumberDataPoint).value));
      field('min', value(values.reduce((a, b) => Math.min(a, b))));
      field('max', value(values.reduce((a, b) => Math.max(a, b))));
      field('samples', String(values.length));
      break;
    }
    case 'sum':
      field('total', value(sumOf(runTotals(points).map((stored) => (stored.point as NumberDataPoint).value))));
      break;
    case 'summary': {
      const runs = runTotals(points).map((stored) => stored.point as SummaryDataPoint);
      const total = sumOf(runs.map((point) => point.count));
      const sum = sumOf(runs.map((point) => point.sum));
      field('count', String(total));
      field('sum', value(sum));
      field('mean', total > 0 ? value(sum / total) : undefined);
      // Quantiles cannot be merged across runs: the latest run's are shown.
      for (const { quantile, value: quantileValue } of (latest.point as SummaryDataPoint).quantileValues) {
        field(percentileKey(quantile), value(quantileValue));
      }
      break;
    }
    case 'histogram':
    case 'exponentialHistogram': {
      const distribution = distributionOf(runTotals(points).map((stored) => stored.point as HistogramPoint));
      const { count, sum, min, max } = distribution;
      field('count', String(count));
      field('sum', value(sum));
      field('mean', sum !== undefined && count > 0 ? value(sum / count) : undefined);
      field('min', value(min));
      field('max', value(max));
      for (const quantile of PERCENTILES) {
        field(percentileKey(quantile), value(estimateQuantile(distribution, quantile)));
      }
      break;
    }
  }
  field('time', isoTime(latest.point.timeUnixNano));
}

type HistogramPoint = HistogramDataPoint | ExponentialHistogramDataPoint;

/**
 * The points that add up to the series' total: every delta point, or the latest cumulative point of each run (a run
 * is told by its start time; an SDK that restarts begins a new one).
 */
export function runTotals(points: readonly StoredPoint[]): StoredPoint[] {
  const first = points[0];
  const cumulative =
    first !== undefined &&
    (first.type === 'summary' || first.aggregationTemporality === AggregationTemporality.Cumulative);
  if (!cumulative) return [...points];
  const latestByRun = new Map<bigint, StoredPoint>();
  for (const stored of points) {
    const run = stored.point.startTimeUnixNano;
    const previous = latestByRun.get(run);
    if (previous === undefined || stored.point.timeUnixNano >= previous.point.timeUnixNano)
      latestByRun.set(run, stored);
  }
  return [...latestByRun.values()];
}

/**
 * Histogram points summed into one distribution: bucket counts are added per bucket layout (the explicit bounds, or
 * the exponential scale), and turned into value ranges once, with the lowest and highest value seen closing the
 * open-ended buckets.
 */
export function distributionOf(points: readonly HistogramPoint[]): Distribution {
  let count = 0;
  let sum: number | undefined = 0;
  let min: number | undefined = Infinity;
  let max: number | undefined = -Infinity;
  const explicit = new Map<string, { bounds: readonly number[]; counts: number[] }>();
  const exponential = new Map<number, { zeroCount: number; zeroThreshold: number; buckets: Map<number, number> }>();
  for (const point of points) {
    count += point.count;
    sum = sum === undefined || point.sum === undefined ? undefined : sum + point.sum;
    min = min === undefined || point.min === undefined ? undefined : Math.min(min, point.min);
    max = max === undefined || point.max === undefined ? undefined : Math.max(max, point.max);
    if ('explicitBounds' in point) {
      const layout = point.explicitBounds.join(' ');
      let sums = explicit.get(layout);
      if (!sums) explicit.set(layout, (sums = { bounds: point.explicitBounds, counts: [] }));
      point.bucketCounts.forEach(
        (bucketCount, index) => (sums.counts[index] = (sums.counts[index] ?? 0) + bucketCount),
      );
    } else {
      let sums = exponential.get(point.scale);
      if (!sums) exponential.set(point.scale, (sums = { zeroCount: 0, zeroThreshold: 0, buckets: new Map() }));
      sums.zeroCount += point.zeroCount;
      sums.zeroThreshold = Math.max(sums.zeroThreshold, point.zeroThreshold);
      // Negative buckets are kept under negative keys: index i of the negative range is -(i + 1).
      const { positive, negative } = point;
      positive.bucketCounts.forEach((bucketCount, k) => addTo(sums.buckets, positive.offset + k, bucketCount));
      negative.bucketCounts.forEach((bucketCount, k) => addTo(sums.buckets, -(negative.offset + k) - 1, bucketCount));
    }
  }
  if (points.length === 0) [sum, min, max] = [undefined, undefined, undefined];

  const buckets: Bucket[] = [];
  const add = (lower: number, upper: number, bucketCount: number) => {
    if (bucketCount <= 0) return;
    // The observed extremes narrow any bucket they fall inside.
    const low = min === undefined ? lower : Math.max(lower, min);
    const high = max === undefined ? upper : Math.min(upper, max);
    buckets.push({ lower: Math.min(low, high), upper: Math.max(low, high), count: bucketCount });
  };
  for (const { bounds, counts } of explicit.values()) {
    counts.forEach((bucketCount, index) => {
      // The first bucket is open below and the last above: the observed extremes close them.
      const lower = index === 0 ? (min ?? Math.min(0, bounds[0] ?? 0)) : bounds[index - 1]!;
      const upper = index < bounds.length ? bounds[index]! : (max ?? lower);
      add(lower, upper, bucketCount);
    });
  }
  for (const [scale, { zeroCount, zeroThreshold, buckets: indexed }] of exponential) {
    // Bucket i of scale s holds (base^i, base^(i+1)] with base = 2^(2^-s).
    const power = (index: number) => 2 ** (index * 2 ** -scale);
    add(0 - zeroThreshold, zeroThreshold, zeroCount); // `0 -`, not `-`: a zero threshold gives 0, not -0
    for (const [key, bucketCount] of indexed) {
      if (key >= 0) add(power(key), power(key + 1), bucketCount);
      else add(-power(-key), -power(-key - 1), bucketCount);
    }
  }
  return { count, sum, min, max, buckets: buckets.sort((a, b) => a.upper - b.upper || a.lower - b.lower) };
}

function addTo(counts: Map<number, number>, key: number, value: number): void {
  counts.set(key, (counts.get(key) ?? 0) + value);
}

/** The value below which `quantile` of the counted values fall, interpolated inside its bucket. */
export function estimateQuantile(distribution: Distribution, quantile: number): number | undefined {
  const { buckets } = distribution;
  const total = sumOf(buckets.map((bucket) => bucket.count));
  if (total === 0) return undefined;
  const rank = quantile * total;
  let below = 0;
  for (const bucket of buckets) {
    if (below + bucket.count >= rank) {
      return bucket.lower + ((bucket.upper - bucket.lower) * (rank - below)) / bucket.count;
    }
    below += bucket.count;
  }
  return buckets[buckets.length - 1]!.upper;
}

function instrumentText(stored: StoredPoint): string {
  if (stored.type === 'gauge' || stored.type === 'summary') return stored.type;
  const temporality =
    stored.aggregationTemporality === AggregationTemporality.Delta
      ? 'delta'
      : stored.aggregationTemporality === AggregationTemporality.Cumulative
        ? 'cumulative'
        : 'unspecified temporality';
  return `${stored.type === 'exponentialHistogram' ? 'exponential histogram' : stored.type}, ${temporality}`;
}

/** What tells a series apart: its attributes (in any order) and its service. */
function seriesKey(stored: StoredPoint): string {
  const { attributes } = stored.point;
  const plain = (value: AttributeValue) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : inlineYaml(value);
  const entries = [...attributes.keys()].sort().map((key) => [key, plain(attributes.get(key)!)]);
  const service = stored.resourceAttributes.get('service.name');
  return JSON.stringify([service === undefined ? null : plain(service), entries]);
}

/** `{ key: "value", n: 1 }`, keys sorted. */
function flowMap(attributes: AttributeMap): string {
  return inlineYaml(new Map([...attributes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A value in its unit: durations as durations, `{token}` as tokens, anything else with its unit. */
function valueText(value: number, unit: string): string {
  if (unit === 's') return formatDuration(value * 1000);
  if (unit === 'ms') return formatDuration(value);
  const number = Number.isInteger(value)
    ? formatCount(value)
    : value.toLocaleString(
        'en-US',
        Math.abs(value) < 1 ? { maximumSignificantDigits: 3 } : { maximumFractionDigits: 2 },
      );
  const annotation = /^\{(.+)\}$/.exec(unit)?.[1];
  const suffix = annotation === 'token' || annotation === 'tokens' ? 'tok' : (annotation ?? (unit === '1' ? '' : unit));
  if (suffix === '') return number;
  // The unit is the sender's text: anything beyond plain unit characters is quoted.
  return /^[\w%/.\- ]+$/.test(suffix) ? `${number} ${suffix}` : quoted(`${number} ${suffix}`);
}

function percentileKey(quantile: number): string {
  return `p${Math.round(quantile * 1000) / 10}`;
}

function sumOf(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * OTLP metrics of known names (scraped or received) turned into samples of `ServerMetricId`s per target: gauges as
 * they are, counters as rates between two observations, histograms as p50/p95 of what was observed between two, and
 * vLLM's prefix-cache counters as a hit rate. Counters and cumulative histograms need the observation before, kept
 * here per series; a value lower than the one before (or a new start time) is a reset: the server restarted, so what
 * it counted since is the whole new value.
 */
import type { AttributeMap, AttributeValue } from '../model';
import { AggregationTemporality, type HistogramDataPoint, type Metric } from '../otlp/metricModel';
import { knownMetric, type KnownMetric, type ServerKind, type ServerMetricId } from './knownMetrics';

export interface Sample {
  readonly timeUnixNano: bigint;
  /** In the metric's unit (`SERVER_METRICS[id].unit`). */
  readonly value: number;
  /** For rates and histogram quantiles: the observation before, which the value covers from. */
  readonly sinceUnixNano?: bigint;
  /** For counters: how many were counted since `sinceUnixNano`. */
  readonly increase?: number;
}

export interface DerivedSample {
  readonly target: string;
  readonly server: ServerKind;
  readonly id: ServerMetricId;
  readonly sample: Sample;
}

/**
 * The target a metric came from: `url.full` (a scrape), else `server.address[:server.port]`, else `service.name`, as
 * resource attributes.
 */
export function targetOf(resource: AttributeMap): string {
  const url = resource.get('url.full');
  if (typeof url === 'string' && url !== '') return url;
  const address = resource.get('server.address');
  if (typeof address === 'string' && address !== '') {
    const port = resource.get('server.port');
    return typeof port === 'number' || typeof port === 'bigint' ? `${address}:${port}` : address;
  }
  const service = resource.get('service.name');
  return typeof service === 'string' && service !== '' ? service : 'unknown';
}

interface Observation {
  readonly time: bigint;
  readonly start: bigint;
  readonly value: number;
  readonly buckets?: readonly number[];
}

/** An increase between two observations of one series, summed over the series of a metric at one time. */
interface Increase {
  since: bigint;
  value: number;
  buckets?: number[];
  bounds?: readonly number[];
}

export class SampleDeriver {
  /** The last observation of each counter and cumulative histogram series. */
  private readonly last = new Map<string, Observation>();

  /** The samples `metrics` yield, in order; unknown metrics yield none. */
  derive(metrics: readonly Metric[]): DerivedSample[] {
    const derived: DerivedSample[] = [];
    // Increases by target, metric name and time, for ratios, which need their numerator's and denominator's.
    const increases = new Map<string, Increase>();
    const ratios = new Map<string, { known: Extract<KnownMetric, { kind: 'ratio' }>; target: string; time: bigint }>();
    for (const metric of metrics) {
      const known = knownMetric(metric.name);
      if (!known) continue;
      const target = targetOf(metric.resource.attributes);
      const emit = (id: ServerMetricId, sample: Sample) => derived.push({ target, server: known.server, id, sample });
      const { data } = metric;
      if (known.kind === 'gauge' && (data.type === 'gauge' || data.type === 'sum')) {
        for (const [time, values] of byTime(data.dataPoints, (point) => point.value)) {
          const combined = known.combine === 'sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
          emit(known.id, { timeUnixNano: time, value: combined * known.scale });
        }
      } else if (known.kind !== 'gauge' && known.kind !== 'histogram' && data.type === 'sum') {
        const delta = data.aggregationTemporality === AggregationTemporality.Delta;
        for (const point of data.dataPoints) {
          const seriesKey = `${target}\u0000${metric.name}\u0000${attributesKey(point.attributes)}`;
          const observation = { time: point.timeUnixNano, start: point.startTimeUnixNano, value: point.value };
          const increase = delta ? deltaIncrease(observation) : this.cumulativeIncrease(seriesKey, observation);
          if (!increase) continue;
          const key = `${target}\u0000${known.name}\u0000${point.timeUnixNano}`;
          addIncrease(increases, key, increase);
          if (known.kind === 'ratio') ratios.set(key, { known, target, time: point.timeUnixNano });
        }
      } else if (known.kind === 'histogram' && data.type === 'histogram') {
        const delta = data.aggregationTemporality === AggregationTemporality.Delta;
        for (const point of data.dataPoints) {
          const seriesKey = `${target}\u0000${metric.name}\u0000${attributesKey(point.attributes)}`;
          const observation = histogramObservation(point);
          const increase = delta ? deltaIncrease(observation) : this.cumulativeIncrease(seriesKey, observation);
          if (increase) {
            addIncrease(increases, `${target}\u0000${known.name}\u0000${point.timeUnixNano}`, {
              ...increase,
              bounds: point.explicitBounds,
            });
          }
        }
      }
    }
    for (const [key, increase] of increases) {
      const [target, name, time] = key.split('\u0000') as [string, string, string];
      const known = knownMetric(name)!;
      const timeUnixNano = BigInt(time);
      const push = (id: ServerMetricId, value: number, extra?: { increase: number }) =>
        derived.push({
          target,
          server: known.server,
          id,
          sample: { timeUnixNano, value, sinceUnixNano: increase.since, ...extra },
        });
      if (known.kind === 'counter') {
        const seconds = Number(timeUnixNano - increase.since) / 1e9;
        if (seconds > 0) push(known.id, increase.value / seconds, { increase: increase.value });
      } else if (known.kind === 'histogram' && increase.buckets && increase.bounds && increase.value > 0) {
        push(known.ids[0], histogramQuantile(0.5, increase.bounds, increase.buckets));
        push(known.ids[1], histogramQuantile(0.95, increase.bounds, increase.buckets));
      }
    }
    for (const { known, target, time } of ratios.values()) {
      const numerator = increases.get(`${target}\u0000${known.name}\u0000${time}`);
      const denominator = increases.get(`${target}\u0000${known.denominator}\u0000${time}`);
      if (!numerator || !denominator || denominator.value <= 0) continue;
      derived.push({
        target,
        server: known.server,
        id: known.id,
        sample: {
          timeUnixNano: time,
          value: (numerator.value / denominator.value) * known.scale,
          sinceUnixNano: numerator.since,
        },
      });
    }
    return derived;
  }

  /** Forgets every series' last observation (the store was cleared). */
  reset(): void {
    this.last.clear();
  }

  private cumulativeIncrease(seriesKey: string, observation: Observation): Increase | undefined {
    const before = this.last.get(seriesKey);
    if (before && observation.time <= before.time) return undefined; // the same scrape again, or out of order
    this.last.set(seriesKey, observation);
    if (!before) return undefined;
    const reset = observation.value < before.value || (observation.start !== 0n && observation.start !== before.start);
    if (reset) return { since: before.time, value: observation.value, buckets: observation.buckets?.slice() };
    return {
      since: before.time,
      value: observation.value - before.value,
      buckets: observation.buckets?.map((count, index) => count - (before.buckets?.[index] ?? 0)),
    };
  }
}

/** A delta point's increase is its value, over its own interval. */
function deltaIncrease(observation: Observation): Increase | undefined {
  if (observation.start === 0n || observation.start >= observation.time) return undefined;
  return { since: observation.start, value: observation.value, buckets: observation.buckets?.slice() };
}

function histogramObservation(point: HistogramDataPoint): Observation {
  return { time: point.timeUnixNano, start: point.startTimeUnixNano, value: point.count, buckets: point.bucketCounts };
}

/** Series of one metric at one time add up; histograms only when their bounds agree. */
function addIncrease(increases: Map<string, Increase>, key: string, increase: Increase): void {
  const held = increases.get(key);
  if (!held) {
    increases.set(key, { ...increase });
    return;
  }
  held.value += increase.value;
  if (held.since > increase.since) held.since = increase.since;
  if (held.buckets && increase.buckets && sameBounds(held.bounds, increase.bounds)) {
    held.buckets = held.buckets.map((count, index) => count + (increase.buckets![index] ?? 0));
  }
}

/** Whether two histograms' bucket bounds are the same (neither undefined). */
export function sameBounds(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((bound, index) => bound === b[index]);
}

/**
 * The q-quantile of observations in buckets (`counts[i]` in (bounds[i-1], bounds[i]], the last unbounded), linearly
 * interpolated within its bucket as Prometheus' `histogram_quantile` does; in the unbounded bucket, the last bound.
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const rank = q * total;
  let below = 0;
  for (let index = 0; index < counts.length; index++) {
    const count = counts[index]!;
    if (below + count >= rank && count > 0) {
      if (index >= bounds.length) return bounds.at(-1) ?? 0;
      const lower = index === 0 ? Math.min(0, bounds[0]!) : bounds[index - 1]!;
      return lower + ((bounds[index]! - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds.at(-1) ?? 0;
}

function byTime<T extends { timeUnixNano: bigint }>(
  points: readonly T[],
  valueOf: (point: T) => number,
): Map<bigint, number[]> {
  const times = new Map<bigint, number[]>();
  for (const point of points) {
    const value = valueOf(point);
    if (Number.isNaN(value)) continue;
    const values = times.get(point.timeUnixNano);
    if (values) values.push(value);
    else times.set(point.timeUnixNano, [value]);
  }
  return times;
}

function attributesKey(attributes: AttributeMap): string {
  return JSON.stringify(
    [...attributes].map(([key, value]) => [key, String(value as Exclude<AttributeValue, object>)]).sort(),
  );
}

/**
 * The dashboard's series from received OTLP histograms (GenAI semantic conventions): per model, per bucket, the
 * observations of `gen_ai.client.operation.duration`, `gen_ai.server.time_to_first_token` and
 * `gen_ai.server.time_per_output_token` merged into one histogram whose p50 and p95 are interpolated as Prometheus
 * does, and the output tokens of `gen_ai.client.token.usage`. Cumulative points count what they added since the
 * series' point before (a drop is a restart: the point counts from zero). The duration histogram's points that carry
 * `error.type` (the conventions record failed calls there) give an error rate per model.
 */
import type { AttributeMap, AttributeValue } from '../model';
import { AggregationTemporality, type HistogramDataPoint } from '../otlp/metricModel';
import { histogramQuantile, sameBounds } from '../modelServers/derive';
import type { MetricStore, StoredPoint } from '../store/metricStore';
import { bucketOf, type Buckets } from './buckets';

export const GEN_AI_HISTOGRAMS = {
  duration: 'gen_ai.client.operation.duration',
  ttft: 'gen_ai.server.time_to_first_token',
  tpot: 'gen_ai.server.time_per_output_token',
} as const;

export const TOKEN_USAGE = 'gen_ai.client.token.usage';

/** The attribute the GenAI conventions set on the duration of a call that failed. */
const ERROR_TYPE = 'error.type';

const NANOS_PER_MS = 1_000_000n;

interface Increase {
  readonly counts: readonly number[];
  readonly sum: number;
}

/** One model's merged histogram per bucket (bounds of the first point seen; points with other bounds are skipped). */
export class ModelHistogram {
  private bounds: readonly number[] | undefined;
  private readonly counts: (number[] | undefined)[];

  constructor(
    count: number,
    /** Milliseconds per unit of the metric: 1000 for seconds, as the conventions send them. */
    private readonly scale: number,
  ) {
    this.counts = new Array<number[] | undefined>(count);
  }

  add(bucket: number, bounds: readonly number[], counts: readonly number[]): void {
    this.bounds ??= bounds;
    if (!sameBounds(this.bounds, bounds)) return;
    const held = (this.counts[bucket] ??= new Array<number>(counts.length).fill(0));
    counts.forEach((count, index) => (held[index]! += count));
  }

  quantiles(q: number): Float64Array {
    return Float64Array.from(this.counts, (counts) =>
      counts === undefined || counts.every((count) => count === 0)
        ? NaN
        : histogramQuantile(q, this.bounds!, counts) * this.scale,
    );
  }
}

/** Per model, the histogram of `name` over the buckets. */
export function histogramBuckets(metrics: MetricStore, name: string, buckets: Buckets): Map<string, ModelHistogram> {
  const models = new Map<string, ModelHistogram>();
  forEachIncrease(metrics.query({ name }), buckets, (stored, bucket, increase) => {
    const model = modelOf(stored.point.attributes);
    let histogram = models.get(model);
    if (histogram === undefined) models.set(model, (histogram = new ModelHistogram(buckets.count, scaleOf(stored))));
    histogram.add(bucket, (stored.point as HistogramDataPoint).explicitBounds, increase.counts);
  });
  return models;
}

/** Per model, the output tokens `gen_ai.client.token.usage` counted in each bucket. */
export function outputTokenBuckets(metrics: MetricStore, buckets: Buckets): Map<string, Float64Array> {
  const models = new Map<string, Float64Array>();
  const points = metrics.query({ name: TOKEN_USAGE, attributes: { 'gen_ai.token.type': 'output' } });
  forEachIncrease(points, buckets, (stored, bucket, increase) => {
    const model = modelOf(stored.point.attributes);
    let tokens = models.get(model);
    if (tokens === undefined) models.set(model, (tokens = new Float64Array(buckets.count).fill(NaN)));
    tokens[bucket] = (Number.isNaN(tokens[bucket]!) ? 0 : tokens[bucket]!) + increase.sum;
  });
  return models;
}

/** Per model and bucket, the calls `gen_ai.client.operation.duration` observed and those of them with `error.type`. */
export function callOutcomeBuckets(
  metrics: MetricStore,
  buckets: Buckets,
): Map<string, { readonly calls: Float64Array; readonly errors: Float64Array }> {
  const models = new Map<string, { calls: Float64Array; errors: Float64Array }>();
  forEachIncrease(metrics.query({ name: GEN_AI_HISTOGRAMS.duration }), buckets, (stored, bucket, increase) => {
    const model = modelOf(stored.point.attributes);
    let held = models.get(model);
    if (held === undefined) {
      models.set(model, (held = { calls: new Float64Array(buckets.count), errors: new Float64Array(buckets.count) }));
    }
    const calls = increase.counts.reduce((total, count) => total + count, 0);
    held.calls[bucket]! += calls;
    if (stored.point.attributes.has(ERROR_TYPE)) held.errors[bucket]! += calls;
  });
  return models;
}

/** Each histogram point's own observations (a cumulative one's less its series' point before), in its bucket. */
function forEachIncrease(
  points: readonly StoredPoint[],
  buckets: Buckets,
  visit: (stored: StoredPoint, bucket: number, increase: Increase) => void,
): void {
  const previous = new Map<string, HistogramDataPoint>();
  for (const stored of points) {
    if (stored.type !== 'histogram') continue;
    const point = stored.point as HistogramDataPoint;
    let increase: Increase = { counts: point.bucketCounts, sum: point.sum ?? 0 };
    if (stored.aggregationTemporality === AggregationTemporality.Cumulative) {
      const key = seriesKey(stored);
      const before = previous.get(key);
      previous.set(key, point);
      if (
        before !== undefined &&
        before.count <= point.count &&
        sameBounds(before.explicitBounds, point.explicitBounds)
      ) {
        increase = {
          counts: point.bucketCounts.map((count, index) => count - (before.bucketCounts[index] ?? 0)),
          sum: (point.sum ?? 0) - (before.sum ?? 0),
        };
      }
    }
    const bucket = bucketOf(buckets, Number(point.timeUnixNano / NANOS_PER_MS));
    if (bucket >= 0) visit(stored, bucket, increase);
  }
}

function modelOf(attributes: AttributeMap): string {
  const model = attributes.get('gen_ai.response.model') ?? attributes.get('gen_ai.request.model');
  return typeof model === 'string' && model !== '' ? model : 'unknown model';
}

function scaleOf(stored: StoredPoint): number {
  return stored.unit === 'ms' ? 1 : 1000;
}

function seriesKey(stored: StoredPoint): string {
  return [
    stored.point.startTimeUnixNano,
    attributesKey(stored.resourceAttributes),
    attributesKey(stored.point.attributes),
  ].join('\u0000');
}

function attributesKey(attributes: AttributeMap): string {
  return [...attributes]
    .map(([key, value]) => `${key}=${textOf(value)}`)
    .sort()
    .join('\u0001');
}

function textOf(value: AttributeValue): string {
  return value instanceof Map
    ? `{${attributesKey(value)}}`
    : Array.isArray(value)
      ? value.map(textOf).join(',')
      : String(value);
}

/**
 * One scrape as an OTLP metrics request: Prometheus gauges (and untyped) as gauges, counters as cumulative monotonic
 * sums, histograms and summaries as their OTLP kinds, the target named by resource attributes. Scrapes then take the
 * same road as OTLP metrics: into `ModelServerStore.add`, `serve --out` files and the durable store.
 *
 * Resource attributes follow the OpenTelemetry Collector's Prometheus receiver: `server.address`, `server.port`,
 * `url.scheme` and `service.instance.id` (host:port); `url.full` names the scraped URL, the target's identity.
 */
import type { AttributeMap } from '../model';
import type {
  HistogramDataPoint,
  Metric,
  MetricsRequest,
  NumberDataPoint,
  SummaryDataPoint,
} from '../otlp/metricModel';
import { AggregationTemporality } from '../otlp/metricModel';
import type { ExpositionSample, MetricFamily } from './exposition';

export const SCRAPE_SCOPE_NAME = 'ai-trace-lens/model-servers';

/** The resource attributes naming a scraped target. */
export function targetResourceAttributes(url: URL): AttributeMap {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Map<string, string | number>([
    ['url.full', url.href],
    ['server.address', host],
    ['server.port', port],
    ['url.scheme', url.protocol.replace(/:$/, '')],
    ['service.instance.id', url.host],
  ]);
}

/**
 * The families `keep` accepts, as one request scraped from `url` at `timeUnixNano` (a sample's own timestamp wins).
 * A counter's or histogram's `_created` sample, when exposed, is its start time.
 */
export function scrapeToOtlp(
  families: readonly MetricFamily[],
  url: URL,
  timeUnixNano: bigint,
  keep: (family: MetricFamily) => boolean = () => true,
): MetricsRequest {
  const resource = { attributes: targetResourceAttributes(url), droppedAttributesCount: 0 };
  const scope = { name: SCRAPE_SCOPE_NAME, version: '', attributes: new Map(), droppedAttributesCount: 0 };
  const metrics: Metric[] = [];
  for (const family of families) {
    if (!keep(family)) continue;
    const base = { name: family.name, description: family.help, unit: family.unit, resource, scope };
    if (family.type === 'histogram') {
      metrics.push({
        ...base,
        data: {
          type: 'histogram',
          aggregationTemporality: CUMULATIVE,
          dataPoints: histogramPoints(family, timeUnixNano),
        },
      });
    } else if (family.type === 'summary') {
      metrics.push({ ...base, data: { type: 'summary', dataPoints: summaryPoints(family, timeUnixNano) } });
    } else {
      const values = family.samples.filter((sample) => !sample.name.endsWith('_created'));
      const created = createdTimes(family);
      for (const [name, samples] of groupBy(values, (sample) => sample.name)) {
        const dataPoints = samples.map((sample) => numberPoint(sample, timeUnixNano, created));
        metrics.push(
          family.type === 'counter'
            ? {
                ...base,
                name,
                data: { type: 'sum', aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints },
              }
            : { ...base, name, data: { type: 'gauge', dataPoints } },
        );
      }
    }
  }
  return { resourceMetrics: [{ resource, schemaUrl: '', scopeMetrics: [{ scope, schemaUrl: '', metrics }] }] };
}

const CUMULATIVE = AggregationTemporality.Cumulative;

function numberPoint(sample: ExpositionSample, time: bigint, created: ReadonlyMap<string, bigint>): NumberDataPoint {
  const attributes = attributesOf(sample.labels);
  return {
    attributes,
    startTimeUnixNano: created.get(labelKey(sample.labels)) ?? 0n,
    timeUnixNano: timeOf(sample, time),
    flags: 0,
    value: sample.value,
    exemplars: [],
  };
}

function histogramPoints(family: MetricFamily, time: bigint): HistogramDataPoint[] {
  const created = createdTimes(family);
  const points: HistogramDataPoint[] = [];
  for (const [key, samples] of groupBy(family.samples, (sample) => labelKey(sample.labels, 'le'))) {
    const buckets = samples
      .filter((sample) => sample.name.endsWith('_bucket') && sample.labels.has('le'))
      .map((sample) => ({ bound: Number(sample.labels.get('le')), cumulative: sample.value }))
      .sort((a, b) => a.bound - b.bound);
    const count = samples.find((sample) => sample.name.endsWith('_count'))?.value ?? buckets.at(-1)?.cumulative ?? 0;
    const finite = buckets.filter((bucket) => Number.isFinite(bucket.bound));
    // OTLP counts each bucket on its own; the exposition counts cumulatively, ending with +Inf (the total).
    const bucketCounts = finite.map((bucket, index) => bucket.cumulative - (finite[index - 1]?.cumulative ?? 0));
    bucketCounts.push(count - (finite.at(-1)?.cumulative ?? 0));
    const first = samples[0]!;
    points.push({
      attributes: attributesOf(first.labels, 'le'),
      startTimeUnixNano: created.get(key) ?? 0n,
      timeUnixNano: timeOf(first, time),
      flags: 0,
      count,
      sum: samples.find((sample) => sample.name.endsWith('_sum'))?.value,
      bucketCounts,
      explicitBounds: finite.map((bucket) => bucket.bound),
      min: undefined,
      max: undefined,
      exemplars: [],
    });
  }
  return points;
}

function summaryPoints(family: MetricFamily, time: bigint): SummaryDataPoint[] {
  const created = createdTimes(family);
  return [...groupBy(family.samples, (sample) => labelKey(sample.labels, 'quantile'))].map(([key, samples]) => ({
    attributes: attributesOf(samples[0]!.labels, 'quantile'),
    startTimeUnixNano: created.get(key) ?? 0n,
    timeUnixNano: timeOf(samples[0]!, time),
    flags: 0,
    count: samples.find((sample) => sample.name.endsWith('_count'))?.value ?? 0,
    sum: samples.find((sample) => sample.name.endsWith('_sum'))?.value ?? 0,
    quantileValues: samples
      .filter((sample) => sample.labels.has('quantile'))
      .map((sample) => ({ quantile: Number(sample.labels.get('quantile')), value: sample.value })),
  }));
}

/** `_created` samples (seconds since the epoch) by their series' labels. */
function createdTimes(family: MetricFamily): Map<string, bigint> {
  const times = new Map<string, bigint>();
  for (const sample of family.samples) {
    if (sample.name.endsWith('_created') && Number.isFinite(sample.value)) {
      times.set(labelKey(sample.labels), BigInt(Math.round(sample.value * 1e6)) * 1000n);
    }
  }
  return times;
}

function timeOf(sample: ExpositionSample, scrapeTime: bigint): bigint {
  return sample.timestampMs === undefined ? scrapeTime : BigInt(Math.round(sample.timestampMs)) * 1_000_000n;
}

function attributesOf(labels: ReadonlyMap<string, string>, without?: string): AttributeMap {
  const attributes: AttributeMap = new Map();
  for (const [name, value] of labels) if (name !== without) attributes.set(name, value);
  return attributes;
}

/** A series' identity: its labels, sorted, but `without`. */
function labelKey(labels: ReadonlyMap<string, string>, without?: string): string {
  return JSON.stringify([...labels].filter(([name]) => name !== without).sort(([a], [b]) => (a < b ? -1 : 1)));
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

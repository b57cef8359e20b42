/**
 * GenAI, MCP and model-server metrics kept in memory, queryable by metric name and attributes (e.g. the model), so
 * views can show latency, token and time-to-first-token distributions beside the traces.
 *
 * What is kept: metrics whose names start with one of `KEPT_METRIC_PREFIXES` (the GenAI and MCP semantic conventions,
 * OpenLLMetry's `llm.*`, the vLLM, SGLang, TGI and llama.cpp servers, and the DCGM GPU exporter). Everything else
 * (HTTP, runtime, process metrics an SDK also exports) is dropped and counted: it would crowd out the AI metrics within
 * the bound.
 *
 * Bounds: at most `maxPoints` data points; beyond, the oldest received are evicted first and counted.
 */
import { Emitter, type Event } from '../events';
import type { AttributeMap, AttributeValue } from '../model';
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricType,
  NumberDataPoint,
  SummaryDataPoint,
} from '../otlp/metricModel';
import { checkBound } from './bound';

/** Name prefixes of the metrics the store keeps. */
export const KEPT_METRIC_PREFIXES: readonly string[] = [
  'gen_ai.',
  'mcp.',
  'llm.',
  'vllm:',
  'sglang:',
  'tgi_',
  'llamacpp:',
  'DCGM_FI_',
];

export function isKeptMetric(name: string): boolean {
  return KEPT_METRIC_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export type DataPoint = NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

/** One data point with what identifies its series. */
export interface StoredPoint {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: MetricType;
  /** For sums and histograms: 1 delta, 2 cumulative. */
  readonly aggregationTemporality: number;
  readonly resourceAttributes: AttributeMap;
  readonly scopeName: string;
  readonly point: DataPoint;
}

export interface MetricQuery {
  name: string;
  /** Every pair must equal the point's attribute (or, failing that, its resource's: `service.name`). */
  attributes?: Readonly<Record<string, string | number | boolean>>;
  /** Only points whose time is at or after this. */
  sinceUnixNano?: bigint;
}

export interface MetricAddResult {
  /** Data points kept. */
  kept: number;
  /** Data points of metrics the store does not keep. */
  dropped: number;
}

export interface MetricStoreOptions {
  maxPoints: number;
}

export class MetricStore {
  private readonly changeEmitter = new Emitter<void>();
  /** Fires when points were kept, dropped or evicted, and on clear. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  private readonly byName = new Map<string, StoredPoint[]>();
  /** Every kept point, oldest first from `head`. */
  private queue: StoredPoint[] = [];
  private head = 0;
  private evicted = 0;
  private dropped = 0;
  private maxPoints: number;

  constructor(options: MetricStoreOptions) {
    this.maxPoints = checkBound('maxPoints', options.maxPoints);
  }

  get pointCount(): number {
    return this.queue.length - this.head;
  }

  /** Points evicted to respect `maxPoints` since the store was created or last cleared. */
  get evictedPoints(): number {
    return this.evicted;
  }

  /** Points not kept because their metric is not an AI one. */
  get droppedPoints(): number {
    return this.dropped;
  }

  /**
   * With `older`, the metrics arrived before every point held (the durable store loaded newest first): their points go
   * in front, so that series stay in arrival order, and only as many of the newest as the bound leaves room for are
   * kept (the others count as evicted).
   */
  add(metrics: readonly Metric[], options?: { older?: boolean }): MetricAddResult {
    const { points, dropped } = keptPoints(metrics);
    this.dropped += dropped;
    if (options?.older === true) this.addOlder(points);
    else {
      for (const stored of points) {
        this.seriesOf(stored.name).push(stored);
        this.queue.push(stored);
      }
    }
    this.evictToFit();
    if (points.length > 0 || dropped > 0) this.changeEmitter.fire();
    return { kept: points.length, dropped };
  }

  /** Changes the bound; a lower one evicts the oldest points at once. */
  setMaxPoints(maxPoints: number): void {
    this.maxPoints = checkBound('maxPoints', maxPoints);
    if (this.evictToFit() > 0) this.changeEmitter.fire();
  }

  /** Names of the metrics held, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The matching points in arrival order. */
  query(query: MetricQuery): StoredPoint[] {
    const series = this.byName.get(query.name) ?? [];
    const wanted = Object.entries(query.attributes ?? {});
    return series.filter(
      (stored) =>
        (query.sinceUnixNano === undefined || stored.point.timeUnixNano >= query.sinceUnixNano) &&
        wanted.every(([key, value]) => attributeOf(stored, key) === value),
    );
  }

  clear(): void {
    this.byName.clear();
    this.queue = [];
    this.head = 0;
    this.evicted = 0;
    this.dropped = 0;
    this.changeEmitter.fire();
  }

  private seriesOf(name: string): StoredPoint[] {
    let series = this.byName.get(name);
    if (!series) {
      series = [];
      this.byName.set(name, series);
    }
    return series;
  }

  /** Puts the newest points that fit in front of those held, each series' at once (one by one would be quadratic). */
  private addOlder(points: readonly StoredPoint[]): void {
    const kept = points.slice(points.length - Math.min(points.length, Math.max(0, this.maxPoints - this.pointCount)));
    this.evicted += points.length - kept.length;
    const additions = new Map<string, StoredPoint[]>();
    for (const stored of kept) {
      let added = additions.get(stored.name);
      if (!added) {
        added = [];
        additions.set(stored.name, added);
      }
      added.push(stored);
    }
    for (const [name, added] of additions) this.byName.set(name, added.concat(this.byName.get(name) ?? []));
    this.queue = kept.concat(this.queue.slice(this.head));
    this.head = 0;
  }

  /** Evicts the oldest points past the bound; returns how many. */
  private evictToFit(): number {
    let evictedNow = 0;
    while (this.queue.length - this.head > this.maxPoints) {
      const oldest = this.queue[this.head++]!;
      const series = this.byName.get(oldest.name)!;
      // The oldest point of the store is the oldest of its series.
      series.shift();
      if (series.length === 0) this.byName.delete(oldest.name);
      evictedNow++;
    }
    this.evicted += evictedNow;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return evictedNow;
  }
}

/** The data points of the metrics the store keeps, in order, and how many points of the others there were. */
function keptPoints(metrics: readonly Metric[]): { points: StoredPoint[]; dropped: number } {
  const points: StoredPoint[] = [];
  let dropped = 0;
  for (const metric of metrics) {
    const { data } = metric;
    if (data.type === 'none') continue;
    if (!isKeptMetric(metric.name)) {
      dropped += data.dataPoints.length;
      continue;
    }
    const temporality = 'aggregationTemporality' in data ? data.aggregationTemporality : 0;
    for (const point of data.dataPoints) {
      points.push({
        name: metric.name,
        description: metric.description,
        unit: metric.unit,
        type: data.type,
        aggregationTemporality: temporality,
        resourceAttributes: metric.resource.attributes,
        scopeName: metric.scope.name,
        point,
      });
    }
  }
  return { points, dropped };
}

function attributeOf(stored: StoredPoint, key: string): AttributeValue | undefined {
  return stored.point.attributes.get(key) ?? stored.resourceAttributes.get(key);
}

/**
 * Model-server samples over time, per target and `ServerMetricId`: what the flame graph's lanes, the span details and
 * the metrics dashboard read. Fed OTLP metrics (`add`), whether scraped (`scrapeToOtlp`) or received from apps and
 * servers (the same vLLM names, `gen_ai.server.*`), so both read through one API; unknown metrics are ignored.
 *
 * Kept beside the `MetricStore` and within a bound of the same kind: at most `maxSamples` (the oldest received
 * evicted first) and none older than `maxAgeNanos` before the newest sample.
 */
import { Emitter, type Event } from '../events';
import type { Metric } from '../otlp/metricModel';
import { checkBound } from '../store/bound';
import { SampleDeriver, type Sample } from './derive';
import { labelOf, SERVER_METRICS, type ServerKind, type ServerMetricId } from './knownMetrics';

export type { Sample } from './derive';

export interface ModelServerStoreOptions {
  maxSamples: number;
  maxAgeNanos: bigint;
}

/** How long a sample stands for the server's state after it was taken, for `valueAt`. */
export const STALE_AFTER_NANOS = 30_000_000_000n;

export interface ModelServerChange {
  /** The targets that gained or lost samples. */
  readonly targets: readonly string[];
}

export interface TargetInfo {
  readonly target: string;
  /** The model server the target's metrics came from; `dcgm` for a GPU exporter alone. */
  readonly server: ServerKind;
  readonly metrics: readonly ServerMetricId[];
}

interface Stored {
  readonly key: string;
  readonly sample: Sample;
}

export class ModelServerStore {
  private readonly changeEmitter = new Emitter<ModelServerChange>();
  readonly onDidChange: Event<ModelServerChange> = this.changeEmitter.event;

  private readonly deriver = new SampleDeriver();
  /** Samples of one target and metric, by time. */
  private readonly series = new Map<string, Sample[]>();
  private readonly servers = new Map<string, ServerKind>();
  /** Every sample in arrival order, for eviction. */
  private queue: Stored[] = [];
  private head = 0;
  private newest = 0n;
  private maxSamples: number;
  private maxAgeNanos: bigint;

  constructor(options: ModelServerStoreOptions) {
    this.maxSamples = checkBound('maxSamples', options.maxSamples);
    this.maxAgeNanos = options.maxAgeNanos;
  }

  get sampleCount(): number {
    return this.queue.length - this.head;
  }

  /** Adds the samples of the known metrics among `metrics`; returns how many. */
  add(metrics: readonly Metric[]): number {
    const derived = this.deriver.derive(metrics);
    const changed = new Set<string>();
    for (const { target, server, id, sample } of derived) {
      const key = seriesKey(target, id);
      insertByTime(this.seriesOf(key), sample);
      this.queue.push({ key, sample });
      // A model server names the target over the GPU exporter beside it.
      if (!this.servers.has(target) || this.servers.get(target) === 'dcgm') this.servers.set(target, server);
      if (sample.timeUnixNano > this.newest) this.newest = sample.timeUnixNano;
      changed.add(target);
    }
    for (const target of this.evict()) changed.add(target);
    if (changed.size > 0) this.changeEmitter.fire({ targets: [...changed] });
    return derived.length;
  }

  setBounds(options: ModelServerStoreOptions): void {
    this.maxSamples = checkBound('maxSamples', options.maxSamples);
    this.maxAgeNanos = options.maxAgeNanos;
    const changed = this.evict();
    if (changed.size > 0) this.changeEmitter.fire({ targets: [...changed] });
  }

  /** Samples of `metric` from `target` taken from `fromNanos` to `toNanos` (both included), oldest first. */
  seriesIn(target: string, metric: ServerMetricId, fromNanos: bigint, toNanos: bigint): Sample[] {
    const samples = this.series.get(seriesKey(target, metric)) ?? [];
    return samples.slice(firstAtOrAfter(samples, fromNanos), firstAtOrAfter(samples, toNanos + 1n));
  }

  /** The last sample at or before `timeNanos`, unless older than `STALE_AFTER_NANOS`. */
  valueAt(target: string, metric: ServerMetricId, timeNanos: bigint): Sample | undefined {
    const samples = this.series.get(seriesKey(target, metric)) ?? [];
    const sample = samples[firstAtOrAfter(samples, timeNanos + 1n) - 1];
    return sample && timeNanos - sample.timeUnixNano <= STALE_AFTER_NANOS ? sample : undefined;
  }

  /** Targets with a sample from `fromNanos` to `toNanos`, or one standing for that time (see `valueAt`). */
  targetsActiveIn(fromNanos: bigint, toNanos: bigint): TargetInfo[] {
    return this.targets().filter((info) =>
      info.metrics.some((metric) => {
        const samples = this.series.get(seriesKey(info.target, metric))!;
        const after = firstAtOrAfter(samples, fromNanos - STALE_AFTER_NANOS);
        return after < samples.length && samples[after]!.timeUnixNano <= toNanos;
      }),
    );
  }

  /** Every target held, sorted, with its server and metrics. */
  targets(): TargetInfo[] {
    const metrics = new Map<string, ServerMetricId[]>();
    for (const key of this.series.keys()) {
      const [target, metric] = key.split('\u0000') as [string, ServerMetricId];
      metrics.set(target, [...(metrics.get(target) ?? []), metric]);
    }
    return [...metrics]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([target, ids]) => ({ target, server: this.servers.get(target)!, metrics: ids.sort() }));
  }

  /** The chart label and unit of `metric` as `target`'s server names it (`Queue` on TGI, `Waiting` on vLLM). */
  describe(target: string, metric: ServerMetricId): { label: string; unit: string } {
    return { label: labelOf(metric, this.servers.get(target)), unit: SERVER_METRICS[metric].unit };
  }

  clear(): void {
    const targets = [...this.servers.keys()];
    this.series.clear();
    this.servers.clear();
    this.queue = [];
    this.head = 0;
    this.newest = 0n;
    this.deriver.reset();
    this.changeEmitter.fire({ targets });
  }

  private seriesOf(key: string): Sample[] {
    let samples = this.series.get(key);
    if (!samples) {
      samples = [];
      this.series.set(key, samples);
    }
    return samples;
  }

  /** Evicts past the bounds; returns the targets that lost samples. */
  private evict(): Set<string> {
    const changed = new Set<string>();
    const oldestKept = this.newest - this.maxAgeNanos;
    for (const samples of this.series.values()) {
      const stale = firstAtOrAfter(samples, oldestKept);
      if (stale > 0) samples.splice(0, stale);
    }
    while (this.head < this.queue.length) {
      const { key, sample } = this.queue[this.head]!;
      const samples = this.series.get(key);
      const tooMany = this.queue.length - this.head > this.maxSamples;
      if (!tooMany && sample.timeUnixNano >= oldestKept) break;
      this.head++;
      if (tooMany && samples) {
        const index = samples.indexOf(sample);
        if (index >= 0) samples.splice(index, 1);
      }
      if (samples && samples.length === 0) this.series.delete(key);
      changed.add(key.slice(0, key.indexOf('\u0000')));
    }
    for (const target of changed) {
      if (!this.targets().some((info) => info.target === target)) this.servers.delete(target);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return changed;
  }
}

function seriesKey(target: string, metric: ServerMetricId): string {
  return `${target}\u0000${metric}`;
}

/** The index of the first sample at or after `time`. */
function firstAtOrAfter(samples: readonly Sample[], time: bigint): number {
  let low = 0;
  let high = samples.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (samples[middle]!.timeUnixNano < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function insertByTime(samples: Sample[], sample: Sample): void {
  if (samples.length === 0 || samples.at(-1)!.timeUnixNano <= sample.timeUnixNano) samples.push(sample);
  else samples.splice(firstAtOrAfter(samples, sample.timeUnixNano + 1n), 0, sample);
}

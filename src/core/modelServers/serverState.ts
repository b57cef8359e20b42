/**
 * What a model server was doing during an LLM call's prefill (from its start to its first token): the deepest queue,
 * the fullest KV cache, the preemptions counted, the busiest GPU. The span details show its `text`
 * (`queue 14 waiting · KV cache 97% · 2 preemptions during prefill`); `isServerSaturated` is the `server-saturated`
 * finding's test.
 */
import { STALE_AFTER_NANOS, type ModelServerStore } from './modelServerStore';
import type { ServerMetricId } from './knownMetrics';

export interface ServerState {
  /** The most requests waiting, or undefined without samples. */
  readonly waiting?: number;
  readonly running?: number;
  /** The fullest KV cache, in %. */
  readonly kvCachePercent?: number;
  /** Preemptions counted by the scrapes whose interval overlapped the prefill (at 1 s scrapes, a little wider). */
  readonly preemptions?: number;
  readonly gpuUtilizationPercent?: number;
  /** The figures above in one line, '' when the server has no samples for the window. */
  readonly text: string;
}

/** A KV cache fuller than this (in %) counts as saturated. */
export const SATURATED_KV_CACHE_PERCENT = 95;

export function serverStateAt(
  store: ModelServerStore,
  target: string,
  startNanos: bigint,
  firstTokenNanos: bigint,
): ServerState {
  const highest = (metric: ServerMetricId) => {
    const values = store.seriesIn(target, metric, startNanos, firstTokenNanos).map((sample) => sample.value);
    // The sample before the window holds until the next one.
    const before = store.valueAt(target, metric, startNanos);
    if (before) values.push(before.value);
    return values.length > 0 ? Math.max(...values) : undefined;
  };
  const state = {
    waiting: highest('waiting'),
    running: highest('running'),
    kvCachePercent: highest('kvCache'),
    preemptions: preemptionsDuring(store, target, startNanos, firstTokenNanos),
    gpuUtilizationPercent: highest('gpuUtilization'),
  };
  const parts: string[] = [];
  if (state.waiting !== undefined) parts.push(`queue ${formatCount(state.waiting)} waiting`);
  if (state.kvCachePercent !== undefined) parts.push(`KV cache ${Math.round(state.kvCachePercent)}%`);
  if (state.preemptions !== undefined && state.preemptions > 0) {
    const count = formatCount(state.preemptions);
    parts.push(`${count} ${state.preemptions === 1 ? 'preemption' : 'preemptions'} during prefill`);
  }
  if (state.gpuUtilizationPercent !== undefined) parts.push(`GPU ${Math.round(state.gpuUtilizationPercent)}%`);
  return { ...state, text: parts.join(' · ') };
}

/** The `server-saturated` finding: prefill overlapped a non-empty queue, a KV cache over 95 %, or preemptions. */
export function isServerSaturated(state: ServerState): boolean {
  return (
    (state.waiting ?? 0) > 0 || (state.kvCachePercent ?? 0) > SATURATED_KV_CACHE_PERCENT || (state.preemptions ?? 0) > 0
  );
}

/** The increases of the preemption samples whose interval overlaps the window; undefined without any sample. */
function preemptionsDuring(store: ModelServerStore, target: string, start: bigint, end: bigint): number | undefined {
  // A sample covers (sinceUnixNano, timeUnixNano]: those ending up to one interval after the window may overlap it.
  const samples = store.seriesIn(target, 'preemptions', start, end + STALE_AFTER_NANOS);
  const overlapping = samples.filter((sample) => (sample.sinceUnixNano ?? sample.timeUnixNano) < end);
  if (samples.length === 0 && store.valueAt(target, 'preemptions', start) === undefined) return undefined;
  return overlapping.reduce((total, sample) => total + (sample.increase ?? 0), 0);
}

function formatCount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

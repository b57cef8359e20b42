/**
 * The flame graph's model-server lanes, host side: the series of each server active in a trace's time window, read
 * from the ModelServerStore and put in the page's unit (ms from the trace start, as the flame chart's axis), with the
 * sample standing at the trace's start kept as the margin before it so that a lane starts with a value.
 */
import type { ServerKind, ServerMetricId } from '../core/modelServers/knownMetrics';
import { STALE_AFTER_NANOS, type ModelServerStore, type Sample } from '../core/modelServers/modelServerStore';
import { LANE_METRICS, type LaneSeries, type ServerLane } from '../shared/serverLanes';

const NANOS_PER_MS = 1_000_000n;

export const STALE_AFTER_MS = Number(STALE_AFTER_NANOS / NANOS_PER_MS);

const SERVER_NAMES: Record<ServerKind, string> = {
  vllm: 'vLLM',
  sglang: 'SGLang',
  tgi: 'TGI',
  llamacpp: 'llama.cpp',
  dcgm: 'DCGM',
  otel: 'OpenTelemetry',
};

/** The lanes of the servers active from `startNanos` to `endNanos` that have a lane metric; times relative to the start. */
export function serverLanesIn(store: ModelServerStore, startNanos: bigint, endNanos: bigint): ServerLane[] {
  const lanes: ServerLane[] = [];
  for (const info of store.targetsActiveIn(startNanos, endNanos)) {
    const series: LaneSeries[] = [];
    for (const metric of LANE_METRICS) {
      if (!info.metrics.includes(metric)) continue;
      const samples = samplesFor(store, info.target, metric, startNanos, endNanos);
      if (samples.length === 0) continue;
      const toMs = (sample: Sample) => Number(sample.timeUnixNano - startNanos) / 1e6;
      series.push({
        metric,
        ...store.describe(info.target, metric),
        times: Float64Array.from(samples, toMs),
        values: Float64Array.from(samples, (sample) => sample.value),
      });
    }
    if (series.length > 0) lanes.push({ target: info.target, server: SERVER_NAMES[info.server], series });
  }
  return lanes;
}

/** The samples in the window, after the one standing at its start (if any is recent enough). */
function samplesFor(store: ModelServerStore, target: string, metric: ServerMetricId, start: bigint, end: bigint) {
  const inWindow = store.seriesIn(target, metric, start, end);
  if (inWindow[0]?.timeUnixNano === start) return inWindow;
  const standing = store.valueAt(target, metric, start);
  return standing === undefined ? inWindow : [standing, ...inWindow];
}

/** A cheap summary of lanes that changes whenever what they draw does: the panel posts lanes only when it changed. */
export function lanesFingerprint(lanes: readonly ServerLane[]): string {
  return lanes
    .map(({ target, series }) => [
      target,
      ...series.map(
        ({ metric, times, values }) => `${metric}:${times.length}:${times[0]}:${times.at(-1)}:${sum(values)}`,
      ),
    ])
    .flat()
    .join('\u0000');
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

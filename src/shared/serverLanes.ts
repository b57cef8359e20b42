/**
 * The model-server lanes under the flame graph as the page receives them: per server active in the trace's time window,
 * a step series per gauge, with times in the flame graph's axis unit (ms from the trace start) so that the page maps
 * them with the chart's own scale. Browser-safe and plain (typed arrays survive structured clone and travel as binary),
 * with the one rule both sides read samples by: a sample stands from its time until the next, for at most
 * `staleAfterMs`.
 */

/** The gauges a lane draws, in lane order. */
export const LANE_METRICS = ['kvCache', 'running', 'waiting', 'gpuUtilization', 'gpuMemoryUsed'] as const;

export type LaneMetricId = (typeof LANE_METRICS)[number];

export interface LaneSeries {
  readonly metric: LaneMetricId;
  /** The chart label as the server names it (`Queue` on TGI). */
  readonly label: string;
  /** `%`, `{request}` or `MiB`, as in core/modelServers/knownMetrics.ts. */
  readonly unit: string;
  /** Sample times in ms from the trace start, ascending; the first may precede the trace (the value standing then). */
  readonly times: Float64Array;
  readonly values: Float64Array;
}

export interface ServerLane {
  /** The scraped URL or the OTLP resource's `url.full`: what names the server. */
  readonly target: string;
  /** `vLLM`, `SGLang`, `DCGM`…: which server the metrics came from. */
  readonly server: string;
  readonly series: readonly LaneSeries[];
}

/** The index of the sample standing at `time`, or -1 when none does (before the first, or stale). */
export function sampleIndexAt(series: LaneSeries, time: number, staleAfterMs: number): number {
  const { times } = series;
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle]! <= time) low = middle + 1;
    else high = middle;
  }
  const index = low - 1;
  return index >= 0 && time - times[index]! <= staleAfterMs ? index : -1;
}

/** Where the sample at `index` stops standing: at the next sample, or once stale. */
export function sampleEnd(series: LaneSeries, index: number, staleAfterMs: number): number {
  const stale = series.times[index]! + staleAfterMs;
  return index + 1 < series.times.length ? Math.min(series.times[index + 1]!, stale) : stale;
}

/** The top of a series' value axis: 100 for percentages, else its largest value (at least 1), so 0 sits at the bottom. */
export function valueAxisMax(series: LaneSeries): number {
  if (series.unit === '%') return 100;
  let max = 1;
  for (const value of series.values) if (value > max) max = value;
  return max;
}

/** A value as the lanes' hover says it: `97%`, `14`, `20480 MiB`. */
export function formatLaneValue(series: LaneSeries, value: number): string {
  const rounded = Math.round(value * 10) / 10;
  if (series.unit === '%') return `${rounded}%`;
  if (series.unit === '{request}') return String(rounded);
  return `${rounded} ${series.unit}`;
}

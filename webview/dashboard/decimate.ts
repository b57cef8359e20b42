/**
 * Series thinned to what a chart can show: per pixel column, the minimum and the maximum of each series (min/max
 * decimation keeps every spike a plain sample would drop), as arrays uPlot takes, with null for a gap. A series
 * of a million points becomes some thousand values in one pass, so uPlot's work stays that of a chart its width.
 */

export interface ChartData {
  readonly times: number[];
  readonly series: (number | null)[][];
}

const gap = (value: number): number | null => (Number.isNaN(value) ? null : value);

/** `series` over `times` (ascending) in at most `columns` columns; short data passes through with NaN as null. */
export function decimate(times: Float64Array, series: readonly Float64Array[], columns: number): ChartData {
  const count = times.length;
  if (count <= 2 * columns) {
    return { times: Array.from(times), series: series.map((values) => Array.from(values, gap)) };
  }
  const first = times[0]!;
  const perColumn = columns / Math.max(1, times[count - 1]! - first);
  // Each column's two points sit at its start and middle; the series' minimum first, then its maximum.
  const outTimes = new Array<number>(2 * columns);
  for (let column = 0; column < columns; column++) {
    outTimes[2 * column] = first + column / perColumn;
    outTimes[2 * column + 1] = first + (column + 0.5) / perColumn;
  }
  const outSeries = series.map((values) => {
    const out = new Array<number | null>(2 * columns).fill(null);
    for (let index = 0; index < count; index++) {
      const value = values[index]!;
      if (Number.isNaN(value)) continue;
      const slot = 2 * Math.min(columns - 1, Math.floor((times[index]! - first) * perColumn));
      const low = out[slot];
      if (low === null || value < low!) out[slot] = value;
      const high = out[slot + 1];
      if (high === null || value > high!) out[slot + 1] = value;
    }
    return out;
  });
  return { times: outTimes, series: outSeries };
}

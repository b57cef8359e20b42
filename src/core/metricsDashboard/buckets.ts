/**
 * The dashboard's time axis: the range cut into buckets of a round width (1 h → 30 s), aligned to that width so a
 * bucket keeps its values from one refresh to the next, and the per-bucket sample lists the series are computed from.
 */
import { quantileSorted } from 'd3-array';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Round widths, narrowest first. */
const BUCKET_WIDTHS_MS = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE];
const WIDEST_MS = [HOUR, 6 * HOUR, 24 * HOUR];
/** At most this many buckets: enough for a curve, few enough that each holds several calls. */
export const MAX_BUCKETS = 120;

export interface Buckets {
  /** The first bucket's start, Unix ms, a multiple of `widthMs`. */
  readonly fromMs: number;
  readonly widthMs: number;
  readonly count: number;
}

/** The narrowest round width that cuts `spanMs` into at most `MAX_BUCKETS` buckets. */
export function bucketWidthFor(spanMs: number): number {
  const widths = [...BUCKET_WIDTHS_MS, ...WIDEST_MS];
  return widths.find((width) => spanMs / width <= MAX_BUCKETS) ?? Math.ceil(spanMs / MAX_BUCKETS / HOUR) * HOUR;
}

/** Buckets covering `spanMs` up to `toMs` (its bucket included). */
export function bucketsEnding(toMs: number, spanMs: number): Buckets {
  const widthMs = bucketWidthFor(spanMs);
  const fromMs = Math.floor((toMs - spanMs) / widthMs) * widthMs;
  return { fromMs, widthMs, count: Math.floor((toMs - fromMs) / widthMs) + 1 };
}

/** The bucket holding `ms`, or -1 outside the range. */
export function bucketOf(buckets: Buckets, ms: number): number {
  const index = Math.floor((ms - buckets.fromMs) / buckets.widthMs);
  return index >= 0 && index < buckets.count ? index : -1;
}

export function bucketTimes(buckets: Buckets): Float64Array {
  return Float64Array.from({ length: buckets.count }, (_, index) => buckets.fromMs + index * buckets.widthMs);
}

/** Observations per bucket; a bucket without any stays undefined. */
export class BucketSamples {
  private readonly samples: (number[] | undefined)[];

  constructor(count: number) {
    this.samples = new Array<number[] | undefined>(count);
  }

  add(bucket: number, value: number): void {
    (this.samples[bucket] ??= []).push(value);
  }

  /** The q-quantile of each bucket's observations (d3's, as the Statistics view computes its p50 and p95), else NaN. */
  quantiles(q: number): Float64Array {
    return Float64Array.from(this.samples, (values) => {
      if (values === undefined) return NaN;
      return quantileSorted(
        [...values].sort((a, b) => a - b),
        q,
      )!;
    });
  }

  get isEmpty(): boolean {
    return this.samples.every((values) => values === undefined);
  }
}

/** Each bucket's total over its width in seconds (a count per second); NaN where `present` is 0. */
export function perSecond(totals: Float64Array, present: Float64Array, widthMs: number): Float64Array {
  return totals.map((total, index) => (present[index]! > 0 ? (total * 1000) / widthMs : NaN));
}

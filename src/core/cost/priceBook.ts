/**
 * Costs as the views read them: the Traces view describes every visible row on each refresh, so a trace's cost is
 * computed once per trace version (and price setting), not once per row drawn, and each span is priced once (the
 * table takes some microseconds a call), so a live trace's new version costs a lookup per span it already had.
 * Overrides are read through a getter at each use, so a changed `aiTraceLens.prices` applies without anyone having
 * to tell the book first.
 */
import { addCostTotals, noCost, type CostTotals, type SpanCost } from '../../shared/cost';
import { plural } from '../../shared/format';
import type { AiSpanInfo } from '../semantics/types';
import type { TraceRecord } from '../store/types';
import type { PriceOverride } from './priceOverrides';
import { PRICE_DATA } from './prices';
import { priceSpan, sumTraceCosts, type TraceCosts } from './spanCost';

/** A trace's costs and which prices they come from, as tooltips, the flame graph header and comparisons show them. */
export interface TraceCostInfo {
  readonly costs: TraceCosts;
  readonly source: string;
}

interface CachedCosts {
  readonly version: number;
  readonly overrides: readonly PriceOverride[];
  readonly costs: TraceCosts;
}

const NO_OVERRIDES: readonly PriceOverride[] = [];

export class PriceBook {
  /** Keyed by the record, so an evicted trace's entry goes with it. */
  private readonly traces = new WeakMap<TraceRecord, CachedCosts>();
  /**
   * Each span's cost (null: none) at `pricedWith`, keyed by its AI info: the store replaces that object, never
   * changes it, when a span is sent again or joined by a gateway call.
   */
  private spans = new WeakMap<AiSpanInfo, SpanCost | null>();
  private pricedWith: readonly PriceOverride[];
  private readonly priceOf = (ai: AiSpanInfo) => this.spanCost(ai);

  /** `overrides` returns the same array until the setting changes (SettingsService parses it once per change). */
  constructor(private readonly overrides: () => readonly PriceOverride[] = () => NO_OVERRIDES) {
    this.pricedWith = overrides();
  }

  /** One call's cost; undefined for a span that is not a model call or reports no tokens. */
  spanCost(ai: AiSpanInfo): SpanCost | undefined {
    const overrides = this.currentOverrides();
    const known = this.spans.get(ai);
    if (known !== undefined) return known ?? undefined;
    const cost = priceSpan(ai, overrides);
    this.spans.set(ai, cost ?? null);
    return cost;
  }

  traceCosts(trace: TraceRecord): TraceCosts {
    const overrides = this.currentOverrides();
    const version = trace.summary.version;
    const cached = this.traces.get(trace);
    if (cached !== undefined && cached.version === version && cached.overrides === overrides) return cached.costs;
    const costs = sumTraceCosts(trace.spans(), this.priceOf);
    this.traces.set(trace, { version, overrides, costs });
    return costs;
  }

  traceCostInfo(trace: TraceRecord): TraceCostInfo {
    return { costs: this.traceCosts(trace), source: this.sourceText() };
  }

  /** The summed cost of several traces (a session's turns). */
  totalCost(traces: Iterable<TraceRecord>): CostTotals {
    const totals = noCost();
    for (const trace of traces) addCostTotals(totals, this.traceCosts(trace).total);
    return totals;
  }

  /** The overrides in force; when they changed, the spans' costs are forgotten. */
  private currentOverrides(): readonly PriceOverride[] {
    const overrides = this.overrides();
    if (overrides !== this.pricedWith) {
      this.pricedWith = overrides;
      this.spans = new WeakMap();
    }
    return overrides;
  }

  /** Which prices are used: `prices from genai-prices 0.1.8, 2026-09-23; 2 overrides from aiTraceLens.prices`. */
  sourceText(): string {
    return priceSourceText(this.overrides().length);
  }
}

export function priceSourceText(overrideCount: number): string {
  const table = `prices from ${PRICE_DATA.source.replace(/^@pydantic\//, '')} ${PRICE_DATA.version}, ${PRICE_DATA.date}`;
  return overrideCount === 0
    ? `${table}; aiTraceLens.prices overrides them`
    : `${table}; ${plural(overrideCount, 'override')} from aiTraceLens.prices`;
}

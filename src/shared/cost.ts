/** What model calls cost, as core computes it (src/core/cost) and the views show it: never a silent $0. */

/** One call's cost; `estimated` when its tokens were counted by the gateway, not reported. */
export type SpanCost = { usd: number; estimated: boolean } | 'unpriced';

/** Costs summed over calls: `usd` covers the priced ones only, and the unpriced ones are counted beside it. */
export interface CostTotals {
  usd: number;
  pricedCalls: number;
  unpricedCalls: number;
  /** Some priced call's tokens were estimated. */
  estimated: boolean;
}

export function noCost(): CostTotals {
  return { usd: 0, pricedCalls: 0, unpricedCalls: 0, estimated: false };
}

/** Adds one call's cost to `totals`; undefined (not a model call, or no token counts) adds nothing. */
export function addCost(totals: CostTotals, cost: SpanCost | undefined): void {
  if (cost === undefined) return;
  if (cost === 'unpriced') {
    totals.unpricedCalls++;
    return;
  }
  totals.usd += cost.usd;
  totals.pricedCalls++;
  if (cost.estimated) totals.estimated = true;
}

/** Adds summed costs (a trace's) to `totals` (a session's). */
export function addCostTotals(totals: CostTotals, more: CostTotals): void {
  totals.usd += more.usd;
  totals.pricedCalls += more.pricedCalls;
  totals.unpricedCalls += more.unpricedCalls;
  if (more.estimated) totals.estimated = true;
}

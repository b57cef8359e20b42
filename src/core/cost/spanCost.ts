/**
 * The cost of each model call (LLM and embedding spans) and of a trace. A call is priced from its provider, its
 * response model (else its request model, also when the response model has no price) and its tokens; the user's
 * overrides win over the table. A call without token counts has no cost to show; a model with no price is `unpriced`.
 */
import { addCost, noCost, type CostTotals, type SpanCost } from '../../shared/cost';
import { GATEWAY_SCOPE } from '../gateway/spanAttributes';
import type { AiSpanInfo } from '../semantics/types';
import type { SpanNode } from '../store/types';
import { findOverride, overridePrice, type PriceOverride } from './priceOverrides';
import { hasTablePrice, tablePrice, type CallTokens } from './prices';

// Bound once: called for every span priced (an imported binding is a property read under CommonJS).
const fromTable = tablePrice;
const overrideFor = findOverride;
const atOverride = overridePrice;
const inTable = hasTablePrice;

/** Undefined for a span that is not a model call or reports no tokens. */
export function priceSpan(ai: AiSpanInfo, overrides: readonly PriceOverride[] = []): SpanCost | undefined {
  if (ai.kind !== 'llm' && ai.kind !== 'embedding') return undefined;
  if (ai.inputTokens === undefined && ai.outputTokens === undefined) return undefined;
  const tokens: CallTokens = {
    input: ai.inputTokens ?? 0,
    output: ai.outputTokens ?? 0,
    cacheRead: ai.cachedTokens ?? 0,
    cacheWrite: ai.cacheWriteTokens ?? 0,
    reasoning: ai.reasoningTokens ?? 0,
  };
  const usd =
    priceOf(tokens, ai.responseModel, ai.provider, overrides) ??
    priceOf(tokens, ai.requestModel, ai.provider, overrides);
  return usd === undefined ? 'unpriced' : { usd, estimated: ai.tokensEstimated === true };
}

/**
 * Whether `priceSpan` reads `unpriced` for this call, without pricing it: neither its response nor its request model
 * has an override or a table entry (the findings ask this of every call).
 */
export function isUnpricedCall(ai: AiSpanInfo, overrides: readonly PriceOverride[] = []): boolean {
  if (ai.kind !== 'llm' && ai.kind !== 'embedding') return false;
  if (ai.inputTokens === undefined && ai.outputTokens === undefined) return false;
  return !hasPrice(ai.responseModel, ai.provider, overrides) && !hasPrice(ai.requestModel, ai.provider, overrides);
}

function hasPrice(model: string | undefined, provider: string | undefined, overrides: readonly PriceOverride[]) {
  if (model === undefined) return false;
  return (overrides.length > 0 && overrideFor(overrides, model, provider) !== undefined) || inTable(model, provider);
}

/** A call's cost in USD; undefined when it has none or its model is unpriced. */
export function spanCostUsd(ai: AiSpanInfo, overrides: readonly PriceOverride[] = []): number | undefined {
  const cost = priceSpan(ai, overrides);
  return cost === undefined || cost === 'unpriced' ? undefined : cost.usd;
}

function priceOf(
  tokens: CallTokens,
  model: string | undefined,
  provider: string | undefined,
  overrides: readonly PriceOverride[],
): number | undefined {
  if (model === undefined) return undefined;
  const override = overrides.length === 0 ? undefined : overrideFor(overrides, model, provider);
  return override === undefined ? fromTable(tokens, model, provider) : atOverride(override, tokens);
}

/** A trace's cost in all and per model, each model named as the store's per-model totals name it. */
export interface TraceCosts {
  readonly total: CostTotals;
  readonly byModel: ReadonlyMap<string, CostTotals>;
}

/**
 * The cost of a trace's calls. A gateway span under the app's model call stands for the same call, which the app's
 * span counts (with the gateway's figures where it had none), as the store counts its tokens.
 */
export function traceCosts(spans: readonly SpanNode[], overrides: readonly PriceOverride[] = []): TraceCosts {
  return sumTraceCosts(spans, (ai) => priceSpan(ai, overrides));
}

/** `traceCosts` with each call priced by `priceOf` (PriceBook's, which remembers each span's cost). */
export function sumTraceCosts(
  spans: readonly SpanNode[],
  priceOf: (ai: AiSpanInfo) => SpanCost | undefined,
): TraceCosts {
  const total = noCost();
  const byModel = new Map<string, CostTotals>();
  for (const node of spans) {
    if (isHostedGatewayCall(node)) continue;
    const cost = priceOf(node.ai);
    if (cost === undefined) continue;
    addCost(total, cost);
    const model = node.ai.responseModel ?? node.ai.requestModel ?? 'unknown';
    let totals = byModel.get(model);
    if (totals === undefined) byModel.set(model, (totals = noCost()));
    addCost(totals, cost);
  }
  return { total, byModel };
}

/** The cost of a trace's calls in all (`traceCosts`). */
export function traceCost(spans: readonly SpanNode[], overrides: readonly PriceOverride[] = []): CostTotals {
  return traceCosts(spans, overrides).total;
}

/** A gateway span under the app's model call: the same call, which the app's span counts. */
export function isHostedGatewayCall(node: SpanNode): boolean {
  if (node.span.scope.name !== GATEWAY_SCOPE) return false;
  for (let above = node.parent; above !== undefined; above = above.parent) {
    if (above.span.scope.name !== GATEWAY_SCOPE && (above.ai.kind === 'llm' || above.ai.kind === 'embedding')) {
      return true;
    }
  }
  return false;
}

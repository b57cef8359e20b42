/** Token totals as the store sums them per trace and per model, and the flame graph header shows them. */

export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** Totals summed over `llm` and `embedding` spans only: wrapper spans repeat their children's usage. */
export interface ModelTotals extends TokenTotals {
  model: string;
  calls: number;
  /** Calls whose tokens the gateway counted from the text (a stream without usage): the totals are then estimates. */
  estimatedCalls: number;
}

/** True when some of these totals were counted by the gateway rather than reported: they read `≈`. */
export function hasEstimatedTokens(byModel: readonly ModelTotals[]): boolean {
  return byModel.some((totals) => totals.estimatedCalls > 0);
}

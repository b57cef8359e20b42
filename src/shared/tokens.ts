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
}

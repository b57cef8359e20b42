/**
 * What the findings engine reports (a rule id, a severity, the span, a message with the figures and a hint) and the
 * options that turn its rules on and off and set their thresholds, with the defaults issue 12 names.
 */
import type { PriceOverride } from '../cost/priceOverrides';
import type { ModelServerStore } from '../modelServers/modelServerStore';

/** The rule ids users filter on. */
export const RULE_IDS = [
  'tool-loop',
  'truncated-output',
  'llm-error',
  'tool-error',
  'slow-ttft',
  'stall',
  'agent-steps',
  'context-growth',
  'retry',
  'large-tool-result',
  'cache-miss',
  'unpriced-model',
  'server-saturated',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'information';

/** Most severe first: `--fail-on` and sorting compare these ranks. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2 };

export interface Finding {
  rule: RuleId;
  severity: Severity;
  traceId: string;
  spanId: string;
  /** What was found, with its figures: `search_docs called 4 times with identical arguments`. */
  message: string;
  /** What to do about it. */
  hint: string;
}

export interface FindingsOptions {
  /** Rules switched off; every rule is on by default. */
  disabled: ReadonlySet<RuleId>;
  /** `tool-loop`: calls of one tool with identical arguments in one trace. */
  toolLoopCalls: number;
  /** `agent-steps`: LLM calls in one agent run above which it is flagged. */
  agentStepsMax: number;
  /** `context-growth`: the last input over the first, or an absolute input size, in one agent run. */
  contextGrowthFactor: number;
  contextGrowthTokens: number;
  /** `slow-ttft`: an absolute threshold, and the samples of a model needed before its p95 is used. */
  slowTtftMs: number;
  slowTtftMinSamples: number;
  /** `stall`: a wait between streamed chunks longer than this. */
  stallMs: number;
  /** `large-tool-result`: a tool result larger than this, in (estimated) tokens. */
  largeToolResultTokens: number;
  /** `cache-miss`: the shortest repeated prompt prefix worth caching, in tokens. */
  cacheMinPrefixTokens: number;
  /** `unpriced-model`: the user's prices (`aiTraceLens.prices`), which price models the table lacks. */
  prices: readonly PriceOverride[];
  /** `server-saturated`: the model servers' samples; without them the rule finds nothing. */
  modelServers?: ModelServerStore;
}

export const DEFAULT_FINDINGS_OPTIONS: FindingsOptions = {
  disabled: new Set(),
  toolLoopCalls: 3,
  agentStepsMax: 25,
  contextGrowthFactor: 3,
  contextGrowthTokens: 100_000,
  slowTtftMs: 5000,
  slowTtftMinSamples: 20,
  stallMs: 2000,
  largeToolResultTokens: 10_000,
  cacheMinPrefixTokens: 1024,
  prices: [],
};

/** Most severe first, then by trace and span id, so output is stable across runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) ||
    (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0) ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

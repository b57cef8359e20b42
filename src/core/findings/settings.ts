/**
 * The findings rules' settings (`aiTraceLens.findings.*`) as checked options. As in core/settings.ts, an invalid value
 * falls back to its default with a problem message the host logs. package.json declares them with these keys,
 * defaults and minimums (test/unit/contributions.test.ts compares the two).
 */
import { DEFAULT_FINDINGS_OPTIONS, RULE_IDS, type FindingsOptions, type RuleId } from './types';

/** Each threshold's setting key, the option it sets, and its smallest valid value. */
const THRESHOLDS = [
  ['findings.toolLoop.calls', 'toolLoopCalls', 2],
  ['findings.agentSteps.max', 'agentStepsMax', 1],
  ['findings.contextGrowth.factor', 'contextGrowthFactor', 1],
  ['findings.contextGrowth.tokens', 'contextGrowthTokens', 1],
  ['findings.slowTtft.ms', 'slowTtftMs', 0],
  ['findings.slowTtft.minSamples', 'slowTtftMinSamples', 1],
  ['findings.stall.ms', 'stallMs', 0],
  ['findings.largeToolResult.tokens', 'largeToolResultTokens', 1],
  ['findings.cacheMiss.minPrefixTokens', 'cacheMinPrefixTokens', 1],
] as const;

export const FINDINGS_DISABLED_KEY = 'findings.disabledRules';

type ThresholdKey = (typeof THRESHOLDS)[number][0];

/** Each threshold setting's default, by key. */
export const FINDINGS_SETTING_DEFAULTS = Object.fromEntries(
  THRESHOLDS.map(([key, option]) => [key, DEFAULT_FINDINGS_OPTIONS[option]]),
) as Record<ThresholdKey, number>;

/** Each threshold setting's smallest valid value, by key. */
export const FINDINGS_SETTING_MINIMUMS = Object.fromEntries(THRESHOLDS.map(([key, , min]) => [key, min])) as Record<
  ThresholdKey,
  number
>;

export type FindingsSettingKey = typeof FINDINGS_DISABLED_KEY | ThresholdKey;

const RULES: ReadonlySet<string> = new Set(RULE_IDS);

export function parseFindingsSettings(get: (key: FindingsSettingKey) => unknown): {
  options: FindingsOptions;
  problems: string[];
} {
  const problems: string[] = [];
  const options: FindingsOptions = { ...DEFAULT_FINDINGS_OPTIONS, disabled: disabledRules(get, problems) };
  for (const [key, option, min] of THRESHOLDS) {
    const value = get(key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min) options[option] = value;
    else {
      problems.push(
        `aiTraceLens.${key} must be a number of at least ${min}, got ${JSON.stringify(value)}; ` +
          `using ${DEFAULT_FINDINGS_OPTIONS[option]}.`,
      );
    }
  }
  return { options, problems };
}

function disabledRules(get: (key: FindingsSettingKey) => unknown, problems: string[]): Set<RuleId> {
  const value = get(FINDINGS_DISABLED_KEY);
  const disabled = new Set<RuleId>();
  if (value === undefined || value === null) return disabled;
  if (!Array.isArray(value)) {
    problems.push(`aiTraceLens.${FINDINGS_DISABLED_KEY} must be a list of rule ids; every rule is on.`);
    return disabled;
  }
  for (const rule of value) {
    if (typeof rule === 'string' && RULES.has(rule)) disabled.add(rule as RuleId);
    else problems.push(`aiTraceLens.${FINDINGS_DISABLED_KEY}: ${JSON.stringify(rule)} is not a rule id; ignored.`);
  }
  return disabled;
}

/** The rules that resolve a span to source, and their names in the UI ("found by stack trace"). */

export type ResolutionRule =
  'code-attributes' | 'stack-trace' | 'path-mapping' | 'symbol' | 'tool-registration' | 'prompt-text';

const RULE_LABELS: Record<ResolutionRule, string> = {
  'code-attributes': 'code attributes',
  'stack-trace': 'stack trace',
  'path-mapping': 'path mapping',
  symbol: 'workspace symbol',
  'tool-registration': 'tool registration',
  'prompt-text': 'prompt text',
};

export function ruleLabel(rule: ResolutionRule): string {
  return RULE_LABELS[rule];
}

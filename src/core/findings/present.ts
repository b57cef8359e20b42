/**
 * How findings read in the editor: the Problems panel's message, the Traces view's marks on a trace row and a span
 * row, and the tooltip that lists them. Pure text, so the host glue stays thin and this is unit-tested.
 */
import { plural } from '../../shared/format';
import { escapeMarkdown } from '../tooltip';
import { SEVERITY_RANK, type Finding, type Severity } from './types';

/** The mark before a findings count or rule list: plain text, since tree descriptions render no icons. */
export const FINDINGS_MARK = '⚠';

/** The diagnostic's message: what was found with its figures, then what to do about it. */
export function findingMessage(finding: Finding): string {
  return `${finding.message}. ${finding.hint}`;
}

/** The most severe of a list of findings; undefined for none. */
export function worstSeverity(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const { severity } of findings)
    if (worst === undefined || SEVERITY_RANK[severity] < SEVERITY_RANK[worst]) worst = severity;
  return worst;
}

/** A trace row's mark: `⚠ 2 findings`; undefined when it has none, so its description stays as it was. */
export function traceFindingsMark(findings: readonly Finding[]): string | undefined {
  return findings.length === 0 ? undefined : `${FINDINGS_MARK} ${plural(findings.length, 'finding')}`;
}

/** A span row's mark: its findings' rule ids, `⚠ tool-loop, retry`; undefined when it has none. */
export function spanFindingsMark(findings: readonly Finding[], spanId: string): string | undefined {
  const rules = [...new Set(findings.filter((finding) => finding.spanId === spanId).map((finding) => finding.rule))];
  return rules.length === 0 ? undefined : `${FINDINGS_MARK} ${rules.join(', ')}`;
}

/**
 * The findings as a tooltip block (Markdown, span text escaped), one line each with its severity and rule:
 * `**Findings**` then `warning tool-loop: search called 3 times…`; empty when there are none.
 */
export function findingsTooltipMarkdown(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const lines = findings.map(
    (finding) => `${finding.severity} \`${finding.rule}\`: ${escapeMarkdown(findingMessage(finding))}`,
  );
  return [`**${plural(findings.length, 'finding')}**`, ...lines].join('  \n');
}

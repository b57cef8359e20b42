/**
 * Findings as the flame graph page sees them (the host sends a trace's findings apart from its snapshot, since they
 * change when rules or settings do), and the per-span mark the chart draws: each span's most severe finding.
 */

export type FindingSeverity = 'error' | 'warning' | 'information';

/** One finding on one span of the page's trace. */
export interface SpanFinding {
  readonly spanId: string;
  /** The rule id users filter on (`tool-loop`, …). */
  readonly rule: string;
  readonly severity: FindingSeverity;
  readonly message: string;
  readonly hint: string;
}

/** A span's mark: 0 for none, then higher for more severe, so the most severe of several is the largest. */
export const SEVERITY_MARK: Readonly<Record<FindingSeverity, number>> = { information: 1, warning: 2, error: 3 };

/** The codicon of each severity, as the Problems panel shows it. */
export const SEVERITY_CODICONS: Readonly<Record<FindingSeverity, string>> = {
  error: 'error',
  warning: 'warning',
  information: 'info',
};

/**
 * Per span index (`indexOf` maps a span id, -1 when the snapshot lacks it), the mark of its most severe finding; a
 * finding on a span not yet in the snapshot marks nothing until a snapshot holds it.
 */
export function severityMarks(
  findings: readonly SpanFinding[],
  indexOf: (spanId: string) => number,
  count: number,
): Uint8Array {
  const marks = new Uint8Array(count);
  for (const finding of findings) {
    const index = indexOf(finding.spanId);
    if (index < 0 || index >= count) continue;
    marks[index] = Math.max(marks[index]!, SEVERITY_MARK[finding.severity]);
  }
  return marks;
}

/** A span's findings, most severe first, in the order the host sent them otherwise. */
export function findingsOfSpan(findings: readonly SpanFinding[], spanId: string): SpanFinding[] {
  return findings
    .filter((finding) => finding.spanId === spanId)
    .sort((a, b) => SEVERITY_MARK[b.severity] - SEVERITY_MARK[a.severity]);
}

/** The tooltip's line: `2 findings: tool-loop, truncated-output`. */
export function findingsSummary(findings: readonly SpanFinding[]): string {
  const rules = [...new Set(findings.map((finding) => finding.rule))].join(', ');
  return `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}: ${rules}`;
}

/**
 * The Traces view's marks for findings (core/findings/present.ts): `⚠ 2 findings` after a trace row's figures,
 * the rule ids after a span row's, and the list in their tooltips. Rows without findings are left as they were.
 */
import type * as vscode from 'vscode';
import { findingsTooltipMarkdown, spanFindingsMark, traceFindingsMark } from '../core/findings/present';
import type { Finding } from '../core/findings/types';

export function markTraceRow(item: vscode.TreeItem, findings: readonly Finding[]): vscode.TreeItem {
  return mark(item, traceFindingsMark(findings));
}

export function markSpanRow(item: vscode.TreeItem, findings: readonly Finding[], spanId: string): vscode.TreeItem {
  return mark(item, spanFindingsMark(findings, spanId));
}

/** A row's tooltip Markdown followed by the findings listed (those of its span only, for a span row). */
export function withFindings(tooltip: string, findings: readonly Finding[], spanId?: string): string {
  const shown = spanId === undefined ? findings : findings.filter((finding) => finding.spanId === spanId);
  return shown.length === 0 ? tooltip : `${tooltip}\n\n${findingsTooltipMarkdown(shown)}`;
}

function mark(item: vscode.TreeItem, text: string | undefined): vscode.TreeItem {
  if (text === undefined) return item;
  item.description = typeof item.description === 'string' ? `${item.description} · ${text}` : text;
  if (item.accessibilityInformation !== undefined) {
    item.accessibilityInformation = {
      ...item.accessibilityInformation,
      label: `${item.accessibilityInformation.label}, ${text.replace(/^⚠ /, '')}`,
    };
  }
  return item;
}

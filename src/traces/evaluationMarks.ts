/**
 * The Traces view's marks for evaluation results (core/evaluation): `⚖ 2 evaluations, lowest faithfulness 2` before a
 * trace row's figures, `⚖ relevance 4 · faithfulness 2` before an evaluated span's (first, since a narrow side bar cuts
 * a long description's end, and a score is why the row was graded), and each result with the judge's explanation in
 * their tooltips. Rows without evaluations are left as they were.
 */
import type * as vscode from 'vscode';
import { evaluationsTooltipMarkdown } from '../core/evaluation/present';
import { spanEvaluationBadge, traceEvaluationBadge, type SpanEvaluation } from '../shared/evaluations';

export function markTraceEvaluations(item: vscode.TreeItem, evaluations: readonly SpanEvaluation[]): vscode.TreeItem {
  return mark(item, traceEvaluationBadge(evaluations));
}

export function markSpanEvaluations(item: vscode.TreeItem, evaluations: readonly SpanEvaluation[]): vscode.TreeItem {
  return mark(item, spanEvaluationBadge(evaluations));
}

/** A row's tooltip Markdown followed by the evaluations listed with their explanations. */
export function withEvaluations(tooltip: string, evaluations: readonly SpanEvaluation[]): string {
  return evaluations.length === 0 ? tooltip : `${tooltip}\n\n${evaluationsTooltipMarkdown(evaluations)}`;
}

function mark(item: vscode.TreeItem, text: string | undefined): vscode.TreeItem {
  if (text === undefined) return item;
  item.description = typeof item.description === 'string' ? `${text} · ${item.description}` : text;
  if (item.accessibilityInformation !== undefined) {
    item.accessibilityInformation = {
      ...item.accessibilityInformation,
      label: `${item.accessibilityInformation.label}, ${text.replace(/^⚖ /, 'evaluated: ')}`,
    };
  }
  return item;
}

/** The Traces view's rows as VS Code shows them: label, description, icon, menus' context value, accessible name. */
import * as vscode from 'vscode';
import { describeSpan, describeTrace } from '../core/describe';
import { durationNanos, nanosToMillis, StatusCode } from '../core/model';
import { describeSession, type SessionGroup } from '../core/sessions';
import { rootSpanOf } from '../core/store/rootSpan';
import type { SpanNode, TraceRecord, TraceSummary } from '../core/store/types';
import type { SpanRow } from '../host/commandTarget';
import { Commands, TreeItemContext } from '../host/contributions';
import { kindIcon, spanIcon } from '../host/icons';
import { AI_KIND_LABELS } from '../shared/aiKinds';
import type { CostTotals, SpanCost } from '../shared/cost';
import { plural } from '../shared/format';
import type { ViewElement } from './treeProvider';

/** Traces up to this size open fully expanded; larger ones open one level at a time. */
const EXPAND_ALL_MAX_SPANS = 60;

/** A conversation: its id, then `3 turns · 2.8k→340 tok · $0.42 · 4 LLM calls · 2 tool calls · 1 error · 6 min 10 s`. */
export function sessionItem(group: SessionGroup, cost: CostTotals): vscode.TreeItem {
  const item = new vscode.TreeItem(group.sessionId, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `session/${group.sessionId}`;
  item.description = describeSession(group, cost);
  item.iconPath = new vscode.ThemeIcon(
    'comment-discussion',
    group.errorCount > 0 ? new vscode.ThemeColor('errorForeground') : undefined,
  );
  item.contextValue = TreeItemContext.session;
  // A plain-string tooltip: span text is never rendered as Markdown.
  item.tooltip = `Session ${group.sessionId}\n${item.description}`;
  item.accessibilityInformation = { label: `Session ${group.sessionId}, ${item.description}`, role: 'treeitem' };
  return item;
}

/** A trace: its root's name, then `travel-planner · 4.86 s · 2.8k tok · $0.42 · 1 error`, under a filter its matches. */
export function traceItem(trace: TraceRecord, cost: CostTotals, matchingSpans?: number): vscode.TreeItem {
  const summary = trace.summary;
  const item = new vscode.TreeItem(summary.rootName || '(unnamed trace)', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `trace/${summary.traceId}`;
  const description = describeTrace(summary, 'row', cost);
  item.description =
    matchingSpans === undefined ? description : `${plural(matchingSpans, 'matching span')} · ${description}`;
  const rootKind = rootSpanOf(trace)?.ai.kind ?? 'other';
  item.iconPath = kindIcon(rootKind, summary.errorCount > 0);
  item.contextValue = TreeItemContext.trace;
  item.accessibilityInformation = {
    label: `Trace ${summary.rootName}, ${item.description}`,
    role: 'treeitem',
  };
  return item;
}

/** A span: its name (highlighted when it matches the view's filter), then its figures and, for model calls, cost. */
export function spanItem(
  element: SpanRow,
  node: SpanNode,
  summary: TraceSummary,
  matched: boolean,
  cost: SpanCost | undefined,
): vscode.TreeItem {
  const { span, ai } = node;
  const collapsible =
    node.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : summary.spanCount <= EXPAND_ALL_MAX_SPANS
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const name = span.name || '(unnamed span)';
  const item = new vscode.TreeItem(matched ? { label: name, highlights: [[0, name.length]] } : name, collapsible);
  item.id = `span/${span.traceId}/${span.spanId}`;
  const description = describeSpan(ai, nanosToMillis(durationNanos(span)), cost);
  item.description = node.orphan ? `parent not received · ${description}` : description;
  const failed = span.status.code === StatusCode.Error;
  item.iconPath = spanIcon(node);
  item.contextValue = ai.kind === 'llm' ? TreeItemContext.llmSpan : TreeItemContext.span;
  item.command = {
    command: Commands.showSpanDetails,
    title: 'Show Span Details',
    arguments: [element, { preserveFocus: true }],
  };
  item.accessibilityInformation = {
    label: `${AI_KIND_LABELS[ai.kind]} ${span.name}, ${item.description}${failed ? ', failed' : ''}${matched ? ', matches the filter' : ''}`,
    role: 'treeitem',
  };
  return item;
}

export function goneItem(element: ViewElement): vscode.TreeItem {
  const item = new vscode.TreeItem('(no longer available)', vscode.TreeItemCollapsibleState.None);
  item.id =
    element.type === 'session'
      ? `session/${element.sessionId}`
      : element.type === 'trace'
        ? `trace/${element.traceId}`
        : `span/${element.traceId}/${element.spanId}`;
  return item;
}

export function markdown(text: string): vscode.MarkdownString {
  // Span text is escaped by the core helpers; untrusted and without HTML, nothing in it can run a command.
  const result = new vscode.MarkdownString(text);
  result.isTrusted = false;
  result.supportHtml = false;
  return result;
}

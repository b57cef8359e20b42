/**
 * The live "Traces" view: a thin adapter over the TraceStore. Elements are small id records cached per trace and
 * span, so VS Code can keep expansion and selection across refreshes (stable `id`s) and targeted `fire(element)`
 * calls find the element objects it already holds. Store changes are batched per burst; a change that only touches
 * traces already listed refreshes just those traces, anything that changes the list refreshes the root.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys, TRACES_VIEW_ID, TreeItemContext } from './contributions';
import { Debouncer } from './core/debounce';
import { displayAddress } from './core/endpoint';
import { describeSpan, formatDuration, formatTokens } from './core/format';
import { durationNanos, nanosToMillis, StatusCode } from './core/model';
import type { AiKind } from './core/semantics/types';
import { AI_KIND_LABELS } from './core/spanLabels';
import type { TraceStore } from './core/store/traceStore';
import type { SpanNode, StoreChange, TraceRecord, TraceSummary } from './core/store/types';
import { spanTooltipMarkdown, traceTooltipMarkdown } from './core/tooltip';
import { DisposableStore } from './disposable';
import type { ReceiverController, ReceiverState } from './receiverController';

export interface TraceElement {
  readonly type: 'trace';
  readonly traceId: string;
}

export interface SpanElement {
  readonly type: 'span';
  readonly traceId: string;
  readonly spanId: string;
}

export type TreeElement = TraceElement | SpanElement;

const REFRESH_DELAY_MS = 150;
/** Past this many changed traces in one burst, one root refresh is cheaper than many targeted ones. */
const MAX_TARGETED_REFRESHES = 50;
/** Traces up to this size open fully expanded; larger ones open one level at a time. */
const EXPAND_ALL_MAX_SPANS = 60;

const KIND_ICONS: Record<AiKind, { icon: string; color: string | undefined }> = {
  llm: { icon: 'sparkle', color: 'charts.purple' },
  embedding: { icon: 'symbol-array', color: 'charts.purple' },
  agent: { icon: 'robot', color: 'charts.blue' },
  tool: { icon: 'tools', color: 'charts.orange' },
  mcp: { icon: 'plug', color: 'charts.green' },
  retriever: { icon: 'search', color: 'charts.yellow' },
  chain: { icon: 'link', color: undefined },
  other: { icon: 'circle-outline', color: undefined },
};

export function isTreeElement(value: unknown): value is TreeElement {
  if (typeof value !== 'object' || value === null) return false;
  const element = value as { type?: unknown; traceId?: unknown; spanId?: unknown };
  if (typeof element.traceId !== 'string') return false;
  return element.type === 'trace' || (element.type === 'span' && typeof element.spanId === 'string');
}

class TracesTreeProvider implements vscode.TreeDataProvider<TreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<TreeElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refreshedEmitter = new vscode.EventEmitter<void>();
  /** Fires after each batched refresh, for the view's message and context keys. */
  readonly onDidRefresh = this.refreshedEmitter.event;

  private readonly traceElements = new Map<string, TraceElement>();
  private readonly spanElements = new Map<string, Map<string, SpanElement>>();
  /** Each listed trace's start time as last shown: a move reorders the list. */
  private readonly listedStarts = new Map<string, bigint>();
  private rootChanged = false;
  private readonly changedTraces = new Set<string>();
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.refresh());
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: TraceStore) {
    this.subscription = store.onDidChange((change) => this.onStoreChange(change));
  }

  getChildren(element?: TreeElement): TreeElement[] {
    if (element === undefined) {
      this.listedStarts.clear();
      return this.store.traces().map((trace) => {
        this.listedStarts.set(trace.summary.traceId, trace.summary.startTimeUnixNano);
        return this.traceElement(trace.summary.traceId);
      });
    }
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return [];
    if (element.type === 'trace') return trace.roots.map((node) => this.spanElement(node));
    const node = trace.getSpan(element.spanId);
    return node === undefined ? [] : node.children.map((child) => this.spanElement(child));
  }

  getParent(element: TreeElement): TreeElement | undefined {
    if (element.type === 'trace') return undefined;
    const parent = this.store.getTrace(element.traceId)?.getSpan(element.spanId)?.parent;
    return parent === undefined ? this.traceElement(element.traceId) : this.spanElement(parent);
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return goneItem(element);
    if (element.type === 'trace') return traceItem(trace);
    const node = trace.getSpan(element.spanId);
    return node === undefined ? goneItem(element) : spanItem(element, node, trace.summary);
  }

  /** Tooltips are built on hover only: most items are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: TreeElement): vscode.TreeItem {
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return item;
    if (element.type === 'trace') item.tooltip = markdown(traceTooltipMarkdown(trace.summary));
    else {
      const node = trace.getSpan(element.spanId);
      if (node !== undefined) item.tooltip = markdown(spanTooltipMarkdown(node));
    }
    return item;
  }

  traceElement(traceId: string): TraceElement {
    let element = this.traceElements.get(traceId);
    if (element === undefined) {
      element = { type: 'trace', traceId };
      this.traceElements.set(traceId, element);
    }
    return element;
  }

  spanElement(node: SpanNode): SpanElement {
    const { traceId, spanId } = node.span;
    let spans = this.spanElements.get(traceId);
    if (spans === undefined) {
      spans = new Map();
      this.spanElements.set(traceId, spans);
    }
    let element = spans.get(spanId);
    if (element === undefined) {
      element = { type: 'span', traceId, spanId };
      spans.set(spanId, element);
    }
    return element;
  }

  /** Applies pending store changes now (before a reveal, so the tree knows the new trace). */
  flush(): void {
    this.debouncer.flush();
  }

  dispose(): void {
    this.subscription.dispose();
    this.debouncer.dispose();
    this.changeEmitter.dispose();
    this.refreshedEmitter.dispose();
  }

  private onStoreChange(change: StoreChange): void {
    if (change.cleared || change.removed.length > 0) {
      this.rootChanged = true;
      for (const traceId of change.removed) {
        this.traceElements.delete(traceId);
        this.spanElements.delete(traceId);
        this.changedTraces.delete(traceId);
      }
    }
    for (const traceId of change.updated) {
      if (this.listedStarts.has(traceId)) this.changedTraces.add(traceId);
      else this.rootChanged = true;
    }
    this.debouncer.schedule();
  }

  private refresh(): void {
    let root = this.rootChanged || this.changedTraces.size > MAX_TARGETED_REFRESHES;
    const targets: TraceElement[] = [];
    if (!root) {
      for (const traceId of this.changedTraces) {
        const trace = this.store.getTrace(traceId);
        if (trace === undefined || trace.summary.startTimeUnixNano !== this.listedStarts.get(traceId)) {
          root = true;
          break;
        }
        targets.push(this.traceElement(traceId));
      }
    }
    this.rootChanged = false;
    this.changedTraces.clear();
    if (root) this.changeEmitter.fire(undefined);
    else for (const element of targets) this.changeEmitter.fire(element);
    this.refreshedEmitter.fire();
  }
}

/** The span a trace row opens in "Show Span Details": the real root, else the earliest top-level span. */
export function rootSpanOf(trace: TraceRecord): SpanNode | undefined {
  return trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
}

function traceItem(trace: TraceRecord): vscode.TreeItem {
  const summary = trace.summary;
  const item = new vscode.TreeItem(summary.rootName || '(unnamed trace)', vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `trace/${summary.traceId}`;
  item.description = traceDescription(summary);
  const rootKind = rootSpanOf(trace)?.ai.kind ?? 'other';
  item.iconPath = kindIcon(rootKind, summary.errorCount > 0);
  item.contextValue = TreeItemContext.trace;
  item.accessibilityInformation = {
    label: `Trace ${summary.rootName}, ${item.description}`,
    role: 'treeitem',
  };
  return item;
}

/** `travel-planner · 4.86 s · 2.8k tok · 1 error` */
function traceDescription(summary: TraceSummary): string {
  const parts: string[] = [];
  if (summary.service !== undefined) parts.push(summary.service);
  parts.push(formatDuration(summary.durationMs));
  const tokens = summary.tokens.inputTokens + summary.tokens.outputTokens;
  if (tokens > 0) parts.push(`${formatTokens(tokens)} tok`);
  if (summary.errorCount > 0) parts.push(summary.errorCount === 1 ? '1 error' : `${summary.errorCount} errors`);
  return parts.join(' · ');
}

function spanItem(element: SpanElement, node: SpanNode, summary: TraceSummary): vscode.TreeItem {
  const { span, ai } = node;
  const collapsible =
    node.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : summary.spanCount <= EXPAND_ALL_MAX_SPANS
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(span.name || '(unnamed span)', collapsible);
  item.id = `span/${span.traceId}/${span.spanId}`;
  const description = describeSpan(ai, nanosToMillis(durationNanos(span)));
  item.description = node.orphan ? `parent not received · ${description}` : description;
  const failed = span.status.code === StatusCode.Error;
  item.iconPath = spanIcon(node);
  item.contextValue = TreeItemContext.span;
  item.command = {
    command: Commands.showSpanDetails,
    title: 'Show Span Details',
    arguments: [element, { preserveFocus: true }],
  };
  item.accessibilityInformation = {
    label: `${AI_KIND_LABELS[ai.kind]} ${span.name}, ${item.description}${failed ? ', failed' : ''}`,
    role: 'treeitem',
  };
  return item;
}

function goneItem(element: TreeElement): vscode.TreeItem {
  const item = new vscode.TreeItem('(no longer available)', vscode.TreeItemCollapsibleState.None);
  item.id = element.type === 'trace' ? `trace/${element.traceId}` : `span/${element.traceId}/${element.spanId}`;
  return item;
}

/** The span's kind icon, or the error icon when the span failed. */
export function spanIcon(node: SpanNode): vscode.ThemeIcon {
  if (node.span.status.code === StatusCode.Error) return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  return kindIcon(node.ai.kind, false);
}

function kindIcon(kind: AiKind, failed: boolean): vscode.ThemeIcon {
  const { icon, color } = KIND_ICONS[kind];
  if (failed) return new vscode.ThemeIcon(icon, new vscode.ThemeColor('errorForeground'));
  return color === undefined ? new vscode.ThemeIcon(icon) : new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

function markdown(text: string): vscode.MarkdownString {
  // Span text is escaped by the core helpers; untrusted and without HTML, nothing in it can run a command.
  const result = new vscode.MarkdownString(text);
  result.isTrusted = false;
  result.supportHtml = false;
  return result;
}

/** The Traces tree view plus its header: where the receiver listens, and how many traces were evicted. */
export class TracesView implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly provider: TracesTreeProvider;
  private readonly view: vscode.TreeView<TreeElement>;
  private hasTraces: boolean | undefined;

  constructor(
    private readonly store: TraceStore,
    private readonly receiver: ReceiverController,
    private readonly maxSpans: () => number,
  ) {
    this.provider = this.disposables.add(new TracesTreeProvider(store));
    this.view = this.disposables.add(
      vscode.window.createTreeView(TRACES_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }),
    );
    this.disposables.add(this.provider.onDidRefresh(() => this.updateHeader()));
    this.disposables.add(receiver.onDidChangeState(() => this.updateHeader()));
    this.updateHeader();
  }

  /** Re-reads what the header shows (after the span limit setting changed). */
  updateHeader(): void {
    this.view.description = receiverDescription(this.receiver.state);
    const evicted = this.store.evictedTraces;
    this.view.message =
      evicted === 0
        ? undefined
        : `${evicted.toLocaleString('en-US')} oldest ${evicted === 1 ? 'trace' : 'traces'} evicted ` +
          `(limit ${this.maxSpans().toLocaleString('en-US')} spans, aiTraceLens.store.maxSpans)`;
    const hasTraces = this.store.traceCount > 0;
    if (hasTraces !== this.hasTraces) {
      this.hasTraces = hasTraces;
      void vscode.commands.executeCommand('setContext', ContextKeys.hasTraces, hasTraces);
    }
  }

  /** The trace of the selected item, if any. */
  get selectedTraceId(): string | undefined {
    return this.view.selection[0]?.traceId;
  }

  /** Shows a trace (e.g. the demo trace just sent), expanded and selected. */
  async revealTrace(traceId: string): Promise<void> {
    this.provider.flush();
    if (this.store.getTrace(traceId) === undefined) return;
    await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
    await this.view.reveal(this.provider.traceElement(traceId), { select: true, focus: true, expand: 2 });
  }

  /** Selects a span chosen elsewhere (in a flame graph), only while the view is visible: it never pops the view open. */
  async revealSpan(traceId: string, spanId: string): Promise<void> {
    if (!this.view.visible) return;
    this.provider.flush();
    const node = this.store.getTrace(traceId)?.getSpan(spanId);
    if (node === undefined) return;
    await this.view.reveal(this.provider.spanElement(node), { select: true, focus: false });
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function receiverDescription(state: ReceiverState): string {
  switch (state.kind) {
    case 'listening':
      return displayAddress(state.host, state.port);
    case 'paused':
      return 'paused';
    case 'starting':
      return 'starting…';
    case 'failed':
      return 'not listening';
    case 'stopped':
      return 'receiver off';
  }
}

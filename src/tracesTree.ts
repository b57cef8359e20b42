/**
 * The live "Traces" view: a thin adapter over the TraceStore. Elements are small id records cached per trace and
 * span, so VS Code can keep expansion and selection across refreshes (stable `id`s) and targeted `fire(element)`
 * calls find the element objects it already holds. Store changes are batched per burst; a change that only touches
 * traces already listed refreshes just those traces, anything that changes the list refreshes the root.
 *
 * Grouped by session, the top level lists conversations (with their totals) and, between them by time, the traces
 * that name none: a lone script run stays one click away instead of hiding in a "no session" folder.
 */
import * as vscode from 'vscode';
import { Commands, ContextKeys, TRACES_VIEW_ID, TreeItemContext } from './contributions';
import { Debouncer } from './core/debounce';
import { describeSpan } from './core/describe';
import { displayAddress } from './core/endpoint';
import { durationNanos, nanosToMillis, StatusCode } from './core/model';
import {
  describeSession,
  SessionIndex,
  type SessionEntry,
  type SessionGroup,
  type SessionGrouping,
} from './core/sessions';
import type { TraceStore } from './core/store/traceStore';
import type { SpanNode, StoreChange, TraceRecord, TraceSummary } from './core/store/types';
import { spanTooltipMarkdown, traceTooltipMarkdown } from './core/tooltip';
import { DisposableStore } from './disposable';
import type { ReceiverController, ReceiverState } from './receiverController';
import { AI_KIND_LABELS, type AiKind } from './shared/aiKinds';
import { formatDuration, formatTokens } from './shared/format';

export interface TraceElement {
  readonly type: 'trace';
  readonly traceId: string;
}

export interface SpanElement {
  readonly type: 'span';
  readonly traceId: string;
  readonly spanId: string;
}

/** What commands act on: a trace or span row. */
export type TreeElement = TraceElement | SpanElement;

export interface SessionElement {
  readonly type: 'session';
  readonly sessionId: string;
}

type ViewElement = TreeElement | SessionElement;

export type TraceGrouping = 'trace' | 'session';

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

class TracesTreeProvider implements vscode.TreeDataProvider<ViewElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ViewElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refreshedEmitter = new vscode.EventEmitter<void>();
  /** Fires after each batched refresh, for the view's message and context keys. */
  readonly onDidRefresh = this.refreshedEmitter.event;

  private readonly traceElements = new Map<string, TraceElement>();
  private readonly spanElements = new Map<string, Map<string, SpanElement>>();
  private readonly sessionElements = new Map<string, SessionElement>();
  private readonly sessionIndex = new SessionIndex();
  /** The grouping as of the last store change; recomputed when read after the next one. */
  private grouping: SessionGrouping | undefined;
  /** The top level as last listed in session mode, to tell a reorder from a change inside a session. */
  private listedEntries: string[] = [];
  /** Each listed trace's start time as last shown: a move reorders the list. */
  private readonly listedStarts = new Map<string, bigint>();
  private rootChanged = false;
  private readonly changedTraces = new Set<string>();
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.refresh());
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: TraceStore,
    private mode: TraceGrouping,
  ) {
    this.subscription = store.onDidChange((change) => this.onStoreChange(change));
  }

  setGrouping(mode: TraceGrouping): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.rootChanged = true;
    this.debouncer.schedule();
    this.debouncer.flush();
  }

  getChildren(element?: ViewElement): ViewElement[] {
    if (element === undefined) {
      this.listedStarts.clear();
      const traces = this.store.traces();
      for (const trace of traces) this.listedStarts.set(trace.summary.traceId, trace.summary.startTimeUnixNano);
      if (this.mode === 'trace') return traces.map((trace) => this.traceElement(trace.summary.traceId));
      const { entries, sessions } = this.currentGrouping();
      this.listedEntries = entries.map(entryKey);
      // Conversations whose traces were all evicted or cleared let go of their element.
      for (const sessionId of this.sessionElements.keys())
        if (!sessions.has(sessionId)) this.sessionElements.delete(sessionId);
      return entries.map((entry) =>
        entry.type === 'session'
          ? this.sessionElement(entry.group.sessionId)
          : this.traceElement(entry.trace.summary.traceId),
      );
    }
    if (element.type === 'session') {
      const group = this.currentGrouping().sessions.get(element.sessionId);
      return group === undefined ? [] : group.traces.map((trace) => this.traceElement(trace.summary.traceId));
    }
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return [];
    if (element.type === 'trace') return trace.roots.map((node) => this.spanElement(node));
    const node = trace.getSpan(element.spanId);
    return node === undefined ? [] : node.children.map((child) => this.spanElement(child));
  }

  getParent(element: ViewElement): ViewElement | undefined {
    if (element.type === 'session') return undefined;
    if (element.type === 'trace') {
      if (this.mode === 'trace') return undefined;
      const sessionId = this.currentGrouping().sessionOf(element.traceId);
      return sessionId === undefined ? undefined : this.sessionElement(sessionId);
    }
    const parent = this.store.getTrace(element.traceId)?.getSpan(element.spanId)?.parent;
    return parent === undefined ? this.traceElement(element.traceId) : this.spanElement(parent);
  }

  getTreeItem(element: ViewElement): vscode.TreeItem {
    if (element.type === 'session') {
      const group = this.mode === 'session' ? this.currentGrouping().sessions.get(element.sessionId) : undefined;
      return group === undefined ? goneItem(element) : sessionItem(group);
    }
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return goneItem(element);
    if (element.type === 'trace') return traceItem(trace);
    const node = trace.getSpan(element.spanId);
    return node === undefined ? goneItem(element) : spanItem(element, node, trace.summary);
  }

  /** Tooltips are built on hover only: most items are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: ViewElement): vscode.TreeItem {
    if (element.type === 'session') return item;
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

  sessionElement(sessionId: string): SessionElement {
    let element = this.sessionElements.get(sessionId);
    if (element === undefined) {
      element = { type: 'session', sessionId };
      this.sessionElements.set(sessionId, element);
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

  private currentGrouping(): SessionGrouping {
    this.grouping ??= this.sessionIndex.group(this.store.traces());
    return this.grouping;
  }

  private onStoreChange(change: StoreChange): void {
    this.grouping = undefined;
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

  /** The rows to refresh for the changed traces in session mode: each one's session, or the trace when it has none. */
  private sessionTargets(): ViewElement[] {
    const grouping = this.currentGrouping();
    const targets = new Set<ViewElement>();
    for (const traceId of this.changedTraces) {
      const sessionId = grouping.sessionOf(traceId);
      targets.add(sessionId === undefined ? this.traceElement(traceId) : this.sessionElement(sessionId));
    }
    return [...targets];
  }

  private refresh(): void {
    let root = this.rootChanged || this.changedTraces.size > MAX_TARGETED_REFRESHES;
    const targets: ViewElement[] = [];
    if (!root && this.mode === 'session') {
      // A changed trace refreshes its session (totals, turn order); a new or moved entry at the top reorders the list.
      const entries = this.currentGrouping().entries;
      root =
        entries.length !== this.listedEntries.length ||
        entries.some((entry, i) => entryKey(entry) !== this.listedEntries[i]);
      if (!root) targets.push(...this.sessionTargets());
    } else if (!root) {
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

function entryKey(entry: SessionEntry): string {
  return entry.type === 'session' ? `session/${entry.group.sessionId}` : `trace/${entry.trace.summary.traceId}`;
}

/** A conversation: its id, then `3 turns · 2.8k→340 tok · 4 LLM calls · 2 tool calls · 1 error · 6 min 10 s`. */
function sessionItem(group: SessionGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(group.sessionId, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `session/${group.sessionId}`;
  item.description = describeSession(group);
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

function goneItem(element: ViewElement): vscode.TreeItem {
  const item = new vscode.TreeItem('(no longer available)', vscode.TreeItemCollapsibleState.None);
  item.id =
    element.type === 'session'
      ? `session/${element.sessionId}`
      : element.type === 'trace'
        ? `trace/${element.traceId}`
        : `span/${element.traceId}/${element.spanId}`;
  return item;
}

/** The span's kind icon, or the error icon when the span failed. */
export function spanIcon(node: SpanNode): vscode.ThemeIcon {
  if (node.span.status.code === StatusCode.Error)
    return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
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

/** workspaceState key of the view's grouping, so a workspace reopens the way it was left. */
const GROUPING_STATE_KEY = 'aiTraceLens.traces.grouping';

/** The Traces tree view plus its header: where the receiver listens, and how many traces were evicted. */
export class TracesView implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly provider: TracesTreeProvider;
  private readonly view: vscode.TreeView<ViewElement>;
  private hasTraces: boolean | undefined;

  constructor(
    private readonly store: TraceStore,
    private readonly receiver: ReceiverController,
    private readonly maxSpans: () => number,
    private readonly workspaceState: vscode.Memento,
  ) {
    const grouping = workspaceState.get<TraceGrouping>(GROUPING_STATE_KEY) === 'session' ? 'session' : 'trace';
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBySession, grouping === 'session');
    this.provider = this.disposables.add(new TracesTreeProvider(store, grouping));
    this.view = this.disposables.add(
      vscode.window.createTreeView(TRACES_VIEW_ID, {
        treeDataProvider: this.provider,
        showCollapseAll: true,
        // Two selected traces are what Compare Traces compares.
        canSelectMany: true,
      }),
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

  /** Lists traces one by one, or grouped by conversation; remembered per workspace. */
  async setGrouping(grouping: TraceGrouping): Promise<void> {
    this.provider.setGrouping(grouping);
    await vscode.commands.executeCommand('setContext', ContextKeys.groupBySession, grouping === 'session');
    await this.workspaceState.update(GROUPING_STATE_KEY, grouping);
  }

  /** The selected trace and span rows. */
  get selectedElements(): readonly TreeElement[] {
    return this.view.selection.filter((element) => element.type !== 'session');
  }

  /** The trace of the selected item, if any. */
  get selectedTraceId(): string | undefined {
    const selected = this.view.selection[0];
    return selected === undefined || selected.type === 'session' ? undefined : selected.traceId;
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

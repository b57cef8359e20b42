/**
 * The Traces view's data: a thin adapter over the TraceStore. Elements are small id records cached per trace and
 * span, so VS Code can keep expansion and selection across refreshes (stable `id`s) and targeted `fire(element)`
 * calls find the element objects it already holds. Store changes are batched per burst; a change that only touches
 * traces already listed refreshes just those traces, anything that changes the list refreshes the root.
 *
 * Grouped by session, the top level lists conversations (with their totals) and, between them by time, the traces
 * that name none: a lone script run stays one click away instead of hiding in a "no session" folder.
 *
 * A TraceQL filter lists only the traces it matches (in sessions too), their matching spans marked.
 *
 * Rows show costs from the PriceBook, which computes a trace's once per version: describing the visible rows on each
 * refresh stays cheap. Rows with findings are marked (findingMarks.ts) and refreshed as the findings change; so are rows
 * with evaluation results (evaluationMarks.ts).
 */
import * as vscode from 'vscode';
import type { PriceBook } from '../core/cost/priceBook';
import { Debouncer } from '../core/debounce';
import type { EvaluationIndex } from '../core/evaluation/evaluationIndex';
import type { FindingsIndex } from '../core/findings/findingsIndex';
import { SessionIndex, type SessionEntry, type SessionGrouping } from '../core/sessions';
import type { TraceStore } from '../core/store/traceStore';
import type { SpanNode, StoreChange, TraceRecord } from '../core/store/types';
import type { TraceFilter } from '../core/traceql/traceFilter';
import { spanTooltipMarkdown, traceTooltipMarkdown } from '../core/tooltip';
import type { SpanRow, TraceRow, TraceViewRow } from '../host/commandTarget';
import { markSpanEvaluations, markTraceEvaluations, withEvaluations } from './evaluationMarks';
import { markSpanRow, markTraceRow, withFindings } from './findingMarks';
import { goneItem, markdown, sessionItem, spanItem, traceItem } from './treeItems';

export interface SessionElement {
  readonly type: 'session';
  readonly sessionId: string;
}

/** A row of the view: a trace or span row, which commands act on, or a conversation. */
export type ViewElement = TraceViewRow | SessionElement;

export type TraceGrouping = 'trace' | 'session';

const REFRESH_DELAY_MS = 150;
/** Past this many changed traces in one burst, one root refresh is cheaper than many targeted ones. */
const MAX_TARGETED_REFRESHES = 50;

export class TracesTreeProvider implements vscode.TreeDataProvider<ViewElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<ViewElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refreshedEmitter = new vscode.EventEmitter<void>();
  /** Fires after each batched refresh, for the view's message and context keys. */
  readonly onDidRefresh = this.refreshedEmitter.event;

  private readonly traceElements = new Map<string, TraceRow>();
  private readonly spanElements = new Map<string, Map<string, SpanRow>>();
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
  private readonly findingsSubscription: vscode.Disposable;
  private readonly evaluationsSubscription: vscode.Disposable;
  private filter: TraceFilter | undefined;

  constructor(
    private readonly store: TraceStore,
    private mode: TraceGrouping,
    private readonly findings: FindingsIndex,
    private readonly prices: PriceBook,
    private readonly evaluations: EvaluationIndex,
  ) {
    this.subscription = store.onDidChange((change) => this.onStoreChange(change));
    this.findingsSubscription = findings.onDidChange((change) => this.onFindingsChange(change.updated));
    this.evaluationsSubscription = evaluations.onDidChange((change) => this.onFindingsChange(change.updated));
  }

  /** Lists only the traces `filter` matches, or every trace again. */
  setFilter(filter: TraceFilter | undefined): void {
    this.filter = filter;
    this.grouping = undefined;
    this.rootChanged = true;
    this.debouncer.schedule();
    this.debouncer.flush();
  }

  /** How many of the stored traces the filter lets through; undefined without a filter. */
  filterCounts(): { matching: number; total: number } | undefined {
    if (this.filter === undefined) return undefined;
    return { matching: this.listedTraces().length, total: this.store.traceCount };
  }

  /** Describes every row again: the prices changed. */
  repriced(): void {
    this.rootChanged = true;
    this.debouncer.schedule();
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
      const traces = this.listedTraces();
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
      return group === undefined ? goneItem(element) : sessionItem(group, this.prices.totalCost(group.traces));
    }
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return goneItem(element);
    const matching = this.filter?.matchingSpans(trace);
    const findings = this.findings.forTrace(element.traceId);
    if (element.type === 'trace') {
      const item = markTraceRow(traceItem(trace, this.prices.traceCosts(trace).total, matching?.size), findings);
      return markTraceEvaluations(item, this.evaluations.forTrace(element.traceId));
    }
    const node = trace.getSpan(element.spanId);
    if (node === undefined) return goneItem(element);
    const cost = this.prices.spanCost(node.ai);
    const item = spanItem(element, node, trace.summary, matching?.has(node.span.spanId) === true, cost);
    return markSpanEvaluations(
      markSpanRow(item, findings, element.spanId),
      this.evaluations.forSpan(element.traceId, element.spanId),
    );
  }

  /** Tooltips are built on hover only: most items are never hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: ViewElement): vscode.TreeItem {
    if (element.type === 'session') return item;
    const trace = this.store.getTrace(element.traceId);
    if (trace === undefined) return item;
    const findings = this.findings.forTrace(element.traceId);
    if (element.type === 'trace') {
      const tooltip = traceTooltipMarkdown(trace.summary, this.prices.traceCostInfo(trace));
      item.tooltip = markdown(
        withEvaluations(withFindings(tooltip, findings), this.evaluations.forTrace(element.traceId)),
      );
    } else {
      const node = trace.getSpan(element.spanId);
      if (node !== undefined) {
        const tooltip = spanTooltipMarkdown(node, this.prices.spanCost(node.ai));
        const evaluations = this.evaluations.forSpan(element.traceId, element.spanId);
        item.tooltip = markdown(withEvaluations(withFindings(tooltip, findings, element.spanId), evaluations));
      }
    }
    return item;
  }

  traceElement(traceId: string): TraceRow {
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

  spanElement(node: SpanNode): SpanRow {
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
    this.findingsSubscription.dispose();
    this.evaluationsSubscription.dispose();
    this.debouncer.dispose();
    this.changeEmitter.dispose();
    this.refreshedEmitter.dispose();
  }

  private currentGrouping(): SessionGrouping {
    this.grouping ??= this.sessionIndex.group(this.listedTraces());
    return this.grouping;
  }

  /** The traces the view lists, newest first: all of them, or those the filter matches. */
  private listedTraces(): TraceRecord[] {
    const filter = this.filter;
    const traces = this.store.traces();
    return filter === undefined ? traces : traces.filter((trace) => filter.matchesTrace(trace));
  }

  private onStoreChange(change: StoreChange): void {
    this.grouping = undefined;
    if (change.cleared) this.filter?.clear();
    if (change.cleared || change.removed.length > 0) {
      this.rootChanged = true;
      this.filter?.forget(change.removed);
      for (const traceId of change.removed) {
        this.traceElements.delete(traceId);
        this.spanElements.delete(traceId);
        this.changedTraces.delete(traceId);
      }
    }
    for (const traceId of change.updated) {
      if (this.listedStarts.has(traceId)) this.changedTraces.add(traceId);
      else if (this.mayBeListed(traceId)) this.rootChanged = true;
    }
    this.debouncer.schedule();
  }

  /**
   * Listed traces whose findings or evaluations changed are refreshed with the next batch (removed ones leave with
   * the store's).
   */
  private onFindingsChange(traceIds: readonly string[]): void {
    let listed = false;
    for (const traceId of traceIds) {
      if (!this.listedStarts.has(traceId)) continue;
      this.changedTraces.add(traceId);
      listed = true;
    }
    if (listed) this.debouncer.schedule();
  }

  /** Whether an unlisted trace that changed may now be listed: always without a filter, else when it matches. */
  private mayBeListed(traceId: string): boolean {
    const filter = this.filter;
    if (filter === undefined) return true;
    const trace = this.store.getTrace(traceId);
    return trace === undefined || filter.matchesTrace(trace);
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
        const moved = trace === undefined || trace.summary.startTimeUnixNano !== this.listedStarts.get(traceId);
        // A listed trace that stopped matching the filter leaves the list.
        if (moved || (this.filter !== undefined && !this.filter.matchesTrace(trace))) {
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

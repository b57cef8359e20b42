/**
 * The bounded in-memory store behind the tree view and the CLI.
 *
 * Spans of one trace arrive in any order across many exports. Each span is linked into its trace's tree as it arrives:
 * a child whose parent has not arrived waits as an orphan root and is adopted when the parent comes. Summaries are
 * kept incrementally, so an ingest costs time proportional to the spans it brings, not to the traces it touches.
 *
 * Bounds: after each ingest (and on `setMaxSpans`) whole traces are evicted, least recently updated first, until the
 * span count fits. The most recently updated trace is never evicted, so a single trace larger than the cap is kept
 * whole and the store exceeds the cap by that trace alone (`spanCount` reports it); cutting spans out of a trace
 * would show a tree with holes that looks complete. Every evicted trace is counted in `evictedTraces` and listed in
 * the change event. `clear()` resets that count: it describes what was lost since the user last started afresh.
 */
import { AI_KINDS, type AiKind } from '../../shared/aiKinds';
import type { ModelTotals } from '../../shared/tokens';
import { Emitter, type Event } from '../events';
import { StatusCode, nanosToMillis, serviceNameOf, type Span } from '../model';
import { analyzeSpan } from '../semantics/analyze';
import { type AiSpanInfo } from '../semantics/types';
import { checkBound } from './bound';
import type { IngestResult, SpanNode, StoreChange, TraceRecord, TraceSummary } from './types';

export interface TraceStoreOptions {
  maxSpans: number;
}

/** Whether appending `node` after `nodes` keeps them in sibling order. */
function appendsInOrder(nodes: readonly StoredSpan[], node: StoredSpan): boolean {
  const last = nodes[nodes.length - 1];
  return last === undefined || compareSpans(last, node) < 0;
}

class StoredSpan implements SpanNode {
  parent: StoredSpan | undefined = undefined;
  orphan = false;
  private readonly childList: StoredSpan[] = [];
  private childrenSorted = true;

  constructor(
    readonly span: Span,
    readonly ai: AiSpanInfo,
  ) {}

  /**
   * Sorted when read rather than on every insert: an ingest appends in O(1), and since spans arrive nearly in order
   * the sort is close to linear. Inserting with a binary search would still shift the array on every out-of-order
   * child, which is quadratic for a wide fan-out arriving shuffled.
   */
  get children(): StoredSpan[] {
    if (!this.childrenSorted) {
      this.childList.sort(compareSpans);
      this.childrenSorted = true;
    }
    return this.childList;
  }

  addChild(child: StoredSpan): void {
    if (!appendsInOrder(this.childList, child)) this.childrenSorted = false;
    this.childList.push(child);
    child.parent = this;
  }

  removeChild(child: StoredSpan): void {
    const children = this.children;
    const index = searchSorted(children, child);
    if (children[index] === child) children.splice(index, 1);
    child.parent = undefined;
  }

  takeChildren(): StoredSpan[] {
    const children = this.childList.splice(0);
    for (const child of children) child.parent = undefined;
    this.childrenSorted = true;
    return children;
  }
}

/**
 * Sibling order: start time, then end time, then span id. SDKs that stamp starts in whole milliseconds give a quick
 * tool span and the model call after it the same start: the one that ended first ran first.
 */
function compareSpans(a: StoredSpan, b: StoredSpan): number {
  const startA = a.span.startTimeUnixNano;
  const startB = b.span.startTimeUnixNano;
  if (startA !== startB) return startA < startB ? -1 : 1;
  const endA = a.span.endTimeUnixNano;
  const endB = b.span.endTimeUnixNano;
  if (endA !== endB) return endA < endB ? -1 : 1;
  const idA = a.span.spanId;
  const idB = b.span.spanId;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

/** Index of `node`'s place in sorted `nodes`: the first element that does not sort before it. */
function searchSorted(nodes: readonly StoredSpan[], node: StoredSpan): number {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareSpans(nodes[middle]!, node) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function isLlmUsage(kind: AiKind): boolean {
  // Agent, chain and workflow spans repeat their model calls' usage; only the calls themselves are summed.
  return kind === 'llm' || kind === 'embedding';
}

function emptyCallCounts(): Record<AiKind, number> {
  const counts = {} as Record<AiKind, number>;
  for (const kind of AI_KINDS) counts[kind] = 0;
  return counts;
}

class StoredTrace implements TraceRecord {
  readonly summary: TraceSummary;
  /**
   * Roots and orphans, tidied when read: adopted orphans and replaced spans are dropped then instead of being
   * spliced out one by one (a late root can adopt thousands), and the rest is sorted as children are.
   */
  private readonly rootList: StoredSpan[] = [];
  private rootsTidy = true;
  /** Entries of `rootList` known to be stale; past half the list they are dropped even if nobody reads `roots`. */
  private staleRoots = 0;
  private readonly nodes = new Map<string, StoredSpan>();
  /** Orphans by the parent span id they name, adopted when that span arrives. */
  private readonly waiting = new Map<string, StoredSpan[]>();
  private readonly models = new Map<string, ModelTotals>();
  private earliestSpan: StoredSpan | undefined;
  /** The earliest span that names no parent: the trace's real root, once it has arrived. */
  private earliestRoot: StoredSpan | undefined;
  private latestEnd = 0n;
  private anyService: string | undefined;
  /** A replaced span may have held the minimum start or maximum end, which cannot be undone incrementally. */
  private rescanNeeded = false;
  private modelsChanged = false;
  private committedStart: bigint | undefined;

  constructor(traceId: string) {
    this.summary = {
      traceId,
      rootName: '',
      service: undefined,
      startTimeUnixNano: 0n,
      endTimeUnixNano: 0n,
      durationMs: 0,
      spanCount: 0,
      errorCount: 0,
      tokens: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 },
      byModel: [],
      callCounts: emptyCallCounts(),
      version: 0,
    };
  }

  get roots(): StoredSpan[] {
    if (!this.rootsTidy) this.tidyRoots();
    return this.rootList;
  }

  getSpan(spanId: string): SpanNode | undefined {
    return this.nodes.get(spanId);
  }

  spans(): SpanNode[] {
    // Iterative: traces can be chains deeper than the call stack.
    const ordered: SpanNode[] = [];
    const stack: StoredSpan[] = [];
    for (let i = this.roots.length - 1; i >= 0; i--) stack.push(this.roots[i]!);
    while (stack.length > 0) {
      const node = stack.pop()!;
      ordered.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    return ordered;
  }

  /** Links `node` into the tree; returns true when it replaced a span with the same id. */
  add(node: StoredSpan): boolean {
    const spanId = node.span.spanId;
    const previous = this.nodes.get(spanId);
    let adopted: StoredSpan[] = [];
    if (previous !== undefined) {
      adopted = this.detach(previous);
      this.account(previous, -1);
      this.rescanNeeded = true;
    }
    this.nodes.set(spanId, node);
    this.account(node, 1);
    this.trackExtremes(node);

    const waiters = this.waiting.get(spanId);
    if (waiters !== undefined) {
      this.waiting.delete(spanId);
      this.markStaleRoots(waiters.length);
      for (const waiter of waiters) waiter.orphan = false;
      adopted = adopted.length === 0 ? waiters : adopted.concat(waiters);
    }
    for (const child of adopted) node.addChild(child);

    const parentId = node.span.parentSpanId || undefined;
    const parent = parentId === undefined || parentId === spanId ? undefined : this.nodes.get(parentId);
    // A fresh node has descendants only through adoption, so a cycle is possible only then.
    if (parent !== undefined && !(adopted.length > 0 && isAncestorOrSelf(node, parent))) {
      parent.addChild(node);
    } else {
      node.orphan = parentId !== undefined;
      if (this.waitsForParent(node)) this.addWaiting(parentId!, node);
      if (!appendsInOrder(this.rootList, node)) this.rootsTidy = false;
      this.rootList.push(node);
    }
    if (this.staleRoots > 64 && this.staleRoots * 2 > this.rootList.length) this.tidyRoots();
    return previous !== undefined;
  }

  /**
   * Brings the derived summary fields up to date after a batch and bumps the version.
   * Returns whether the trace's start time moved, which reorders the trace list.
   */
  commit(): boolean {
    if (this.rescanNeeded) this.rescan();
    const summary = this.summary;
    const earliest = this.earliestSpan!;
    summary.startTimeUnixNano = earliest.span.startTimeUnixNano;
    summary.endTimeUnixNano = this.latestEnd > summary.startTimeUnixNano ? this.latestEnd : summary.startTimeUnixNano;
    summary.durationMs = nanosToMillis(summary.endTimeUnixNano - summary.startTimeUnixNano);
    summary.rootName = (this.earliestRoot ?? earliest).span.name;
    const rootService = this.earliestRoot === undefined ? undefined : serviceNameOf(this.earliestRoot.span);
    summary.service = rootService ?? this.anyService;
    if (this.modelsChanged) {
      summary.byModel = [...this.models.values()]
        .map((totals) => ({ ...totals }))
        .sort(
          (a, b) =>
            b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) ||
            (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
        );
      this.modelsChanged = false;
    }
    summary.version++;
    const moved = summary.startTimeUnixNano !== this.committedStart;
    this.committedStart = summary.startTimeUnixNano;
    return moved;
  }

  /** Unlinks a span that is being replaced; returns its children, which the replacement adopts. */
  private detach(node: StoredSpan): StoredSpan[] {
    if (node.parent !== undefined) {
      node.parent.removeChild(node);
    } else {
      this.markStaleRoots(1);
      if (this.waitsForParent(node)) {
        const parentId = node.span.parentSpanId!;
        const siblings = this.waiting.get(parentId)!;
        siblings.splice(siblings.indexOf(node), 1);
        if (siblings.length === 0) this.waiting.delete(parentId);
      }
    }
    return node.takeChildren();
  }

  private markStaleRoots(count: number): void {
    this.staleRoots += count;
    this.rootsTidy = false;
  }

  private tidyRoots(): void {
    // A span object becomes a root only when it is added, so an entry that has since gained a parent or been
    // replaced is stale, and the filter cannot drop a current root.
    let kept = 0;
    for (const node of this.rootList) {
      if (node.parent === undefined && this.nodes.get(node.span.spanId) === node) this.rootList[kept++] = node;
    }
    this.rootList.length = kept;
    this.rootList.sort(compareSpans);
    this.rootsTidy = true;
    this.staleRoots = 0;
  }

  /** Orphans registered in `waiting`; a span naming itself as parent never is, or it would adopt itself. */
  private waitsForParent(node: StoredSpan): boolean {
    return node.orphan && node.span.parentSpanId !== node.span.spanId;
  }

  private addWaiting(parentId: string, node: StoredSpan): void {
    const siblings = this.waiting.get(parentId);
    if (siblings === undefined) this.waiting.set(parentId, [node]);
    else siblings.push(node);
  }

  private account(node: StoredSpan, sign: 1 | -1): void {
    const summary = this.summary;
    const ai = node.ai;
    summary.spanCount += sign;
    if (node.span.status.code === StatusCode.Error) summary.errorCount += sign;
    summary.callCounts[ai.kind] += sign;
    if (!isLlmUsage(ai.kind)) return;

    const input = (ai.inputTokens ?? 0) * sign;
    const output = (ai.outputTokens ?? 0) * sign;
    const cached = (ai.cachedTokens ?? 0) * sign;
    const reasoning = (ai.reasoningTokens ?? 0) * sign;
    summary.tokens.inputTokens += input;
    summary.tokens.outputTokens += output;
    summary.tokens.cachedTokens += cached;
    summary.tokens.reasoningTokens += reasoning;

    const model = ai.responseModel ?? ai.requestModel ?? 'unknown';
    let totals = this.models.get(model);
    if (totals === undefined) {
      totals = { model, calls: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
      this.models.set(model, totals);
    }
    totals.calls += sign;
    totals.inputTokens += input;
    totals.outputTokens += output;
    totals.cachedTokens += cached;
    totals.reasoningTokens += reasoning;
    if (totals.calls === 0) this.models.delete(model);
    this.modelsChanged = true;
  }

  private trackExtremes(node: StoredSpan): void {
    const span = node.span;
    if (this.earliestSpan === undefined || compareSpans(node, this.earliestSpan) < 0) this.earliestSpan = node;
    if (!span.parentSpanId && (this.earliestRoot === undefined || compareSpans(node, this.earliestRoot) < 0)) {
      this.earliestRoot = node;
    }
    if (span.endTimeUnixNano > this.latestEnd) this.latestEnd = span.endTimeUnixNano;
    this.anyService ??= serviceNameOf(span);
  }

  private rescan(): void {
    this.earliestSpan = undefined;
    this.earliestRoot = undefined;
    this.latestEnd = 0n;
    this.anyService = undefined;
    for (const node of this.nodes.values()) this.trackExtremes(node);
    this.rescanNeeded = false;
  }
}

function isAncestorOrSelf(candidate: StoredSpan, node: StoredSpan): boolean {
  for (let current: StoredSpan | undefined = node; current !== undefined; current = current.parent) {
    if (current === candidate) return true;
  }
  return false;
}

/** Newest first by start time; equal starts by trace id so the order is stable across refreshes. */
function compareTraces(a: StoredTrace, b: StoredTrace): number {
  const startA = a.summary.startTimeUnixNano;
  const startB = b.summary.startTimeUnixNano;
  if (startA !== startB) return startA > startB ? -1 : 1;
  const idA = a.summary.traceId;
  const idB = b.summary.traceId;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

export class TraceStore {
  private readonly changeEmitter = new Emitter<StoreChange>();
  readonly onDidChange: Event<StoreChange> = this.changeEmitter.event;

  /** Insertion order is update order: a trace is moved to the end whenever it changes, so eviction takes the first. */
  private readonly byId = new Map<string, StoredTrace>();
  private maxSpans: number;
  private totalSpans = 0;
  private evicted = 0;
  private sorted: StoredTrace[] | undefined;

  constructor(options: TraceStoreOptions) {
    this.maxSpans = checkBound('maxSpans', options.maxSpans);
  }

  get spanCount(): number {
    return this.totalSpans;
  }

  get traceCount(): number {
    return this.byId.size;
  }

  /** Traces evicted to respect `maxSpans` since the store was created or last cleared. */
  get evictedTraces(): number {
    return this.evicted;
  }

  ingest(spans: readonly Span[]): IngestResult {
    let duplicates = 0;
    const touched = new Set<StoredTrace>();
    let current: StoredTrace | undefined;
    for (const span of spans) {
      if (current === undefined || current.summary.traceId !== span.traceId) {
        current = this.byId.get(span.traceId);
        if (current === undefined) {
          current = new StoredTrace(span.traceId);
        } else {
          this.byId.delete(span.traceId);
        }
        this.byId.set(span.traceId, current);
        touched.add(current);
      }
      if (current.add(new StoredSpan(span, analyzeSpan(span)))) duplicates++;
      else this.totalSpans++;
    }
    if (touched.size === 0) return { accepted: 0, duplicates: 0 };

    for (const trace of touched) {
      if (trace.commit()) this.sorted = undefined;
    }
    const removed = this.evictToFit();
    const updated: string[] = [];
    for (const trace of touched) {
      if (this.byId.get(trace.summary.traceId) === trace) updated.push(trace.summary.traceId);
    }
    this.changeEmitter.fire({ updated, removed, cleared: false });
    return { accepted: spans.length, duplicates };
  }

  /** Newest first by trace start time. The returned array is the caller's. */
  traces(): TraceRecord[] {
    this.sorted ??= [...this.byId.values()].sort(compareTraces);
    return this.sorted.slice();
  }

  getTrace(traceId: string): TraceRecord | undefined {
    return this.byId.get(traceId);
  }

  clear(): void {
    const removed = [...this.byId.keys()];
    this.byId.clear();
    this.totalSpans = 0;
    this.evicted = 0;
    this.sorted = undefined;
    this.changeEmitter.fire({ updated: [], removed, cleared: true });
  }

  setMaxSpans(maxSpans: number): void {
    this.maxSpans = checkBound('maxSpans', maxSpans);
    const removed = this.evictToFit();
    if (removed.length > 0) this.changeEmitter.fire({ updated: [], removed, cleared: false });
  }

  private evictToFit(): string[] {
    const removed: string[] = [];
    for (const [traceId, trace] of this.byId) {
      // The last trace is the most recently updated one; it stays even when it alone exceeds the cap.
      if (this.totalSpans <= this.maxSpans || this.byId.size === 1) break;
      this.byId.delete(traceId);
      this.totalSpans -= trace.summary.spanCount;
      removed.push(traceId);
    }
    if (removed.length > 0) {
      this.evicted += removed.length;
      this.sorted = undefined;
    }
    return removed;
  }
}

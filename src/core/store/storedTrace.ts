/**
 * One trace in the TraceStore: its span tree, linked as spans arrive in any order, and its summary, kept
 * incrementally.
 *
 * Gateway spans: the gateway records each model call it forwards, so a call the app's instrumentation also recorded
 * appears twice, the gateway span beneath the app's LLM span (through `traceparent`, or joined by time: see
 * gatewayJoin.ts). The nearest app LLM span above a gateway span shows the gateway's figures where it lacks its own
 * (TTFT, TPOT, tokens) and counts the call; the gateway span then counts as a span but not as a call or as tokens.
 * A gateway span with no app LLM span above it counts itself.
 */
import { AI_KINDS, type AiKind } from '../../shared/aiKinds';
import type { ModelTotals } from '../../shared/tokens';
import { StatusCode, nanosToMillis, serviceNameOf } from '../model';
import { withGatewayFigures } from '../semantics/gateway';
import { appendsInOrder, compareSpans, isLlmUsage, StoredSpan } from './storedSpan';
import type { SpanNode, TraceRecord, TraceSummary } from './types';

function emptyCallCounts(): Record<AiKind, number> {
  const counts = {} as Record<AiKind, number>;
  for (const kind of AI_KINDS) counts[kind] = 0;
  return counts;
}

export class StoredTrace implements TraceRecord {
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
  private readonly gatewaySpans = new Set<StoredSpan>();
  /** App model calls showing a gateway span's figures, as of the last commit. */
  private hosts = new Set<StoredSpan>();
  /** Links changed since gateway spans were last given to their hosts. */
  private gatewaysStale = false;

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
      this.gatewaySpans.delete(previous);
    }
    this.nodes.set(spanId, node);
    this.account(node, 1);
    if (node.gateway) this.gatewaySpans.add(node);
    if (this.gatewaySpans.size > 0) this.gatewaysStale = true;
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
    if (this.gatewaysStale) this.resolveGateways();
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

  /**
   * The app's own model calls, which a gateway call without `traceparent` may join (gatewayJoin.ts). Looked up when a
   * join is tried rather than kept up to date: most traces never see a gateway call.
   */
  *appModelCalls(): Iterable<StoredSpan> {
    for (const node of this.nodes.values()) if (node.appModelCall) yield node;
  }

  /** The trace's only span when that is a gateway span with no parent: a call made without `traceparent`. */
  soleGatewayRoot(): StoredSpan | undefined {
    if (this.nodes.size !== 1) return undefined;
    const [node] = this.nodes.values();
    return node?.gateway === true && !node.span.parentSpanId ? node : undefined;
  }

  /** Whether `node` shows a gateway span's figures: a gateway span beneath it stands for its call. Read after commit. */
  showsGateway(node: StoredSpan): boolean {
    return this.hosts.has(node);
  }

  /**
   * Gives each gateway span to the nearest app model call above it, which shows the gateway's figures where it lacks
   * its own, and stops counting the gateway span as a call. Redone at commit, since every late parent can change
   * what is above a span; it costs the gateway spans times their depth, and nothing in a trace without any.
   */
  private resolveGateways(): void {
    const shown = new Map<StoredSpan, StoredSpan>();
    for (const gateway of this.gatewaySpans) {
      const host = appModelCallAbove(gateway);
      if (host !== gateway.host) this.recount(gateway, () => (gateway.host = host));
      if (host === undefined) continue;
      const current = shown.get(host);
      if (current === undefined || shownBefore(gateway, current)) shown.set(host, gateway);
    }
    for (const host of this.hosts) {
      // A replaced span left the counts when it was replaced.
      if (!shown.has(host) && this.nodes.get(host.span.spanId) === host) this.recount(host, () => (host.ai = host.own));
    }
    for (const [host, gateway] of shown) {
      this.recount(host, () => (host.ai = withGatewayFigures(host.own, gateway.own)));
    }
    this.hosts = new Set(shown.keys());
    this.gatewaysStale = false;
  }

  /** Takes `node` out of the summary, applies a change to how it counts, and puts it back. */
  private recount(node: StoredSpan, change: () => void): void {
    this.account(node, -1);
    change();
    this.account(node, 1);
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
    if (node.host !== undefined) {
      // The host counts this call. The span counts as `other`, so that the kinds still add up to the span count.
      summary.callCounts.other += sign;
      return;
    }
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
      totals = {
        model,
        calls: 0,
        inputTokens: 0,
        outputTokens: 0,
        cachedTokens: 0,
        reasoningTokens: 0,
        estimatedCalls: 0,
      };
      this.models.set(model, totals);
    }
    totals.calls += sign;
    totals.inputTokens += input;
    totals.outputTokens += output;
    totals.cachedTokens += cached;
    totals.reasoningTokens += reasoning;
    if (ai.tokensEstimated === true) totals.estimatedCalls += sign;
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

/** The nearest app model call above a gateway span: the same call, as the app's instrumentation saw it. */
function appModelCallAbove(node: StoredSpan): StoredSpan | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (current.appModelCall) return current;
  }
  return undefined;
}

/**
 * Which of two gateway spans under one app call shows its figures (an SDK's retries are calls under one span): one
 * that succeeded over one that failed, then the later.
 */
function shownBefore(a: StoredSpan, b: StoredSpan): boolean {
  const failedA = a.span.status.code === StatusCode.Error;
  const failedB = b.span.status.code === StatusCode.Error;
  if (failedA !== failedB) return failedB;
  return compareSpans(a, b) > 0;
}

function isAncestorOrSelf(candidate: StoredSpan, node: StoredSpan): boolean {
  for (let current: StoredSpan | undefined = node; current !== undefined; current = current.parent) {
    if (current === candidate) return true;
  }
  return false;
}

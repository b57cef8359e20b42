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
 *
 * A gateway call made without `traceparent` arrives as a trace of one span; when it joins an app's model call
 * (gatewayJoin.ts), its span moves into that call's trace as the call's child, and its own trace is removed, listed in
 * the change event like an evicted one (but not counted as evicted).
 *
 * An ingest of spans `older` than everything held (the durable store loaded newest first) places the traces it adds
 * as the least recently updated, in the order of the spans, and leaves the traces it adds to where they were.
 */
import { Emitter, type Event } from '../events';
import type { Span } from '../model';
import { analyzeSpan } from '../semantics/analyze';
import { checkBound } from './bound';
import { couldBeSameCall, joinTarget, type JoinTarget } from './gatewayJoin';
import { StoredSpan } from './storedSpan';
import { StoredTrace } from './storedTrace';
import type { IngestResult, StoreChange, TraceRecord } from './types';

export interface TraceStoreOptions {
  maxSpans: number;
}

export interface IngestOptions {
  /** The spans arrived before every span held: new traces go first in eviction order, the others keep their place. */
  older?: boolean;
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
  private byId = new Map<string, StoredTrace>();
  private maxSpans: number;
  private totalSpans = 0;
  private evicted = 0;
  private sorted: StoredTrace[] | undefined;
  /** Traces that are one gateway span without a parent, by id: the calls that may still join an app's trace. */
  private readonly loneGatewayCalls = new Map<string, StoredTrace>();

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

  /** The bound on `spanCount` beyond which traces are evicted. */
  get spanBound(): number {
    return this.maxSpans;
  }

  ingest(spans: readonly Span[], options?: IngestOptions): IngestResult {
    const older = options?.older === true;
    let duplicates = 0;
    const touched = new Set<StoredTrace>();
    let current: StoredTrace | undefined;
    // Traces an older ingest adds, kept apart until the loop ends and then put before the others.
    const added = new Map<string, StoredTrace>();
    // App model calls of this ingest that a stored lone gateway call may belong to; none to look for without one.
    const newCalls: StoredSpan[] = [];
    const joinable = this.loneGatewayCalls.size > 0;
    for (const span of spans) {
      if (current === undefined || current.summary.traceId !== span.traceId) {
        const traceId = span.traceId;
        current = this.byId.get(traceId);
        if (older) {
          current ??= added.get(traceId);
          if (current === undefined) {
            current = new StoredTrace(traceId);
            added.set(traceId, current);
          }
        } else {
          if (current === undefined) current = new StoredTrace(traceId);
          else this.byId.delete(traceId);
          this.byId.set(traceId, current);
        }
        touched.add(current);
      }
      const node = new StoredSpan(span, analyzeSpan(span));
      if (current.add(node)) duplicates++;
      else this.totalSpans++;
      if (joinable && node.appModelCall) newCalls.push(node);
    }
    if (touched.size === 0) return { accepted: 0, duplicates: 0 };
    // One rebuild per ingest: the loader's batches are large, so this costs little per span.
    if (added.size > 0) this.byId = new Map([...added, ...this.byId]);

    for (const trace of touched) {
      if (trace.commit()) this.sorted = undefined;
    }
    const joined = this.joinGatewayCalls(touched, newCalls, older);
    const removed = joined.concat(this.evictToFit());
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
    this.loneGatewayCalls.clear();
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

  /**
   * Joins lone gateway calls to the app model calls they belong to, whichever arrived first: the calls among the
   * touched traces, and those that an app model call of this ingest contains. Adds the traces that gained a gateway
   * span to `touched`; returns the ids of the traces joined away. Committed traces only (`joinTarget`). In an older
   * ingest the traces joined to keep their place.
   */
  private joinGatewayCalls(touched: Set<StoredTrace>, newCalls: readonly StoredSpan[], older: boolean): string[] {
    const candidates = new Set<StoredTrace>();
    for (const trace of touched) {
      const traceId = trace.summary.traceId;
      if (trace.soleGatewayRoot() === undefined) {
        this.loneGatewayCalls.delete(traceId);
      } else {
        this.loneGatewayCalls.set(traceId, trace);
        candidates.add(trace);
      }
    }
    if (newCalls.length > 0) {
      for (const lone of this.loneGatewayCalls.values()) {
        const gateway = lone.soleGatewayRoot()!;
        if (newCalls.some((call) => couldBeSameCall(call, gateway))) candidates.add(lone);
      }
    }
    const joined: string[] = [];
    for (const lone of candidates) {
      const target = joinTarget(lone.soleGatewayRoot()!, this.byId.values());
      if (target === undefined) continue;
      this.moveGatewayCall(lone, target, older);
      touched.add(target.trace);
      joined.push(lone.summary.traceId);
    }
    return joined;
  }

  /** Moves a lone gateway call's span under the app model call it joins, and drops its own trace. */
  private moveGatewayCall(lone: StoredTrace, { trace, call }: JoinTarget, older: boolean): void {
    const gateway = lone.soleGatewayRoot()!;
    const loneId = lone.summary.traceId;
    this.byId.delete(loneId);
    this.loneGatewayCalls.delete(loneId);
    // Re-addressed, so that the span's own ids say where it now is (tree rows and details are named by them).
    const span: Span = { ...gateway.span, traceId: call.span.traceId, parentSpanId: call.span.spanId };
    if (trace.add(new StoredSpan(span, gateway.own))) this.totalSpans--;
    if (!older) {
      // Now the most recently updated trace, the last to be evicted.
      this.byId.delete(trace.summary.traceId);
      this.byId.set(trace.summary.traceId, trace);
    }
    trace.commit();
    this.sorted = undefined;
  }

  private evictToFit(): string[] {
    const removed: string[] = [];
    for (const [traceId, trace] of this.byId) {
      // The last trace is the most recently updated one; it stays even when it alone exceeds the cap.
      if (this.totalSpans <= this.maxSpans || this.byId.size === 1) break;
      this.byId.delete(traceId);
      this.loneGatewayCalls.delete(traceId);
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

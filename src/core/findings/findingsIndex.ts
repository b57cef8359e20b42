/**
 * The findings of every trace in a TraceStore, kept up to date from its change events: `update(change)` re-evaluates
 * the traces a change lists as updated (each costing in proportion to its own spans), drops the removed ones, and
 * fires `onDidChange` with the traces whose findings changed. Debouncing bursts of changes is the host's job.
 */
import { Emitter, type Event } from '../events';
import type { StoreChange, TraceRecord } from '../store/types';
import { evaluateTrace } from './evaluate';
import { TtftStats } from './ttftStats';
import { compareFindings, DEFAULT_FINDINGS_OPTIONS, type Finding, type FindingsOptions } from './types';

export interface FindingsChange {
  /** Traces whose findings were replaced (possibly by none). */
  readonly updated: readonly string[];
  /** Traces gone from the store, with whatever findings they had. */
  readonly removed: readonly string[];
}

/** What the index needs of the store. */
export interface TraceSource {
  getTrace(traceId: string): TraceRecord | undefined;
  traces(): TraceRecord[];
}

const NONE: readonly Finding[] = [];

export class FindingsIndex {
  private readonly changeEmitter = new Emitter<FindingsChange>();
  readonly onDidChange: Event<FindingsChange> = this.changeEmitter.event;

  private readonly byTrace = new Map<string, readonly Finding[]>();
  private readonly ttft = new TtftStats();
  private total = 0;

  constructor(
    private readonly source: TraceSource,
    private options: FindingsOptions = DEFAULT_FINDINGS_OPTIONS,
  ) {}

  /** Findings in all traces. */
  get count(): number {
    return this.total;
  }

  /** A trace's findings, most severe first; empty when it has none or is unknown. */
  forTrace(traceId: string): readonly Finding[] {
    return this.byTrace.get(traceId) ?? NONE;
  }

  /** Every finding, most severe first. */
  all(): Finding[] {
    return [...this.byTrace.values()].flat().sort(compareFindings);
  }

  /** Applies one store change (or several merged by the host's debounce). */
  update(change: StoreChange): void {
    const removed: string[] = [];
    if (change.cleared) {
      for (const traceId of this.byTrace.keys()) if (!change.updated.includes(traceId)) removed.push(traceId);
      this.byTrace.clear();
      this.ttft.clear();
      this.total = 0;
    }
    for (const traceId of change.removed) {
      this.ttft.removeTrace(traceId);
      if (this.drop(traceId)) removed.push(traceId);
    }
    // A removed trace can be listed as updated too when changes were merged; the store says whether it is still there.
    const updated: TraceRecord[] = [];
    for (const traceId of change.updated) {
      const trace = this.source.getTrace(traceId);
      if (trace === undefined) {
        this.ttft.removeTrace(traceId);
        if (this.drop(traceId)) removed.push(traceId);
      } else updated.push(trace);
    }
    for (const trace of updated) this.store(trace.summary.traceId, this.evaluate(trace));
    if (updated.length > 0 || removed.length > 0) {
      this.changeEmitter.fire({ updated: updated.map((trace) => trace.summary.traceId), removed });
    }
  }

  /** Evaluates every trace of the store again: at start, and when the options change. */
  reset(options: FindingsOptions = this.options): void {
    this.options = options;
    this.ttft.clear();
    const traceIds = this.source.traces().map((trace) => trace.summary.traceId);
    const current = new Set(traceIds);
    const gone = [...this.byTrace.keys()].filter((traceId) => !current.has(traceId));
    this.update({ updated: traceIds, removed: gone, cleared: false });
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private evaluate(trace: TraceRecord): Finding[] {
    const findings = evaluateTrace(trace, this.options, this.ttft);
    return findings.length > 1 ? findings.sort(compareFindings) : findings;
  }

  private store(traceId: string, findings: readonly Finding[]): void {
    this.total += findings.length - (this.byTrace.get(traceId)?.length ?? 0);
    if (findings.length === 0) this.byTrace.delete(traceId);
    else this.byTrace.set(traceId, findings);
  }

  private drop(traceId: string): boolean {
    const findings = this.byTrace.get(traceId);
    if (findings === undefined) return false;
    this.total -= findings.length;
    this.byTrace.delete(traceId);
    return true;
  }
}

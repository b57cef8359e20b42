/**
 * The findings of every trace in a TraceStore, kept up to date from its change events: `update(change)` re-evaluates
 * the traces a change lists as updated (each costing in proportion to its own spans) and the sessions they belong to
 * (sessionGrowth.ts: one `context-growth` finding per session, in the trace holding the call it flags), drops the
 * removed ones, and fires `onDidChange` with the traces whose findings changed. Debouncing bursts of changes is the
 * host's job.
 */
import { Emitter, type Event } from '../events';
import { sessionIdOfTrace } from '../sessions';
import type { SpanNode, StoreChange, TraceRecord } from '../store/types';
import { evaluateTrace } from './evaluate';
import { ServerSampleWindow } from './serverSaturated';
import { repeatsRunFinding, SessionGrowth } from './sessionGrowth';
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

/** Traces evaluated again at most per batch of model-server samples, newest first: the work stays bounded. */
const MAX_TRACES_PER_SERVER_CHANGE = 200;

export class FindingsIndex {
  private readonly changeEmitter = new Emitter<FindingsChange>();
  readonly onDidChange: Event<FindingsChange> = this.changeEmitter.event;

  /** What `forTrace` answers: each trace's own findings and the session finding it holds. */
  private readonly byTrace = new Map<string, readonly Finding[]>();
  /** Each trace's own findings, from its last evaluation. */
  private readonly own = new Map<string, readonly Finding[]>();
  private readonly sessions = new SessionGrowth();
  private readonly ttft = new TtftStats();
  private readonly serverSamples = new ServerSampleWindow();
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
    const sessions = new Set<string>();
    if (change.cleared) {
      for (const traceId of this.byTrace.keys()) if (!change.updated.includes(traceId)) removed.push(traceId);
      this.byTrace.clear();
      this.own.clear();
      this.sessions.clear();
      this.ttft.clear();
      this.total = 0;
    }
    for (const traceId of change.removed) {
      if (this.drop(traceId, sessions)) removed.push(traceId);
    }
    // A removed trace can be listed as updated too when changes were merged; the store says whether it is still there.
    const updated = new Set<string>();
    for (const traceId of change.updated) {
      const trace = this.source.getTrace(traceId);
      if (trace === undefined) {
        if (this.drop(traceId, sessions)) removed.push(traceId);
        continue;
      }
      updated.add(traceId);
      const calls: SpanNode[] = [];
      this.own.set(traceId, evaluateTrace(trace, this.options, this.ttft, calls));
      // A trace without model calls adds nothing to its session's growth: its session id is not worth the walk.
      const sessionId = calls.length > 0 ? sessionIdOfTrace(trace) : undefined;
      for (const affected of this.sessions.setTrace(traceId, sessionId, calls)) sessions.add(affected);
    }
    // A session's finding can move to another of its traces, which changes that trace's findings too.
    for (const sessionId of sessions) {
      for (const traceId of this.sessions.evaluate(sessionId, this.options).changedTraces) {
        if (this.own.has(traceId)) updated.add(traceId);
      }
    }
    for (const traceId of updated) this.store(traceId);
    if (updated.size > 0 || removed.length > 0) this.changeEmitter.fire({ updated: [...updated], removed });
  }

  /**
   * New model-server samples of `targets` arrived: the traces with LLM calls in the time they cover are evaluated
   * again (`server-saturated`), the newest `MAX_TRACES_PER_SERVER_CHANGE` of them.
   */
  serversChanged(targets: readonly string[]): void {
    const servers = this.options.modelServers;
    if (servers === undefined || this.options.disabled.has('server-saturated')) return;
    const window = servers.sampleCount === 0 ? undefined : this.serverSamples.newSince(servers, targets);
    if (window === undefined) return;
    const updated: string[] = [];
    for (const trace of this.source.traces()) {
      const { traceId, startTimeUnixNano, endTimeUnixNano, callCounts } = trace.summary;
      if (callCounts.llm === 0 || startTimeUnixNano > window.to || endTimeUnixNano < window.from) continue;
      updated.push(traceId);
      if (updated.length === MAX_TRACES_PER_SERVER_CHANGE) break;
    }
    if (updated.length > 0) this.update({ updated, removed: [], cleared: false });
  }

  /** Evaluates every trace of the store again: at start, and when the options change. */
  reset(options: FindingsOptions = this.options): void {
    this.options = options;
    this.serverSamples.clear();
    this.ttft.clear();
    this.sessions.clear();
    const traceIds = this.source.traces().map((trace) => trace.summary.traceId);
    const current = new Set(traceIds);
    const gone = [...this.byTrace.keys()].filter((traceId) => !current.has(traceId));
    this.update({ updated: traceIds, removed: gone, cleared: false });
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  /** Sets what `forTrace` answers from the trace's own findings and the session finding it holds. */
  private store(traceId: string): void {
    const own = this.own.get(traceId) ?? NONE;
    const session = this.sessions.findingIn(traceId);
    const findings = session === undefined || repeatsRunFinding(own, session) ? [...own] : [...own, session];
    if (findings.length > 1) findings.sort(compareFindings);
    this.total += findings.length - (this.byTrace.get(traceId)?.length ?? 0);
    if (findings.length === 0) this.byTrace.delete(traceId);
    else this.byTrace.set(traceId, findings);
  }

  /** Forgets a trace, noting its session to evaluate again; true when it had findings. */
  private drop(traceId: string, sessions: Set<string>): boolean {
    this.ttft.removeTrace(traceId);
    this.own.delete(traceId);
    const sessionId = this.sessions.removeTrace(traceId);
    if (sessionId !== undefined) sessions.add(sessionId);
    const findings = this.byTrace.get(traceId);
    if (findings === undefined) return false;
    this.total -= findings.length;
    this.byTrace.delete(traceId);
    return true;
  }
}

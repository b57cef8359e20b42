/**
 * `context-growth` across a session (a conversation whose turns are separate traces, core/sessions.ts): the session's
 * LLM calls over all its traces in start order, flagged once per session at the first call whose input crossed the
 * factor or the size. Each trace's calls are kept as its last evaluation left them, so a change to one trace
 * re-evaluates only its session.
 */
import type { SpanNode } from '../store/types';
import { byStart, CONTEXT_GROWTH_HINT, contextGrowthCrossing, contextGrowthMessage } from './groupRules';
import type { Finding, FindingsOptions } from './types';

interface TraceCalls {
  readonly sessionId: string;
  /** The trace's LLM calls that report input tokens. */
  readonly calls: readonly SpanNode[];
}

/** What `evaluate` found, and the traces whose session finding it added or took away. */
export interface SessionEvaluation {
  readonly finding: Finding | undefined;
  readonly changedTraces: readonly string[];
}

export class SessionGrowth {
  private readonly traces = new Map<string, TraceCalls>();
  private readonly members = new Map<string, Set<string>>();
  private readonly bySession = new Map<string, Finding>();
  private readonly byTrace = new Map<string, Finding>();

  /** Sets a trace's session and LLM calls; returns the sessions to evaluate again (its old one and its new one). */
  setTrace(traceId: string, sessionId: string | undefined, calls: readonly SpanNode[]): string[] {
    const before = this.removeTrace(traceId);
    const affected = before === undefined ? [] : [before];
    if (sessionId === undefined) return affected;
    const withInput = calls.filter((call) => call.ai.inputTokens !== undefined);
    this.traces.set(traceId, { sessionId, calls: withInput });
    let members = this.members.get(sessionId);
    if (members === undefined) this.members.set(sessionId, (members = new Set()));
    members.add(traceId);
    if (sessionId !== before) affected.push(sessionId);
    return affected;
  }

  /** Forgets a trace; returns the session it was in. */
  removeTrace(traceId: string): string | undefined {
    const known = this.traces.get(traceId);
    if (known === undefined) return undefined;
    this.traces.delete(traceId);
    const members = this.members.get(known.sessionId);
    members?.delete(traceId);
    if (members?.size === 0) this.members.delete(known.sessionId);
    return known.sessionId;
  }

  sessionIds(): IterableIterator<string> {
    return this.members.keys();
  }

  /** The session finding that sits in this trace, if any. */
  findingIn(traceId: string): Finding | undefined {
    return this.byTrace.get(traceId);
  }

  /** Evaluates a session's calls again, and says which traces gained or lost its finding. */
  evaluate(sessionId: string, options: FindingsOptions): SessionEvaluation {
    const previous = this.bySession.get(sessionId);
    const finding = this.find(sessionId, options);
    if (sameFinding(previous, finding)) return { finding: previous, changedTraces: [] };
    const changedTraces: string[] = [];
    if (previous !== undefined) {
      this.byTrace.delete(previous.traceId);
      changedTraces.push(previous.traceId);
    }
    if (finding === undefined) this.bySession.delete(sessionId);
    else {
      this.bySession.set(sessionId, finding);
      this.byTrace.set(finding.traceId, finding);
      if (finding.traceId !== previous?.traceId) changedTraces.push(finding.traceId);
    }
    return { finding, changedTraces };
  }

  clear(): void {
    this.traces.clear();
    this.members.clear();
    this.bySession.clear();
    this.byTrace.clear();
  }

  private find(sessionId: string, options: FindingsOptions): Finding | undefined {
    const members = this.members.get(sessionId);
    if (members === undefined || options.disabled.has('context-growth')) return undefined;
    const calls: SpanNode[] = [];
    for (const traceId of members) calls.push(...this.traces.get(traceId)!.calls);
    const crossing = contextGrowthCrossing(calls.sort(byStart), options);
    if (crossing === undefined) return undefined;
    const { span } = crossing.call;
    return {
      rule: 'context-growth',
      severity: 'warning',
      traceId: span.traceId,
      spanId: span.spanId,
      message: contextGrowthMessage(crossing, `session ${sessionId}`),
      hint: CONTEXT_GROWTH_HINT,
    };
  }
}

/** Whether a trace's own findings already flag the call a session finding would: its agent run crossed there too. */
export function repeatsRunFinding(own: readonly Finding[], finding: Finding): boolean {
  return own.some((found) => found.rule === finding.rule && found.spanId === finding.spanId);
}

function sameFinding(a: Finding | undefined, b: Finding | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.traceId === b.traceId && a.spanId === b.spanId && a.message === b.message;
}

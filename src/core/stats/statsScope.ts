/**
 * Which traces the Statistics view covers: every trace held, the selected conversation's turns, or the selected trace.
 * A scope whose traces are gone (cleared, evicted) falls back to every trace rather than showing an empty table.
 */
import type { StatsScope } from '../../shared/statsProtocol';
import { sessionIdOfTrace } from '../sessions';
import type { TraceStore } from '../store/traceStore';
import type { TraceRecord } from '../store/types';

/** What the user chose, through the Traces view's selection or the page's "all traces" button. */
export type ScopeChoice =
  | { readonly kind: 'all' }
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'trace'; readonly traceId: string };

export function resolveStatsScope(
  store: TraceStore,
  choice: ScopeChoice,
): { scope: StatsScope; traces: readonly TraceRecord[] } {
  if (choice.kind === 'trace') {
    const trace = store.getTrace(choice.traceId);
    if (trace !== undefined) {
      return { scope: { kind: 'trace', traceId: choice.traceId, name: trace.summary.rootName }, traces: [trace] };
    }
  }
  const all = store.traces();
  if (choice.kind === 'session') {
    const turns = all.filter((trace) => sessionIdOfTrace(trace) === choice.sessionId);
    if (turns.length > 0) {
      return { scope: { kind: 'session', sessionId: choice.sessionId, traces: turns.length }, traces: turns };
    }
  }
  return { scope: { kind: 'all', traces: all.length }, traces: all };
}

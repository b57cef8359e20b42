/**
 * The evaluations of the stored traces by span, for the views: read from the trace store (span events) and the log
 * store (log records) when first asked for a trace, and kept until either store says that trace changed. Its change
 * event names the traces whose evaluations may have changed, so views refresh those rows only; it computes nothing on
 * a change, since most traces are never looked at.
 */
import { Emitter, type Disposable, type Event } from '../events';
import type { LogStore } from '../store/logStore';
import type { TraceStore } from '../store/traceStore';
import type { SpanEvaluation } from '../../shared/evaluations';
import { evaluationsOfTrace } from './evaluationEvents';

export interface EvaluationsChange {
  /** Traces whose evaluations may have changed (gained spans or records, or left the stores). */
  readonly updated: readonly string[];
}

const NONE: readonly SpanEvaluation[] = [];

export class EvaluationIndex implements Disposable {
  private readonly changeEmitter = new Emitter<EvaluationsChange>();
  readonly onDidChange: Event<EvaluationsChange> = this.changeEmitter.event;
  private readonly byTrace = new Map<string, Map<string, SpanEvaluation[]>>();
  private readonly subscriptions: Disposable[];

  constructor(
    private readonly traces: TraceStore,
    private readonly logs: LogStore,
  ) {
    this.subscriptions = [
      traces.onDidChange((change) => this.forget(change.cleared, [...change.updated, ...change.removed])),
      logs.onDidChange((change) => this.forget(change.cleared, change.updatedTraces)),
    ];
  }

  /** The span's evaluations, in the order they happened. */
  forSpan(traceId: string, spanId: string): readonly SpanEvaluation[] {
    return this.bySpan(traceId).get(spanId) ?? NONE;
  }

  /** Every evaluation of the trace, span by span in tree order. */
  forTrace(traceId: string): readonly SpanEvaluation[] {
    return [...this.bySpan(traceId).values()].flat();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }

  private bySpan(traceId: string): ReadonlyMap<string, SpanEvaluation[]> {
    let evaluations = this.byTrace.get(traceId);
    if (evaluations === undefined) {
      const trace = this.traces.getTrace(traceId);
      evaluations = trace === undefined ? new Map() : evaluationsOfTrace(trace, this.logs.forTrace(traceId));
      // A trace not (yet) stored is not cached: its spans may arrive after its records.
      if (trace !== undefined) this.byTrace.set(traceId, evaluations);
    }
    return evaluations;
  }

  private forget(cleared: boolean, traceIds: readonly string[]): void {
    if (cleared) {
      const all = [...this.byTrace.keys()];
      this.byTrace.clear();
      this.changeEmitter.fire({ updated: all });
      return;
    }
    const updated = traceIds.filter((traceId) => traceId !== '');
    if (updated.length === 0) return;
    for (const traceId of updated) this.byTrace.delete(traceId);
    this.changeEmitter.fire({ updated });
  }
}

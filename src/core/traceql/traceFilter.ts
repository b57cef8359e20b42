/**
 * A TraceQL query narrowing a list of traces, as the Traces view applies it: each trace is matched once per version,
 * so a refresh re-evaluates only the traces that changed since.
 */
import type { TraceRecord } from '../store/types';
import type { TraceQuery } from './index';

interface Match {
  readonly version: number;
  readonly spanIds: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();

export class TraceFilter {
  private readonly matches = new Map<string, Match>();

  constructor(readonly query: TraceQuery) {}

  /** The ids of `trace`'s spans the query selects; empty when the trace does not match. */
  matchingSpans(trace: TraceRecord): ReadonlySet<string> {
    const { traceId, version } = trace.summary;
    const cached = this.matches.get(traceId);
    if (cached?.version === version) return cached.spanIds;
    const spans = this.query.matchTrace(trace);
    const spanIds = spans.length === 0 ? NONE : new Set(spans.map((node) => node.span.spanId));
    this.matches.set(traceId, { version, spanIds });
    return spanIds;
  }

  matchesTrace(trace: TraceRecord): boolean {
    return this.matchingSpans(trace).size > 0;
  }

  /** Lets go of traces the store no longer holds. */
  forget(traceIds: Iterable<string>): void {
    for (const traceId of traceIds) this.matches.delete(traceId);
  }

  clear(): void {
    this.matches.clear();
  }
}

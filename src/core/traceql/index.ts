/**
 * TraceQL, the trace query language of Grafana Tempo, over the traces in the store: the Traces view's filter and
 * `ai-trace-lens query` run it. A subset: spanset filters `{ … }` with `&&`, `||`, `!` and parentheses; comparisons
 * `= != > >= < <= =~ !~` over strings, numbers, durations, booleans, nil, statuses and kinds; Tempo's intrinsics;
 * span, resource, instrumentation and unscoped attributes; the AI scope of fields.ts (`.ai.kind`, `.ai.ttft`, …);
 * and between spansets `&&`, `||` and the structural operators. Refused with a TraceQLError that names them:
 * pipelines (`| count() > 2`, `| select(…)`, `| by(…)`, metrics), arithmetic, and the parent, event and link scopes.
 * The query is compiled to closures once, so matching a trace does not walk the syntax tree again.
 */
import type { SpanNode, TraceRecord } from '../store/types';
import { traceContext } from './fields';
import { compileSpanset } from './spansets';
import { parseSyntax } from './syntax';

export { AI_FIELDS, type AiField } from './fields';
export { caretLines, TraceQLError } from './traceqlError';

export interface TraceQuery {
  readonly text: string;
  /** The spans of `trace` that satisfy the query, in pre-order; empty when the trace does not match. */
  matchTrace(trace: TraceRecord): SpanNode[];
}

/** Parses; throws TraceQLError on bad syntax or an unsupported construct (its message names which). */
export function parseTraceQL(text: string): TraceQuery {
  const evaluate = compileSpanset(text, parseSyntax(text));
  return {
    text,
    matchTrace(trace) {
      const spans = trace.spans();
      const selected = evaluate(traceContext(trace), spans);
      return selected.size === 0 ? [] : spans.filter((node) => selected.has(node));
    },
  };
}

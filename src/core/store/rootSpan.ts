import type { SpanNode, TraceRecord } from './types';

/** The span a trace stands for (its row's details, its description's kind): the real root, else the earliest top-level span. */
export function rootSpanOf(trace: TraceRecord): SpanNode | undefined {
  return trace.roots.find((node) => !node.orphan) ?? trace.roots[0];
}

/**
 * What every tool shares: the character budget of a result, cutting a result to it with a note on how to get the
 * rest, and finding the trace, span or TraceQL query a model names, with errors that say how to get a valid one.
 */
import { plural } from '../../shared/format';
import type { SpanNode, TraceRecord } from '../store/types';
import { caretLines, parseTraceQL, TraceQLError, type TraceQuery } from '../traceql';
import { AgentToolError, type AgentToolSources } from './types';

/**
 * Characters in one tool result, about 4,000 tokens: small enough that an agent can hold several results in its
 * context next to the code it is reading (Claude Code warns from 10,000 tokens per MCP result), big enough for a
 * typical agent run's trace in full.
 */
export const RESULT_CHARS = 16_000;

/** A trace id prefix shorter than this is refused: it would match too much to be meant. */
const MIN_ID_PREFIX = 6;

/** `text` within `budget` characters, cut at a line end when one is near, with `more` saying how to get the rest. */
export function clip(text: string, more: string, budget = RESULT_CHARS): string {
  if (text.length <= budget) return text;
  const note = `\n… cut at ${budget.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters. ${more}`;
  const room = Math.max(0, budget - note.length);
  const lineEnd = text.lastIndexOf('\n', room);
  return text.slice(0, lineEnd > room * 0.8 ? lineEnd : room) + note;
}

/** A trace by its id or a unique prefix of it (models often shorten ids). */
export function findTrace(sources: AgentToolSources, id: string): TraceRecord {
  const wanted = id.toLowerCase();
  const exact = sources.traces.getTrace(wanted);
  if (exact !== undefined) return exact;
  const matches =
    wanted.length < MIN_ID_PREFIX ? [] : sources.traces.traces().filter((t) => t.summary.traceId.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  const held = plural(sources.traces.traceCount, 'trace');
  if (matches.length > 1) {
    throw new AgentToolError(`"${id}" starts ${matches.length} trace ids; pass more of it (the store holds ${held}).`);
  }
  throw new AgentToolError(
    `No trace "${id}" in the store (it holds ${held}). Call list_traces for the ids of the traces it holds.`,
  );
}

/** A span of `trace` by its id. */
export function findSpan(trace: TraceRecord, id: string): SpanNode {
  const node = trace.getSpan(id.toLowerCase());
  if (node !== undefined) return node;
  throw new AgentToolError(
    `Trace ${trace.summary.traceId} has no span "${id}" (it has ${plural(trace.summary.spanCount, 'span')}). ` +
      'Call get_trace for its span ids.',
  );
}

/** A TraceQL query; a bad one is an error showing where it went wrong. */
export function parseQuery(text: string): TraceQuery {
  try {
    return parseTraceQL(text);
  } catch (error) {
    if (!(error instanceof TraceQLError)) throw error;
    throw new AgentToolError(`The TraceQL query does not parse: ${error.message}\n${caretLines(text, error)}`);
  }
}

/** The traces the query matches (all without one), newest first. */
export function newestFirst(sources: AgentToolSources, query: TraceQuery | undefined): TraceRecord[] {
  const traces = sources.traces.traces().sort((a, b) => {
    const startA = a.summary.startTimeUnixNano;
    const startB = b.summary.startTimeUnixNano;
    if (startA !== startB) return startA > startB ? -1 : 1;
    return a.summary.traceId < b.summary.traceId ? -1 : 1;
  });
  return query === undefined ? traces : traces.filter((trace) => query.matchTrace(trace).length > 0);
}

/** `, 2 findings (1 error)`: the count and the worst severity; empty without findings. */
export function findingsNote(sources: AgentToolSources, traceId: string): string {
  const list = sources.findings.forTrace(traceId);
  if (list.length === 0) return '';
  return ` · ${plural(list.length, 'finding')} (worst: ${list[0]!.severity})`;
}

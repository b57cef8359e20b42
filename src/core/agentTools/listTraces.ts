/** `list_traces`: the newest traces, optionally those a TraceQL query matches, one line each with its figures and id. */
import { formatCostTotals, formatDuration, formatTokenFlow, plural } from '../../shared/format';
import { isoTime, oneLine } from '../spanDetailsText';
import type { TraceRecord } from '../store/types';
import { integerInput, optionalString } from './input';
import { clip, findingsNote, newestFirst, parseQuery } from './lookup';
import type { AgentTool, AgentToolSources } from './types';

const LIMIT = {
  type: 'integer',
  description: 'How many traces to list, newest first (default 20).',
  minimum: 1,
  maximum: 200,
} as const;

export const listTracesTool: AgentTool = {
  name: 'list_traces',
  title: 'List recent traces',
  userDescription: 'Lists the newest traces AI Trace Lens recorded, optionally those a TraceQL query selects.',
  description:
    'Lists the most recent traces (runs of the app: agent runs, LLM calls, requests) that AI Trace Lens recorded, ' +
    'newest first, one line each: trace id, start time, root span name, service, duration, errors, LLM calls, ' +
    'tokens, cost and how many findings (detected problems such as tool loops, errors, truncated answers). ' +
    'Start here to find a run, e.g. "the last run" or "the slow one", then pass its trace id to get_trace. ' +
    'Optional TraceQL query (Grafana Tempo syntax) keeps the traces with a matching span, e.g. ' +
    '{ status = error }, { duration > 5s }, { .ai.kind = "llm" && .ai.ttft > 2s }, { .ai.tool = "search" }, ' +
    '{ resource.service.name = "api" }, { .ai.tokens.input > 10000 }.',
  inputSchema: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'A TraceQL query; only traces with a span it selects are listed.' },
      limit: LIMIT,
    },
    additionalProperties: false,
  },
  run(sources, input) {
    const text = optionalString(input, 'query');
    const limit = integerInput(input, 'limit', LIMIT, 20);
    const traces = newestFirst(sources, text === undefined ? undefined : parseQuery(text));
    const held = sources.traces.traceCount;
    const matching = text === undefined ? '' : ` matching ${text}`;
    if (traces.length === 0) {
      return held === 0
        ? 'No traces recorded yet. Run the app with its OpenTelemetry exporter pointed at AI Trace Lens, then ask again.'
        : `None of the ${plural(held, 'trace')} matches ${text}.`;
    }
    const shown = traces.slice(0, limit);
    const more = traces.length - shown.length;
    const header = `${plural(traces.length, 'trace')}${matching}, newest first${more > 0 ? `, the ${shown.length} newest` : ''}:`;
    const lines = [header, ...shown.map((trace) => traceLine(sources, trace))];
    if (more > 0) lines.push(`… and ${plural(more, 'older trace')}: raise limit or narrow the query to see them.`);
    return clip(lines.join('\n'), 'Lower limit or narrow the query to see fewer traces in full.');
  },
};

/** `<trace id>  <start>  <root> · <service> · 4.86 s · 1 error · 2 LLM calls · 1.3k→96 tok · $0.0041 · 2 findings`. */
export function traceLine(sources: AgentToolSources, trace: TraceRecord): string {
  const { summary } = trace;
  const parts = [oneLine(summary.rootName)];
  if (summary.service !== undefined) parts.push(oneLine(summary.service));
  parts.push(formatDuration(summary.durationMs));
  if (summary.errorCount > 0) parts.push(plural(summary.errorCount, 'error'));
  if (summary.callCounts.llm > 0) parts.push(plural(summary.callCounts.llm, 'LLM call'));
  const tokens = summary.byModel.length > 0 && formatTokenFlow(summary.tokens.inputTokens, summary.tokens.outputTokens);
  if (tokens) parts.push(tokens);
  const cost = formatCostTotals(sources.prices.traceCosts(trace).total);
  if (cost !== undefined) parts.push(cost);
  return `${summary.traceId}  ${isoTime(summary.startTimeUnixNano)}  ${parts.join(' · ')}${findingsNote(sources, summary.traceId)}`;
}

/** `ai-trace-lens query`: the spans of saved OTLP exports that a TraceQL query selects, as text or as JSON. */
import { parseArgs } from 'node:util';
import { chronological, spanLine, summarizeSpan, traceHeader, type SpanSummaryJson } from '../core/summarize';
import { caretLines, parseTraceQL, TraceQLError, type TraceQuery } from '../core/traceql';
import { plural } from '../shared/format';
import { parseOptions, timeOption, usageError } from './args';
import { INPUT_OPTIONS, readInputFiles } from './summarize';

export const QUERY_USAGE = `  ai-trace-lens query 'QUERY' (FILE... | --store DIR) [--since TIME] [--until TIME] [--json]
      Prints the spans that a TraceQL query selects in saved OTLP exports or a store (read as summarize reads them),
      under their trace, and a count line; with --json one JSON document: {"spans":[...]}, each span as in summarize
      --json. --since and --until keep the traces that started in that range: TIME is a duration back from now
      (30m, 2h, 7d) or a date and time (2026-12-06T09:30:00Z). TraceQL as in Grafana Tempo:
      { span.http.status_code >= 500 }, { status = error } >> { name = "x" }, and AI fields:
      { .ai.kind = "llm" && .ai.ttft > 300ms }, { .ai.tokens.input > 1000 }, { .ai.tool = "search" }.
`;

export async function query(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: QUERY_OPTIONS, allowPositionals: true }),
  );
  if (values.help) return help();
  const [text, ...paths] = positionals;
  if (text === undefined || (paths.length === 0 && values.store === undefined)) {
    throw usageError('query needs a TraceQL query and at least one file or --store DIR.');
  }
  const traceQuery = parseQuery(text);
  const nowMs = Date.now();
  const since = values.since === undefined ? -Infinity : timeOption('--since', values.since, nowMs);
  const until = values.until === undefined ? Infinity : timeOption('--until', values.until, nowMs);
  const { store, logs, failed } = await readInputFiles(paths, values.store);
  const traces = chronological(store).filter((record) => {
    const startMs = Number(record.summary.startTimeUnixNano / 1_000_000n);
    return startMs >= since && startMs <= until;
  });
  const matches = traces
    .map((record) => ({ record, spans: traceQuery.matchTrace(record) }))
    .filter((match) => match.spans.length > 0);
  if (values.json) {
    const spans: SpanSummaryJson[] = matches.flatMap(({ spans }) =>
      spans.map((node) => summarizeSpan(node, logs.forSpan(node.span.traceId, node.span.spanId))),
    );
    process.stdout.write(`${JSON.stringify({ spans }, null, 2)}\n`);
  } else {
    const blocks = matches.map(({ record, spans }) =>
      [traceHeader(record), ...spans.map((node) => `  ${spanLine(node)}`)].join('\n'),
    );
    const spanCount = matches.reduce((sum, match) => sum + match.spans.length, 0);
    const count = `${plural(spanCount, 'span')} in ${matches.length} of ${plural(traces.length, 'trace')}`;
    process.stdout.write([...blocks, count].join('\n\n') + '\n');
  }
  return failed ? 1 : 0;
}

const QUERY_OPTIONS = { ...INPUT_OPTIONS, since: { type: 'string' }, until: { type: 'string' } } as const;

/** A query that does not parse is a usage error: its message and the query with a caret under the fault. */
function parseQuery(text: string): TraceQuery {
  try {
    return parseTraceQL(text);
  } catch (error) {
    if (error instanceof TraceQLError) throw usageError(`${error.message}\n${caretLines(text, error)}`);
    throw error;
  }
}

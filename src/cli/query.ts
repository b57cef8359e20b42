/** `ai-trace-lens query`: the spans of saved OTLP exports that a TraceQL query selects, as text or as JSON. */
import { parseArgs } from 'node:util';
import { chronological, spanLine, summarizeSpan, traceHeader, type SpanSummaryJson } from '../core/summarize';
import { caretLines, parseTraceQL, TraceQLError, type TraceQuery } from '../core/traceql';
import { plural } from '../shared/format';
import { parseOptions, usageError } from './args';
import { INPUT_OPTIONS, readInputFiles } from './summarize';

export const QUERY_USAGE = `  ai-trace-lens query 'QUERY' (FILE... | --store DIR) [--json]
      Prints the spans that a TraceQL query selects in saved OTLP exports or a store (read as summarize reads them), under
      their trace, and a count line; with --json one JSON document: {"spans":[...]}, each span as in summarize
      --json. TraceQL as in Grafana Tempo: { span.http.status_code >= 500 }, { status = error } >> { name = "x" },
      and AI fields: { .ai.kind = "llm" && .ai.ttft > 300ms }, { .ai.tokens.input > 1000 }, { .ai.tool = "search" }.
`;

export async function query(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: INPUT_OPTIONS, allowPositionals: true }),
  );
  if (values.help) return help();
  const [text, ...paths] = positionals;
  if (text === undefined || (paths.length === 0 && values.store === undefined)) {
    throw usageError('query needs a TraceQL query and at least one file or --store DIR.');
  }
  const traceQuery = parseQuery(text);
  const { store, logs, failed } = await readInputFiles(paths, values.store);
  const traces = chronological(store);
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

/** A query that does not parse is a usage error: its message and the query with a caret under the fault. */
function parseQuery(text: string): TraceQuery {
  try {
    return parseTraceQL(text);
  } catch (error) {
    if (error instanceof TraceQLError) throw usageError(`${error.message}\n${caretLines(text, error)}`);
    throw error;
  }
}

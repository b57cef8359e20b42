/**
 * `ai-trace-lens findings`: every findings rule (core/findings) over saved OTLP exports or a store, printed under each
 * trace or as JSON, with an exit code CI can gate on.
 */
import { parseArgs } from 'node:util';
import { evaluateTraces } from '../core/findings/evaluate';
import { findingMessage } from '../core/findings/present';
import { DEFAULT_FINDINGS_OPTIONS, SEVERITY_RANK, type Finding, type Severity } from '../core/findings/types';
import type { TraceRecord } from '../core/store/types';
import { chronological, traceHeader } from '../core/summarize';
import { filePlace, plural } from '../shared/format';
import { parseOptions, usageError } from './args';
import { INPUT_OPTIONS, readInputFiles } from './summarize';

export const FINDINGS_USAGE = `  ai-trace-lens findings (FILE... | --store DIR) [--json] [--fail-on error|warning]
      Runs every findings rule (tool-loop, truncated-output, llm-error, tool-error, slow-ttft, stall, agent-steps,
      context-growth, retry, large-tool-result, cache-miss, and server-saturated against the model-server metrics
      the inputs hold, as serve --scrape --out records them) with its default thresholds over saved OTLP exports or a
      store (read as summarize reads them), and prints each finding under its trace: severity, rule, span, message
      and hint, then a count line; with --json one JSON document: {"findings":[{"rule","severity","traceId","spanId",
      "message","hint","code":{"file","line"}}]}, code from the span's code.* attributes, null when it has none.
      Exit code 1 when a finding at or above --fail-on exists (error: errors only; warning: errors and warnings) or
      an input could not be used; without --fail-on findings alone never fail.
`;

const FINDINGS_OPTIONS = { ...INPUT_OPTIONS, 'fail-on': { type: 'string' } } as const;

export interface FindingJson {
  rule: string;
  severity: Severity;
  traceId: string;
  spanId: string;
  message: string;
  hint: string;
  code: { file: string; line: number | null } | null;
}

export async function findings(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: FINDINGS_OPTIONS, allowPositionals: true }),
  );
  if (values.help) return help();
  if (positionals.length === 0 && values.store === undefined) {
    throw usageError('findings needs at least one file or --store DIR.');
  }
  const failOn = parseFailOn(values['fail-on']);
  const { store, modelServers, failed } = await readInputFiles(positionals, values.store);
  const traces = chronological(store);
  const byTrace = groupByTrace(evaluateTraces(traces, { ...DEFAULT_FINDINGS_OPTIONS, modelServers }));
  if (values.json) {
    const list = traces.flatMap((record) => (byTrace.get(record.summary.traceId) ?? []).map((f) => toJson(f, record)));
    process.stdout.write(`${JSON.stringify({ findings: list }, null, 2)}\n`);
  } else {
    process.stdout.write(renderText(traces, byTrace));
  }
  const gate = failOn === undefined ? -1 : SEVERITY_RANK[failOn];
  const tripped = [...byTrace.values()].some((list) => list.some((finding) => SEVERITY_RANK[finding.severity] <= gate));
  return failed || tripped ? 1 : 0;
}

function parseFailOn(text: string | undefined): Severity | undefined {
  if (text === undefined || text === 'error' || text === 'warning') return text;
  throw usageError(`--fail-on takes error or warning, not "${text}".`);
}

/** Findings by trace, each list most severe first (evaluateTraces' order). */
function groupByTrace(list: readonly Finding[]): Map<string, Finding[]> {
  const byTrace = new Map<string, Finding[]>();
  for (const finding of list) {
    const group = byTrace.get(finding.traceId);
    if (group === undefined) byTrace.set(finding.traceId, [finding]);
    else group.push(finding);
  }
  return byTrace;
}

function toJson(finding: Finding, record: TraceRecord): FindingJson {
  const code = record.getSpan(finding.spanId)?.ai.code;
  const { rule, severity, traceId, spanId, message, hint } = finding;
  const file = code?.file;
  return {
    rule,
    severity,
    traceId,
    spanId,
    message,
    hint,
    code: file === undefined ? null : { file, line: code?.line ?? null },
  };
}

function renderText(traces: readonly TraceRecord[], byTrace: ReadonlyMap<string, Finding[]>): string {
  const blocks: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
  for (const record of traces) {
    const list = byTrace.get(record.summary.traceId);
    if (list === undefined) continue;
    const lines = [traceHeader(record)];
    for (const finding of list) {
      counts[finding.severity]++;
      const node = record.getSpan(finding.spanId);
      const code = node?.ai.code;
      const where = code?.file === undefined ? '' : ` (${filePlace(code.file, code.line)})`;
      lines.push(
        `  ${finding.severity.padEnd(11)} ${finding.rule.padEnd(17)} ${node?.span.name ?? finding.spanId}${where}: ` +
          findingMessage(finding),
      );
    }
    blocks.push(lines.join('\n'));
  }
  const total = counts.error + counts.warning + counts.information;
  const bySeverity = (Object.keys(counts) as Severity[])
    .filter((severity) => counts[severity] > 0)
    .map((severity) => plural(counts[severity], severity, severity === 'information' ? severity : undefined));
  const breakdown = bySeverity.length === 0 ? '' : ` (${bySeverity.join(', ')})`;
  const count = `${plural(total, 'finding')}${breakdown} in ${byTrace.size} of ${plural(traces.length, 'trace')}`;
  return [...blocks, count].join('\n\n') + '\n';
}

/**
 * `list_findings`: what the findings rules (core/findings) detected, most severe first, each with its trace and span
 * ids and the code location the span names, so an agent can go from "what went wrong" to the line that made the call.
 */
import { filePlace, plural } from '../../shared/format';
import { findingMessage } from '../findings/present';
import { RULE_IDS, SEVERITY_RANK, type Finding, type Severity } from '../findings/types';
import { oneLine } from '../spanDetailsText';
import { enumInput, integerInput, optionalString } from './input';
import { clip, findTrace } from './lookup';
import type { AgentTool, AgentToolSources } from './types';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information'];
const LIMIT = {
  type: 'integer',
  description: 'How many findings to list (default 50).',
  minimum: 1,
  maximum: 500,
} as const;

export const listFindingsTool: AgentTool = {
  name: 'list_findings',
  title: 'List findings',
  userDescription: 'Lists the problems found in the traces: tool loops, errors, truncated answers, slow first tokens.',
  description:
    'Lists problems AI Trace Lens detected in the recorded traces, most severe first: tool loops (a tool called ' +
    'repeatedly with identical arguments), truncated answers, LLM and tool errors (rate limits, context length), ' +
    'slow first tokens, stalled streams, runaway agent steps, context growth, retries, large tool results, missed ' +
    'prompt caching and unpriced models. Each line: severity, rule, trace id, span id, span name, the code ' +
    'location that made the call when the span records it, the message and a hint. Use get_span or get_trace ' +
    'with the ids for the details.',
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'Optional: only this trace’s findings.' },
      severity: {
        type: 'string',
        enum: SEVERITIES,
        description: 'Optional: only findings at least this severe (error, warning or information).',
      },
      rule: { type: 'string', enum: RULE_IDS, description: 'Optional: only this rule’s findings.' },
      limit: LIMIT,
    },
    additionalProperties: false,
  },
  run(sources, input) {
    const traceId = optionalString(input, 'traceId');
    const severity = enumInput(input, 'severity', SEVERITIES);
    const rule = enumInput(input, 'rule', RULE_IDS);
    const limit = integerInput(input, 'limit', LIMIT, 50);
    const all =
      traceId === undefined
        ? sources.findings.all()
        : [...sources.findings.forTrace(findTrace(sources, traceId).summary.traceId)];
    const floor = severity === undefined ? Infinity : SEVERITY_RANK[severity];
    const selected = all.filter(
      (finding) => SEVERITY_RANK[finding.severity] <= floor && (rule === undefined || finding.rule === rule),
    );
    const scope = traceId === undefined ? `${plural(sources.traces.traceCount, 'trace')}` : 'the trace';
    if (selected.length === 0) return `No findings${all.length > 0 ? ' of that kind' : ''} in ${scope}.`;
    const shown = selected.slice(0, limit);
    const lines = [`${plural(selected.length, 'finding')} in ${scope}, most severe first:`];
    lines.push(...shown.map((finding) => findingLine(sources, finding)));
    if (selected.length > shown.length) {
      lines.push(`… and ${selected.length - shown.length} more: raise limit, or filter by traceId, severity or rule.`);
    }
    return clip(lines.join('\n'), 'Filter by traceId, severity or rule, or lower limit.');
  },
};

/** `warning tool-loop · trace <id> · span <id> search_docs (agent.py:42): <message>. <hint>` */
function findingLine(sources: AgentToolSources, finding: Finding): string {
  const node = sources.traces.getTrace(finding.traceId)?.getSpan(finding.spanId);
  const name = node === undefined ? '' : ` ${oneLine(node.span.name)}`;
  const code = node?.ai.code;
  const where = code?.file === undefined ? '' : ` (${filePlace(code.file, code.line)})`;
  return (
    `${finding.severity} ${finding.rule} · trace ${finding.traceId} · span ${finding.spanId}${name}${where}: ` +
    findingMessage(finding)
  );
}

/**
 * `get_span`: one span in full, as the span details document shows it (AI summary, attributes, events, correlated
 * logs, resource), after the ids to move on with (its trace, parent and children), its cost and its findings.
 */
import { AI_KIND_LABELS } from '../../shared/aiKinds';
import { formatSpanCost, plural } from '../../shared/format';
import { oneLine, renderSpanDetails } from '../spanDetailsText';
import { requiredString } from './input';
import { clip, findSpan, findTrace } from './lookup';
import type { AgentTool } from './types';

/** Children listed by id; a span with more is better read through get_trace with its id. */
const LISTED_CHILDREN = 20;

export const getSpanTool: AgentTool = {
  name: 'get_span',
  title: 'Get a span',
  userDescription: "Reads one span's attributes, prompt, answer and events.",
  description:
    'Returns one span in full: its AI summary (kind, model, provider, tokens, TTFT, tool name), every attribute ' +
    '(prompts, tool arguments and results, HTTP and database details), its events (exceptions, streamed chunks), ' +
    'correlated log records, code location (code.filepath, code.lineno) and resource, with the ids of its parent ' +
    'and children, its cost and its findings. Span ids come from get_trace or list_findings.',
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'The trace id (32 hex digits, or a unique prefix of at least 6).' },
      spanId: { type: 'string', description: 'The span id (16 hex digits).' },
    },
    required: ['traceId', 'spanId'],
    additionalProperties: false,
  },
  run(sources, input) {
    const trace = findTrace(sources, requiredString(input, 'traceId'));
    const node = findSpan(trace, requiredString(input, 'spanId'));
    const { span } = node;
    const lines = [`# Span ${span.spanId} of trace ${span.traceId}`];
    const parent = node.parent;
    if (parent !== undefined) lines.push(`# parent: ${oneLine(parent.span.name)} · span ${parent.span.spanId}`);
    else lines.push(node.orphan ? `# parent: span ${span.parentSpanId} (not received)` : '# parent: none (a root)');
    if (node.children.length > 0) lines.push(`# children (${node.children.length}):`);
    for (const child of node.children.slice(0, LISTED_CHILDREN)) {
      lines.push(`#   ${oneLine(child.span.name)} · ${AI_KIND_LABELS[child.ai.kind]} · span ${child.span.spanId}`);
    }
    if (node.children.length > LISTED_CHILDREN) {
      const more = node.children.length - LISTED_CHILDREN;
      lines.push(`#   … and ${plural(more, 'more child', 'more children')}: get_trace with this spanId lists them all`);
    }
    const cost = formatSpanCost(sources.prices.spanCost(node.ai));
    if (cost !== undefined) lines.push(`# cost: ${cost}`);
    for (const finding of sources.findings.forTrace(span.traceId)) {
      if (finding.spanId === span.spanId) {
        lines.push(`# finding: ${finding.severity} ${finding.rule}: ${finding.message}. ${finding.hint}`);
      }
    }
    const details = renderSpanDetails(node, sources.logs.forSpan(span.traceId, span.spanId));
    return clip(`${lines.join('\n')}\n\n${details}`, 'The rest of this span is too long for one answer.');
  },
};

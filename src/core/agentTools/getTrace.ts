/**
 * `get_trace`: a trace, or one span's subtree, as the Compare Traces text (the span tree with models, tokens, costs,
 * timing, tool arguments and results and the conversation), each span with its id. A trace too large for one result
 * is summarised instead: its slowest and costliest paths, its errors and its outline to a few levels, with the span
 * ids to ask for next.
 */
import { AI_KIND_LABELS } from '../../shared/aiKinds';
import { formatDuration, formatSpanCost, formatUsd, plural } from '../../shared/format';
import { renderSpanSubtree, traceFigureLines } from '../compareText';
import { durationNanos, nanosToMillis, StatusCode, type Span } from '../model';
import { isoTime, oneLine } from '../spanDetailsText';
import type { SpanNode, TraceRecord } from '../store/types';
import { optionalString, requiredString } from './input';
import { clip, findSpan, findTrace, RESULT_CHARS } from './lookup';
import type { AgentTool, AgentToolSources } from './types';

/** Findings listed in a trace's header; list_findings gives the rest. */
const HEADER_FINDINGS = 8;
/** Spans listed in each summary section: enough to point at the culprits, few enough to leave room for the outline. */
const SECTION_SPANS = 10;
/** The outline's depth: the agent's steps and their calls, which is where a run's shape shows. */
const OUTLINE_DEPTH = 3;

export const getTraceTool: AgentTool = {
  name: 'get_trace',
  title: 'Get a trace',
  userDescription: 'Reads one trace as a compact span tree, slowest and costliest paths first.',
  description:
    'Returns one trace as text: its duration, tokens, cost and findings, then its span tree with, for each span, ' +
    'its kind (LLM call, tool, agent, MCP…), model, tokens, cost, duration, TTFT, tool arguments and results, ' +
    'errors and the LLM conversation (input and output messages), each line ending with the span id. ' +
    `A trace too large for one answer (over ${RESULT_CHARS.toLocaleString('en-US')} characters) comes summarised: ` +
    'its slowest path, costliest path, errors and an outline; call again with spanId to read that span and ' +
    'everything under it in full. Trace ids come from list_traces or list_findings.',
  inputSchema: {
    type: 'object',
    properties: {
      traceId: { type: 'string', description: 'The trace id (32 hex digits, or a unique prefix of at least 6).' },
      spanId: { type: 'string', description: 'Optional: only this span and the spans under it.' },
    },
    required: ['traceId'],
    additionalProperties: false,
  },
  run(sources, input) {
    const trace = findTrace(sources, requiredString(input, 'traceId'));
    const spanId = optionalString(input, 'spanId');
    const focus = spanId === undefined ? undefined : findSpan(trace, spanId);
    const header = headerLines(sources, trace, focus).join('\n');
    const logsOf = (span: Span) => sources.logs.forSpan(span.traceId, span.spanId);
    const roots = focus === undefined ? trace.roots : [focus];
    const full = roots.map((root) => renderSpanSubtree(root, logsOf, sources.prices)).join('\n\n');
    if (header.length + full.length + 2 <= RESULT_CHARS) return `${header}\n\n${full}\n`;
    const summary = summaryText(sources, roots, full.length, RESULT_CHARS - header.length - 2);
    return clip(`${header}\n\n${summary}`, 'Pass a span id above as spanId for a smaller part.');
  },
};

function headerLines(sources: AgentToolSources, trace: TraceRecord, focus: SpanNode | undefined): string[] {
  const { summary } = trace;
  const service = summary.service === undefined ? '' : ` · ${oneLine(summary.service)}`;
  const lines = [
    `# ${oneLine(summary.rootName)}${service} · started ${isoTime(summary.startTimeUnixNano)}`,
    `# Trace ${summary.traceId}`,
  ];
  if (focus !== undefined) {
    lines.push(`# Only span ${focus.span.spanId} (${oneLine(focus.span.name)}) and the spans under it.`);
  }
  lines.push('', ...traceFigureLines(trace, sources.prices));
  const findings = sources.findings.forTrace(summary.traceId);
  if (findings.length > 0) lines.push(`findings: ${findings.length} (list_findings with this traceId gives them all)`);
  for (const finding of findings.slice(0, HEADER_FINDINGS)) {
    lines.push(`  ${finding.severity} ${finding.rule} · span ${finding.spanId}: ${finding.message}`);
  }
  return lines;
}

/** Duration, spans and cost of each span with everything under it. */
interface SubtreeFigures {
  spans: number;
  usd: number;
}

function summaryText(sources: AgentToolSources, roots: readonly SpanNode[], fullChars: number, budget: number): string {
  const spans = preOrder(roots);
  // Children come after their parent in pre-order, so walking it backwards sums each subtree before its parent's.
  const figures = new Map<SpanNode, SubtreeFigures>();
  for (let i = spans.length - 1; i >= 0; i--) {
    const node = spans[i]!;
    const cost = sources.prices.spanCost(node.ai);
    const own = { spans: 1, usd: cost === undefined || cost === 'unpriced' ? 0 : cost.usd };
    for (const child of node.children) {
      const below = figures.get(child)!;
      own.spans += below.spans;
      own.usd += below.usd;
    }
    figures.set(node, own);
  }
  const figuresOf = (node: SpanNode) => figures.get(node)!;
  const line = (node: SpanNode, pad = '  ') => `${pad}${spanLine(node, sources)} · span ${node.span.spanId}`;
  const lines = [
    `This is ${fullChars.toLocaleString('en-US')} characters as full text, over the ` +
      `${RESULT_CHARS.toLocaleString('en-US')} of one answer, so here are its slowest and costliest paths, its ` +
      'errors and its outline. Call get_trace again with one of these span ids as spanId for that part in full, ' +
      "or get_span for one span's attributes and events.",
    '',
    'slowest path (from the root, each step the longest child):',
    ...pathFrom(roots, durationOf).map((node) => line(node)),
  ];
  const costly = pathFrom(roots, (node) => figuresOf(node).usd).filter((node) => figuresOf(node).usd > 0);
  if (costly.length > 0) {
    lines.push('', 'costliest path (each step the child whose spans cost most, with that cost):');
    for (const node of costly) lines.push(`${line(node)} · ${formatUsd(figuresOf(node).usd)} under it`);
  }
  const slowCalls = spans
    .filter((node) => node.ai.kind !== 'agent' && node.ai.kind !== 'other')
    .sort((a, b) => durationOf(b) - durationOf(a))
    .slice(0, SECTION_SPANS);
  if (slowCalls.length > 0) lines.push('', 'slowest calls:', ...slowCalls.map((node) => line(node)));
  const errors = spans.filter((node) => node.span.status.code === StatusCode.Error);
  if (errors.length > 0) {
    lines.push('', `errors (${errors.length}):`);
    for (const node of errors.slice(0, SECTION_SPANS)) {
      const message = node.span.status.message === '' ? '' : `: ${oneLine(node.span.status.message)}`;
      lines.push(`${line(node)}${message}`);
    }
  }
  lines.push('', `outline (${OUTLINE_DEPTH} levels; "+N" counts the spans under a span):`);
  let used = lines.reduce((sum, text) => sum + text.length + 1, 0);
  let unlisted = 0;
  const visit = (node: SpanNode, depth: number) => {
    const under = figuresOf(node).spans - 1;
    const entry = `${line(node, '  '.repeat(depth + 1))}${under > 0 ? ` · +${under}` : ''}`;
    // Room is kept for the line counting what did not fit.
    if (used + entry.length > budget - 100) {
      unlisted += figuresOf(node).spans;
      return;
    }
    lines.push(entry);
    used += entry.length + 1;
    if (depth + 1 < OUTLINE_DEPTH) for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  if (unlisted > 0) lines.push(`  … ${plural(unlisted, 'more span')} not outlined for lack of room.`);
  return lines.join('\n') + '\n';
}

/** The spans of the subtrees in pre-order, without recursion: traces can be deeper than the call stack. */
function preOrder(roots: readonly SpanNode[]): SpanNode[] {
  const order: SpanNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return order;
}

/** From the root that scores highest, down through the child that scores highest, to a leaf. */
function pathFrom(roots: readonly SpanNode[], score: (node: SpanNode) => number): SpanNode[] {
  const highest = (nodes: readonly SpanNode[]) =>
    nodes.reduce<SpanNode | undefined>(
      (best, node) => (best === undefined || score(node) > score(best) ? node : best),
      undefined,
    );
  const path: SpanNode[] = [];
  for (let node = highest(roots); node !== undefined; node = highest(node.children)) path.push(node);
  return path;
}

const durationOf = (node: SpanNode) => nanosToMillis(durationNanos(node.span));

/** `chat gpt-4o · LLM call · gpt-4o · 1.2 s · $0.004 · error`. */
function spanLine(node: SpanNode, sources: AgentToolSources): string {
  const { span, ai } = node;
  const parts = [oneLine(span.name), AI_KIND_LABELS[ai.kind]];
  const model = ai.responseModel ?? ai.requestModel;
  if (model !== undefined && !span.name.includes(model)) parts.push(oneLine(model));
  if (ai.toolName !== undefined && !span.name.includes(ai.toolName)) parts.push(oneLine(ai.toolName));
  parts.push(formatDuration(durationOf(node)));
  const cost = formatSpanCost(sources.prices.spanCost(ai));
  if (cost !== undefined) parts.push(cost);
  if (span.status.code === StatusCode.Error) parts.push('error');
  return parts.join(' · ');
}

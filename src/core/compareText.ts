/**
 * A trace as plain text made for comparing two runs in a diff editor: the span tree by nesting, and for each span
 * what a run can change (model, tokens, timing, tool arguments and results, status, evaluations, the conversation). Ids and times
 * of day are left out and every figure has a line of its own, so that the diff shows what differs and nothing else:
 * a different answer to the same prompt, a tool called with other arguments, a slower call, more tokens.
 */
import { AI_KIND_LABELS } from '../shared/aiKinds';
import { formatCostTotals, formatCount, formatDuration, formatSpanCost, plural } from '../shared/format';
import type { TranscriptMessage } from '../shared/transcript';
import type { PriceBook } from './cost/priceBook';
import { evaluationsOfSpan } from './evaluation/evaluationEvents';
import { evaluationLines } from './evaluation/present';
import { durationNanos, nanosToMillis, StatusCode, type AttributeValue, type Span } from './model';
import type { LogRecord } from './otlp/logModel';
import { toolCallOf } from './semantics/extract';
import { attributeValueText, isoTime, oneLine } from './spanDetailsText';
import type { SpanNode, TraceRecord } from './store/types';
import { extractInputMessages, extractOutputMessages } from './transcript';

const INDENT = '  ';
/** Spans listed at most: a diff of longer texts is slow to render and to read, and a run that large is rarely compared. */
export const MAX_COMPARED_SPANS = 10_000;

/**
 * `logsOf` gives the log records of a span (GenAI events sent as logs carry its conversation); with `prices`, the
 * trace, each model and each model call show their cost.
 */
export function renderTraceForCompare(
  trace: TraceRecord,
  logsOf: (span: Span) => readonly LogRecord[],
  prices?: PriceBook,
): string {
  const { summary } = trace;
  const service = summary.service === undefined ? '' : ` · ${oneLine(summary.service)}`;
  const lines = [
    `# ${oneLine(summary.rootName)}${service} · started ${isoTime(summary.startTimeUnixNano)}`,
    `# Trace ${summary.traceId}, for comparing runs: ids and times of day are left out, so only what differs shows.`,
    '',
    ...traceFigureLines(trace, prices),
  ];
  const budget = { spans: MAX_COMPARED_SPANS };
  const write = { logsOf, prices, budget, spanIds: false };
  for (const root of trace.roots) {
    lines.push('');
    writeSpan(lines, root, '', write);
  }
  if (budget.spans < 0) {
    const unlisted = summary.spanCount - MAX_COMPARED_SPANS;
    lines.push(
      '',
      `# … and ${plural(unlisted, 'more span')}: a comparison lists the first ${formatCount(MAX_COMPARED_SPANS)}.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** A trace's figures, a line each: duration, span counts, tokens, cost (with `prices`) and each model's share. */
export function traceFigureLines(trace: TraceRecord, prices?: PriceBook): string[] {
  const { summary } = trace;
  const lines = [`duration: ${formatDuration(summary.durationMs)}`, `spans: ${callCounts(trace)}`];
  const { tokens } = summary;
  if (summary.byModel.length > 0) {
    lines.push(
      `tokens: ${tokenText(tokens.inputTokens, tokens.outputTokens, tokens.cachedTokens, tokens.reasoningTokens)}`,
    );
  }
  const costs = prices?.traceCosts(trace);
  const total = costs === undefined ? undefined : formatCostTotals(costs.total);
  if (total !== undefined) lines.push(`cost: ${total}`);
  for (const model of summary.byModel) {
    const modelCost = costs?.byModel.get(model.model);
    const price = modelCost === undefined ? undefined : formatCostTotals(modelCost);
    lines.push(
      `model ${oneLine(model.model)}: ${plural(model.calls, 'call')} · ` +
        tokenText(model.inputTokens, model.outputTokens, model.cachedTokens, model.reasoningTokens) +
        (price === undefined ? '' : ` · ${price}`),
    );
  }
  return lines;
}

/**
 * One span and everything under it in the same form, each span's line ending with its id: for readers that ask for a
 * span next by its id (coding agents), where a comparison leaves ids out.
 */
export function renderSpanSubtree(
  node: SpanNode,
  logsOf: (span: Span) => readonly LogRecord[],
  prices?: PriceBook,
): string {
  const lines: string[] = [];
  writeSpan(lines, node, '', { logsOf, prices, budget: { spans: MAX_COMPARED_SPANS }, spanIds: true });
  return lines.join('\n');
}

/** What every span of a rendering shares: where its logs are, its prices, and how many spans may still be listed. */
interface SpanWriting {
  readonly logsOf: (span: Span) => readonly LogRecord[];
  readonly prices: PriceBook | undefined;
  readonly budget: { spans: number };
  readonly spanIds: boolean;
}

function writeSpan(lines: string[], node: SpanNode, pad: string, write: SpanWriting): void {
  if (--write.budget.spans < 0) return;
  const { span, ai } = node;
  const orphan = node.orphan ? ' (its parent was not received)' : '';
  const id = write.spanIds ? ` · span ${span.spanId}` : '';
  lines.push(`${pad}${oneLine(span.name)} · ${AI_KIND_LABELS[ai.kind]}${id}${orphan}`);
  const inner = pad + INDENT;
  const field = (key: string, value: string | undefined) => {
    if (value !== undefined) writeText(lines, inner, `${key}: `, value);
  };

  const model = ai.responseModel ?? ai.requestModel;
  field('model', model);
  if (ai.requestModel !== undefined && ai.requestModel !== model) field('requested model', ai.requestModel);
  if (ai.inputTokens !== undefined || ai.outputTokens !== undefined) {
    field('tokens', tokenText(ai.inputTokens, ai.outputTokens, ai.cachedTokens, ai.reasoningTokens));
  }
  field('cost', formatSpanCost(write.prices?.spanCost(ai)));
  const timing = [formatDuration(nanosToMillis(durationNanos(span)))];
  if (ai.ttftMs !== undefined) timing.push(`TTFT ${formatDuration(ai.ttftMs)}`);
  if (ai.tpotMs !== undefined) timing.push(`TPOT ${formatDuration(ai.tpotMs)}`);
  field('duration', timing.join(' · '));
  if (ai.kind === 'tool' || ai.kind === 'mcp') {
    field('tool', ai.toolName);
    const call = toolCallOf(span.attributes);
    field('arguments', valueText(call.arguments));
    field('result', valueText(call.result));
  }
  if (span.status.code === StatusCode.Error) {
    field('status', span.status.message === '' ? 'error' : `error: ${span.status.message}`);
  }

  const logs = write.logsOf(span);
  // Judge and app evaluations, with the explanation: two runs graded differently show why.
  for (const line of evaluationLines(evaluationsOfSpan(span, logs))) writeText(lines, inner, '', line);
  if (ai.kind === 'llm') {
    writeMessages(lines, inner, 'input', extractInputMessages(span, logs));
    writeMessages(lines, inner, 'output', extractOutputMessages(span, logs));
  }
  for (const child of node.children) writeSpan(lines, child, inner, write);
}

function writeMessages(lines: string[], pad: string, title: string, messages: readonly TranscriptMessage[]): void {
  if (messages.length === 0) return;
  lines.push(`${pad}${title}:`);
  const inner = pad + INDENT;
  for (const message of messages) {
    if (message.text !== '' || !message.toolCalls?.length) writeText(lines, inner, `${message.role}: `, message.text);
    for (const call of message.toolCalls ?? []) {
      writeText(lines, inner, `${message.role} calls `, `${oneLine(call.name)}(${compactJson(call.arguments)})`);
    }
  }
}

/** `head` then the text; the lines after its first are indented under it. */
function writeText(lines: string[], pad: string, head: string, text: string): void {
  const [first = '', ...rest] = text.split(/\r?\n/);
  lines.push(`${pad}${head}${first}`);
  for (const line of rest) lines.push(line === '' ? '' : `${pad}${INDENT}${INDENT}${line}`);
}

/** `1,262 in → 61 out · 1,024 cached`; a side the span did not record is left out. */
function tokenText(input: number | undefined, output: number | undefined, cached?: number, reasoning?: number): string {
  const flow = [
    input === undefined ? '' : `${formatCount(input)} in`,
    output === undefined ? '' : `${formatCount(output)} out`,
  ];
  const parts = [flow.filter((part) => part !== '').join(' → ')];
  if (cached) parts.push(`${formatCount(cached)} cached`);
  if (reasoning) parts.push(`${formatCount(reasoning)} reasoning`);
  return parts.join(' · ');
}

function callCounts(trace: TraceRecord): string {
  const { summary } = trace;
  const parts = [String(summary.spanCount)];
  const counts: [number, string][] = [
    [summary.callCounts.llm, 'LLM call'],
    [summary.callCounts.tool, 'tool call'],
    [summary.callCounts.mcp, 'MCP call'],
    [summary.errorCount, 'error'],
  ];
  for (const [value, noun] of counts) if (value > 0) parts.push(plural(value, noun));
  return parts.join(' · ');
}

/** Recorded JSON is written compactly, so that two runs differ only where their values do. */
function valueText(value: AttributeValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? compactJson(value) : attributeValueText(value);
}

function compactJson(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed) : text;
  } catch {
    return text;
  }
}

/**
 * Markdown for the tree's hover tooltips. Everything that comes from a span is escaped, so a span named
 * `<img src=x>` or `**bold**` shows exactly those characters; the host renders the text untrusted and without HTML.
 */
import { AI_KIND_LABELS, type AiKind } from '../shared/aiKinds';
import type { SpanCost } from '../shared/cost';
import { GATEWAY_SOURCE_NOTE, joinSourcedFigures } from '../shared/figures';
import {
  ESTIMATE_MARK,
  formatCostTotals,
  formatDuration,
  formatSpanCost,
  formatTokenFlow,
  formatTokens,
  plural,
} from '../shared/format';
import type { TraceCostInfo } from './cost/priceBook';
import { describeStream, latencyFigures } from './describe';
import { durationNanos, nanosToMillis, serviceNameOf, StatusCode } from './model';
import { CONVENTION_LABELS, spanKindName } from './spanLabels';
import type { SpanNode, TraceSummary } from './store/types';

/** Backslash-escapes every ASCII punctuation character (all are escapable in CommonMark) and flattens line breaks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** An inline code span that holds `text` literally, whatever backticks it contains. */
function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Lines joined as Markdown hard breaks (two trailing spaces), blocks separated by blank lines. */
function blocks(...parts: (string[] | undefined)[]): string {
  return parts
    .filter((part): part is string[] => part !== undefined && part.length > 0)
    .map((part) => part.join('  \n'))
    .join('\n\n');
}

/** The cost line of a model call: `Cost: $0.012`, `Cost: ≈$0.012 (estimated tokens)`, or why it has no price. */
function spanCostLine(cost: SpanCost): string {
  if (cost === 'unpriced') return 'Cost: unpriced (no price for this model: add one in aiTraceLens.prices)';
  return `Cost: ${formatSpanCost(cost)}${cost.estimated ? ' (estimated tokens)' : ''}`;
}

/** `cost`: the span's (PriceBook.spanCost), shown for model calls that report tokens. */
export function spanTooltipMarkdown(node: SpanNode, cost?: SpanCost): string {
  const { span, ai } = node;
  const heading = [`**${escapeMarkdown(span.name)}**`];
  const kind = AI_KIND_LABELS[ai.kind] + (ai.convention ? ` · ${CONVENTION_LABELS[ai.convention]}` : '');
  heading.push(`${escapeMarkdown(kind)} · ${spanKindName(span.kind)}`);

  const facts: string[] = [];
  if (ai.agentName !== undefined) facts.push(`Agent: ${escapeMarkdown(ai.agentName)}`);
  if (ai.toolName !== undefined) facts.push(`Tool: ${escapeMarkdown(ai.toolName)}`);
  const model = ai.responseModel ?? ai.requestModel;
  if (model !== undefined) {
    const requested =
      ai.requestModel !== undefined && ai.requestModel !== model
        ? ` (requested ${escapeMarkdown(ai.requestModel)})`
        : '';
    const provider = ai.provider !== undefined ? ` · ${escapeMarkdown(ai.provider)}` : '';
    facts.push(`Model: ${escapeMarkdown(model)}${requested}${provider}`);
  } else if (ai.provider !== undefined) {
    facts.push(`Provider: ${escapeMarkdown(ai.provider)}`);
  }
  const tokens = tokenLine(
    ai.inputTokens,
    { read: ai.cachedTokens, write: ai.cacheWriteTokens },
    ai.outputTokens,
    ai.reasoningTokens,
    ai.tokensEstimated,
  );
  if (tokens !== undefined) {
    const source =
      ai.tokensSource === 'gateway' ? ` (${ai.tokensEstimated ? 'estimated, ' : ''}${GATEWAY_SOURCE_NOTE})` : '';
    facts.push(`Tokens: ${tokens}${source}`);
  }
  if (cost !== undefined) facts.push(spanCostLine(cost));
  const latency = latencyFigures(ai);
  if (ai.streaming) latency.push({ text: 'streamed', source: undefined });
  if (latency.length > 0) facts.push(joinSourcedFigures(latency));
  const stream = describeStream(ai);
  if (stream !== undefined) facts.push(`Stream: ${stream} (${GATEWAY_SOURCE_NOTE})`);
  facts.push(`Duration: ${formatDuration(nanosToMillis(durationNanos(span)))}`);
  if (span.status.code === StatusCode.Error) {
    facts.push(`Status: **error**${span.status.message ? ` · ${escapeMarkdown(span.status.message)}` : ''}`);
  } else if (span.status.code === StatusCode.Ok) {
    facts.push('Status: ok');
  }
  const service = serviceNameOf(span);
  if (service !== undefined) facts.push(`Service: ${escapeMarkdown(service)}`);
  if (node.orphan) facts.push(`Parent ${code(span.parentSpanId ?? '')} not received (yet)`);

  const ids = [`Trace ${code(span.traceId)} · Span ${code(span.spanId)}`];
  return blocks(heading, facts, ids);
}

/** `cost`: the trace's costs and their prices (PriceBook.traceCostInfo). */
export function traceTooltipMarkdown(summary: TraceSummary, cost?: TraceCostInfo): string {
  const heading = [`**${escapeMarkdown(summary.rootName)}**`];
  if (summary.service !== undefined) heading.push(`Service: ${escapeMarkdown(summary.service)}`);

  const started = new Date(Number(summary.startTimeUnixNano / 1_000_000n)).toLocaleString();
  const facts = [
    `Started ${escapeMarkdown(started)} · ${formatDuration(summary.durationMs)} · ${plural(summary.spanCount, 'span')}`,
  ];
  if (summary.errorCount > 0) facts.push(`**${plural(summary.errorCount, 'error')}**`);
  const calls = callsLine(summary.callCounts);
  if (calls !== undefined) facts.push(calls);
  const tokens = tokenLine(
    summary.tokens.inputTokens || undefined,
    { read: summary.tokens.cachedTokens || undefined, write: undefined },
    summary.tokens.outputTokens || undefined,
    summary.tokens.reasoningTokens || undefined,
  );
  if (tokens !== undefined) facts.push(`Tokens: ${tokens}`);
  const total = cost === undefined ? undefined : formatCostTotals(cost.costs.total);
  if (total !== undefined) facts.push(`Cost: ${escapeMarkdown(total)}`);
  const models = summary.byModel.map((totals) => {
    const modelCost = cost?.costs.byModel.get(totals.model);
    const price = modelCost === undefined ? undefined : formatCostTotals(modelCost);
    return (
      `${escapeMarkdown(totals.model)}: ${plural(totals.calls, 'call')}` +
      (totals.inputTokens + totals.outputTokens > 0
        ? `, ${formatTokenFlow(totals.inputTokens, totals.outputTokens || undefined)}`
        : '') +
      (price === undefined ? '' : `, ${escapeMarkdown(price)}`)
    );
  });
  // Said only where a cost shows, so the figures can be read against the prices they assume.
  const prices =
    cost === undefined || total === undefined ? undefined : [`_${escapeMarkdown(capitalize(cost.source))}_`];

  const ids = [`Trace ${code(summary.traceId)}`];
  return blocks(heading, facts, models, prices, ids);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const CALL_NOUNS: [AiKind, string][] = [
  ['agent', 'agent run'],
  ['llm', 'LLM call'],
  ['embedding', 'embedding call'],
  ['tool', 'tool call'],
  ['mcp', 'MCP call'],
  ['retriever', 'retrieval'],
];

function callsLine(counts: Record<AiKind, number>): string | undefined {
  const parts = CALL_NOUNS.filter(([kind]) => counts[kind] > 0).map(([kind, noun]) => plural(counts[kind], noun));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** `1.2k in (800 cached) → 340 out`; each count marked `≈` when `estimated`. */
function tokenLine(
  input: number | undefined,
  cache: { read: number | undefined; write: number | undefined },
  output: number | undefined,
  reasoning: number | undefined,
  estimated = false,
): string | undefined {
  if (input === undefined && output === undefined) return undefined;
  const mark = estimated ? ESTIMATE_MARK : '';
  const parts: string[] = [];
  if (input !== undefined) {
    const cached = [
      cache.read ? `${formatTokens(cache.read)} cached` : '',
      cache.write ? `${formatTokens(cache.write)} written to cache` : '',
    ].filter((part) => part !== '');
    parts.push(`${mark}${formatTokens(input)} in${cached.length > 0 ? ` (${cached.join(', ')})` : ''}`);
  }
  if (output !== undefined)
    parts.push(`${mark}${formatTokens(output)} out${reasoning ? ` (${formatTokens(reasoning)} reasoning)` : ''}`);
  return parts.join(' → ');
}

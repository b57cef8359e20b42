/** How spans and traces are named to the user: one-line descriptions (Traces view, pickers, CLI) and file titles. */
import type { CostTotals, SpanCost } from '../shared/cost';
import { streamFiguresText, type SourcedFigure } from '../shared/figures';
import {
  ESTIMATE_MARK,
  formatCostTotals,
  formatDuration,
  formatSpanCost,
  formatTokenFlow,
  formatTokens,
  plural,
} from '../shared/format';
import { hasEstimatedTokens } from '../shared/tokens';
import type { AiSpanInfo } from './semantics/types';
import type { TraceSummary } from './store/types';

/**
 * `gpt-4o · 1.2 s · 340→120 tok · $0.0021 · TTFT 210 ms`, with `≈1.2k→345 tok · ≈$0.0049` for estimated counts and
 * `unpriced` for a model without a price; the cost only when `cost` is given. TTFT shows whoever measured it, the
 * app's instrumentation or the gateway; the tooltip names which.
 */
export function describeSpan(ai: AiSpanInfo, durationMs: number, cost?: SpanCost): string {
  const parts: string[] = [];
  const model = ai.responseModel ?? ai.requestModel;
  if (model) parts.push(model);
  else if (ai.toolName) parts.push(ai.toolName);
  parts.push(formatDuration(durationMs));
  const tokens = formatTokenFlow(ai.inputTokens, ai.outputTokens, ai.tokensEstimated === true);
  if (tokens) parts.push(tokens);
  const price = formatSpanCost(cost);
  if (price !== undefined) parts.push(price);
  if (ai.ttftMs !== undefined) parts.push(`TTFT ${formatDuration(ai.ttftMs)}`);
  return parts.join(' · ');
}

/** TTFT and TPOT, each with who measured it, for `joinSourcedFigures`. */
export function latencyFigures(ai: AiSpanInfo): SourcedFigure[] {
  const figures: SourcedFigure[] = [];
  if (ai.ttftMs !== undefined) figures.push({ text: `TTFT ${formatDuration(ai.ttftMs)}`, source: ai.ttftSource });
  if (ai.tpotMs !== undefined) figures.push({ text: `TPOT ${formatDuration(ai.tpotMs)}`, source: ai.tpotSource });
  return figures;
}

/** The gateway's stream figures of a span (`streamFiguresText`), or undefined. */
export function describeStream(ai: AiSpanInfo): string | undefined {
  return streamFiguresText(ai.firstTextMs, ai.longestGapMs, ai.stalls);
}

/**
 * Where a trace is described, each with the figures it needs:
 * - `row`, a Traces view row: `travel-planner · 4.86 s · 2.8k tok · $0.42 · 1 error` (service, duration, tokens,
 *   cost, errors); tokens read `≈2.8k tok` when the gateway counted some of them;
 * - `pick`, a trace picker: `travel-planner · 4.86 s · 12 spans · 1 error`, the span count telling runs apart;
 * - `report`, the CLI's text summary: `service travel-planner · 4.86 s · 12 spans · 1.3k→61 tok · 1 error`, the
 *   service named as such and tokens in→out, for a reader without the view's columns.
 *
 * The cost (`formatCostTotals`: `$0.42 + 2 unpriced calls`) follows the tokens when `cost` is given.
 */
export type TraceDescriptionStyle = 'row' | 'pick' | 'report';

export function describeTrace(summary: TraceSummary, style: TraceDescriptionStyle, cost?: CostTotals): string {
  const parts: string[] = [];
  if (summary.service) parts.push(style === 'report' ? `service ${summary.service}` : summary.service);
  parts.push(formatDuration(summary.durationMs));
  if (style !== 'row') parts.push(plural(summary.spanCount, 'span'));
  const { inputTokens, outputTokens } = summary.tokens;
  const estimated = hasEstimatedTokens(summary.byModel);
  if (style === 'row' && inputTokens + outputTokens > 0) {
    parts.push(`${estimated ? ESTIMATE_MARK : ''}${formatTokens(inputTokens + outputTokens)} tok`);
  }
  if (style === 'report') {
    const flow = formatTokenFlow(inputTokens || undefined, outputTokens || undefined, estimated);
    if (flow) parts.push(flow);
  }
  const price = cost === undefined ? undefined : formatCostTotals(cost);
  if (price !== undefined) parts.push(price);
  if (summary.errorCount > 0) parts.push(plural(summary.errorCount, 'error'));
  return parts.join(' · ');
}

const TITLE_MAX_LENGTH = 60;

/**
 * A name as a file-name-safe title, for document tabs and saved files: path separators and control characters would
 * split or break it.
 */
export function fileTitle(name: string): string {
  const title = name
    .replace(/[/\\]/g, '∕')
    // eslint-disable-next-line no-control-regex -- control characters are among what a file name cannot hold
    .replace(/[\u0000-\u001f\u007f:*?"<>|]+/g, ' ')
    .trim();
  if (title === '') return 'span';
  return title.length > TITLE_MAX_LENGTH ? `${title.slice(0, TITLE_MAX_LENGTH - 1)}…` : title;
}

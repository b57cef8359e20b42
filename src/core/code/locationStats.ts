/**
 * The figures shown in the editor above a line that spans resolved to: how often that code ran, how long it took,
 * what it cost in tokens, and how often it failed. Pure aggregation over the spans' calls; the host decides which
 * spans belong to which line.
 */
import { addCost, noCost, type CostTotals, type SpanCost } from '../../shared/cost';
import {
  ESTIMATE_MARK,
  formatDuration,
  formatSpanCost,
  formatTokenFlow,
  formatTokens,
  formatUsd,
  plural,
} from '../../shared/format';
import { durationNanos, nanosToMillis, StatusCode } from '../model';
import { escapeMarkdown } from '../tooltip';
import type { ResolvableSpan } from './resolveLocation';

/** One span's contribution to a location's figures. */
export interface LocationCall {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly ttftMs: number | undefined;
  /** Input + output tokens of llm and embedding spans; undefined for other kinds or when not reported. */
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly error: boolean;
  /** The call's cost (PriceBook.spanCost); undefined for spans that are not model calls or report no tokens. */
  readonly cost: SpanCost | undefined;
}

export interface LocationStats {
  readonly calls: number;
  readonly p50DurationMs: number;
  /** Summed over llm and embedding calls: wrapper spans repeat their children's usage. */
  readonly tokens: number;
  /** Undefined when no call reported a time to first token. */
  readonly p50TtftMs: number | undefined;
  readonly errors: number;
  /** Summed over the calls that have a cost. */
  readonly cost: CostTotals;
  /** The call that started last: the CodeLens opens its trace. */
  readonly latest: LocationCall;
}

export function locationCall(node: ResolvableSpan, cost?: SpanCost): LocationCall {
  const { span, ai } = node;
  const countsTokens = ai.kind === 'llm' || ai.kind === 'embedding';
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    startUnixMs: Number(span.startTimeUnixNano / 1_000_000n),
    durationMs: nanosToMillis(durationNanos(span)),
    ttftMs: ai.ttftMs,
    inputTokens: countsTokens ? ai.inputTokens : undefined,
    outputTokens: countsTokens ? ai.outputTokens : undefined,
    error: span.status.code === StatusCode.Error,
    cost,
  };
}

/** Undefined for no calls. */
export function locationStats(calls: readonly LocationCall[]): LocationStats | undefined {
  if (calls.length === 0) return undefined;
  let tokens = 0;
  let errors = 0;
  let latest = calls[0]!;
  const ttfts: number[] = [];
  const cost = noCost();
  for (const call of calls) {
    tokens += (call.inputTokens ?? 0) + (call.outputTokens ?? 0);
    addCost(cost, call.cost);
    if (call.error) errors++;
    if (call.ttftMs !== undefined) ttfts.push(call.ttftMs);
    if (call.startUnixMs > latest.startUnixMs) latest = call;
  }
  return {
    calls: calls.length,
    p50DurationMs: median(calls.map((call) => call.durationMs)),
    tokens,
    p50TtftMs: ttfts.length === 0 ? undefined : median(ttfts),
    errors,
    cost,
    latest,
  };
}

/** The nearest-rank median: always a value that was observed (the lower middle one for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}

/**
 * `AI Trace Lens: 12 calls · p50 1.2 s · 1.4k tok · $0.012/call · TTFT p50 210 ms · 1 error`; parts without data are
 * left out. The cost is the mean over the priced calls, with the unpriced ones counted beside it.
 */
export function formatLocationStats(stats: LocationStats): string {
  const parts = [plural(stats.calls, 'call'), `p50 ${formatDuration(stats.p50DurationMs)}`];
  if (stats.tokens > 0) parts.push(`${formatTokens(stats.tokens)} tok`);
  const cost = costPerCall(stats.cost);
  if (cost !== undefined) parts.push(cost);
  if (stats.p50TtftMs !== undefined) parts.push(`TTFT p50 ${formatDuration(stats.p50TtftMs)}`);
  if (stats.errors > 0) parts.push(plural(stats.errors, 'error'));
  return `AI Trace Lens: ${parts.join(' · ')}`;
}

/** `$0.012/call`, `≈$0.012/call + 2 unpriced`, `unpriced`; undefined with no call to price. */
function costPerCall(cost: CostTotals): string | undefined {
  const unpriced = cost.unpricedCalls > 0 ? 'unpriced' : undefined;
  if (cost.pricedCalls === 0) return unpriced;
  const mean = `${cost.estimated ? ESTIMATE_MARK : ''}${formatUsd(cost.usd / cost.pricedCalls)}/call`;
  return unpriced === undefined ? mean : `${mean} + ${cost.unpricedCalls} unpriced`;
}

/**
 * Markdown for a hover: the `limit` most recent calls, newest first, one line each (time, name, duration, tokens,
 * status). Span text is escaped; `formatTime` renders a start time (the host uses the user's locale).
 */
export function recentCallsMarkdown(
  calls: readonly LocationCall[],
  limit: number,
  formatTime: (unixMs: number) => string,
): string {
  const recent = [...calls].sort((a, b) => b.startUnixMs - a.startUnixMs).slice(0, limit);
  const heading = `**AI Trace Lens**: last ${recent.length === 1 ? 'call' : `${recent.length} calls`} of ${calls.length}`;
  const lines = recent.map((call) => {
    const parts = [
      escapeMarkdown(formatTime(call.startUnixMs)),
      escapeMarkdown(call.name),
      formatDuration(call.durationMs),
    ];
    const tokens = formatTokenFlow(call.inputTokens, call.outputTokens);
    if (tokens !== undefined) parts.push(escapeMarkdown(tokens));
    const cost = formatSpanCost(call.cost);
    if (cost !== undefined) parts.push(escapeMarkdown(cost));
    if (call.ttftMs !== undefined) parts.push(`TTFT ${formatDuration(call.ttftMs)}`);
    parts.push(call.error ? '**error**' : 'ok');
    return `- ${parts.join(' · ')}`;
  });
  return [heading, '', ...lines].join('\n');
}

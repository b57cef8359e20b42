/**
 * The CLI's view of a TraceStore: a JSON document for scripts and a text tree for people.
 * Traces are listed by start time, oldest first, so a file of exports reads in the order things happened.
 * Spans are in pre-order (parents before children, siblings by start time). Unknown values are `null`.
 */
import type { AiKind } from '../shared/aiKinds';
import type { TranscriptMessage } from '../shared/transcript';
import { describeSpan, describeTrace } from './describe';
import { StatusCode, durationNanos, nanosToMillis } from './model';
import type { LogRecord } from './otlp/logModel';
import type { LogStore } from './store/logStore';
import type { TraceStore } from './store/traceStore';
import type { SpanNode, TraceRecord } from './store/types';
import { extractTranscript } from './transcript';
import type { FigureSource } from '../shared/figures';
import { formatCostTotals } from '../shared/format';
import type { PriceOverride } from './cost/priceOverrides';
import { spanCostUsd, traceCost } from './cost/spanCost';

export interface SpanSummaryJson {
  traceId: string;
  spanId: string;
  /** Null for a root; an orphan keeps the id of the parent that never arrived. */
  parentSpanId: string | null;
  name: string;
  /** The AI classification, not the OTLP span kind. */
  kind: AiKind;
  status: 'ok' | 'error' | 'unset';
  durationMs: number;
  requestModel: string | null;
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
  /** The tokens were counted by the gateway from the text, not reported by the provider. */
  tokensEstimated: boolean;
  /** A model call's cost in USD; null when not a model call, without token counts, or unpriced. */
  costUsd: number | null;
  streaming: boolean | null;
  ttftMs: number | null;
  tpotMs: number | null;
  /** Who measured each figure: the app's own instrumentation (`span`) or the AI gateway; null without the figure. */
  sources: { ttft: FigureSource | null; tpot: FigureSource | null; tokens: FigureSource | null };
  toolName: string | null;
  /** Null when the span names no code location at all. */
  code: { file: string | null; line: number | null; function: string | null } | null;
  /** Log records correlated with the span. */
  logCount: number;
  /** The conversation, from its attributes, events and logs; empty when it recorded none. */
  transcript: TranscriptMessage[];
}

export interface TraceSummaryJson {
  traceId: string;
  rootName: string;
  service: string | null;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  /** Summed over LLM and embedding spans only, as the store counts them. */
  inputTokens: number;
  outputTokens: number;
  /** Of the priced model calls (counted as the tokens are); null when none was priced. */
  costUsd: number | null;
  /** Model calls with token counts whose model has no price: `costUsd` leaves them out. */
  unpricedCalls: number;
  spans: SpanSummaryJson[];
}

export interface SummaryJson {
  traces: TraceSummaryJson[];
  /** Data points of the metrics requests read: counted, not summarized. */
  metricDataPoints: number;
}

export interface SummaryInputs {
  /** Joined to their spans. */
  logs?: LogStore;
  metricDataPoints?: number;
  /** The user's prices, over the price table's. */
  prices?: readonly PriceOverride[];
}

export function summarizeStore(
  store: TraceStore,
  { logs, metricDataPoints = 0, prices = [] }: SummaryInputs = {},
): SummaryJson {
  return { traces: chronological(store).map((record) => summarizeTrace(record, logs, prices)), metricDataPoints };
}

/** One block per trace: a header line, the trace id, then the span tree indented by depth. */
export function renderSummaryText(store: TraceStore): string {
  const traces = chronological(store);
  if (traces.length === 0) return 'No traces.\n';
  return traces.map(renderTrace).join('\n');
}

/** The store's traces, oldest first (ties by trace id). */
export function chronological(store: TraceStore): TraceRecord[] {
  return store.traces().sort((a, b) => {
    const startA = a.summary.startTimeUnixNano;
    const startB = b.summary.startTimeUnixNano;
    if (startA !== startB) return startA < startB ? -1 : 1;
    return a.summary.traceId < b.summary.traceId ? -1 : 1;
  });
}

function summarizeTrace(
  record: TraceRecord,
  logs: LogStore | undefined,
  prices: readonly PriceOverride[],
): TraceSummaryJson {
  const { summary } = record;
  const spans = record.spans();
  const cost = traceCost(spans, prices);
  return {
    traceId: summary.traceId,
    rootName: summary.rootName,
    service: summary.service ?? null,
    durationMs: summary.durationMs,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    inputTokens: summary.tokens.inputTokens,
    outputTokens: summary.tokens.outputTokens,
    costUsd: cost.pricedCalls === 0 ? null : cost.usd,
    unpricedCalls: cost.unpricedCalls,
    spans: spans.map((node) => summarizeSpan(node, logs?.forSpan(node.span.traceId, node.span.spanId) ?? [], prices)),
  };
}

/** One span in the JSON shape of `summarize --json` (and `query --json`), with the log records joined to it. */
export function summarizeSpan(
  node: SpanNode,
  logs: readonly LogRecord[],
  prices: readonly PriceOverride[] = [],
): SpanSummaryJson {
  const { span, ai } = node;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    name: span.name,
    kind: ai.kind,
    status: statusName(span.status.code),
    durationMs: nanosToMillis(durationNanos(span)),
    requestModel: ai.requestModel ?? null,
    responseModel: ai.responseModel ?? null,
    inputTokens: ai.inputTokens ?? null,
    outputTokens: ai.outputTokens ?? null,
    cachedTokens: ai.cachedTokens ?? null,
    reasoningTokens: ai.reasoningTokens ?? null,
    tokensEstimated: ai.tokensEstimated === true,
    costUsd: spanCostUsd(ai, prices) ?? null,
    streaming: ai.streaming ?? null,
    ttftMs: ai.ttftMs ?? null,
    tpotMs: ai.tpotMs ?? null,
    sources: { ttft: ai.ttftSource ?? null, tpot: ai.tpotSource ?? null, tokens: ai.tokensSource ?? null },
    toolName: ai.toolName ?? null,
    code: ai.code
      ? { file: ai.code.file ?? null, line: ai.code.line ?? null, function: ai.code.function ?? null }
      : null,
    logCount: logs.length,
    transcript: extractTranscript(span, logs),
  };
}

function statusName(code: number): SpanSummaryJson['status'] {
  if (code === StatusCode.Error) return 'error';
  return code === StatusCode.Ok ? 'ok' : 'unset';
}

function renderTrace(record: TraceRecord): string {
  const lines = [traceHeader(record)];
  for (const root of record.roots) renderSpan(root, 1, lines);
  return lines.join('\n') + '\n';
}

/** A trace's two header lines: its name, figures and cost (when it has model calls), then its id. */
export function traceHeader(record: TraceRecord): string {
  const { summary } = record;
  const cost = formatCostTotals(traceCost(record.spans()));
  const costPart = cost === undefined ? '' : ` · ${cost}`;
  return `${summary.rootName} · ${describeTrace(summary, 'report')}${costPart}\n  trace ${summary.traceId}`;
}

function renderSpan(node: SpanNode, depth: number, lines: string[]): void {
  lines.push(`${'  '.repeat(depth)}${spanLine(node)}`);
  for (const child of node.children) renderSpan(child, depth + 1, lines);
}

/** `llm       chat gpt-4o · gpt-4o · 1.2 s · 340→120 tok  [ERROR timeout]`: one span, without indentation. */
export function spanLine(node: SpanNode): string {
  const { span, ai } = node;
  const marks: string[] = [];
  if (span.status.code === StatusCode.Error) marks.push(span.status.message ? `ERROR ${span.status.message}` : 'ERROR');
  if (node.orphan) marks.push(`parent ${span.parentSpanId} missing`);
  const detail = describeSpan(ai, nanosToMillis(durationNanos(span)));
  const suffix = marks.length > 0 ? `  [${marks.join('; ')}]` : '';
  return `${ai.kind.padEnd(9)} ${span.name} · ${detail}${suffix}`;
}

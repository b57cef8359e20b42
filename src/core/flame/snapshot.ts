/**
 * The host's side of a flame graph snapshot (shared/flame/snapshot.ts): a stored trace laid out and flattened into
 * typed-array columns and a string table, ready to post to the page.
 */
import { concatLevels, FlameFlag, SUMMARY_RESOLUTIONS } from '../../shared/flame/layout';
import {
  FigureFlag,
  type HeaderCost,
  type StringIndexes,
  type TraceHeader,
  type TraceSnapshot,
} from '../../shared/flame/snapshot';
import { SPAN_ID_BYTES } from '../../shared/ids';
import type { TraceCostInfo } from '../cost/priceBook';
import type { AiSpanInfo } from '../semantics/types';
import type { TraceRecord, TraceSummary } from '../store/types';
import { buildFlameLayout } from './layout';

/** `cost`: the trace's costs (PriceBook.traceCostInfo); without it the header shows none. */
export function traceHeader(summary: TraceSummary, cost?: TraceCostInfo): TraceHeader {
  return {
    rootName: summary.rootName,
    service: summary.service ?? null,
    startUnixMs: Number(summary.startTimeUnixNano / 1_000_000n),
    durationMs: summary.durationMs,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    llmCalls: summary.callCounts.llm,
    toolCalls: summary.callCounts.tool,
    mcpCalls: summary.callCounts.mcp,
    tokens: { ...summary.tokens },
    byModel: summary.byModel.map((totals) => ({ ...totals })),
    cost: cost === undefined ? null : headerCost(summary, cost),
  };
}

function headerCost(summary: TraceSummary, { costs, source }: TraceCostInfo): HeaderCost {
  const copy = (totals: HeaderCost['total'] | undefined) => (totals === undefined ? null : { ...totals });
  return {
    total: { ...costs.total },
    byModel: summary.byModel.map((totals) => copy(costs.byModel.get(totals.model))),
    source,
  };
}

/** The value of one hex digit's character code. */
function hexDigit(code: number): number {
  return code <= 57 ? code - 48 : (code | 32) - 87;
}

/** Each span id's hex digits as bytes; an id of another form (no receiver stores one) would come back changed. */
function spanIdBytes(spanIds: readonly string[]): Uint8Array {
  const bytes = new Uint8Array(spanIds.length * SPAN_ID_BYTES);
  for (let i = 0; i < spanIds.length; i++) {
    const id = spanIds[i]!;
    for (let b = 0; b < SPAN_ID_BYTES; b++) {
      bytes[i * SPAN_ID_BYTES + b] = (hexDigit(id.charCodeAt(2 * b)) << 4) | hexDigit(id.charCodeAt(2 * b + 1));
    }
  }
  return bytes;
}

/** Interns strings into a table, returning each one's index. */
class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();

  index(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.indexes.set(text, index);
    }
    return index;
  }
}

function optional(value: number | undefined): number {
  return value ?? NaN;
}

/** The `FigureFlag` bits of a span's figures. */
function figureFlagsOf(ai: AiSpanInfo): number {
  let flags = 0;
  if (ai.ttftSource === 'gateway') flags |= FigureFlag.TtftAtGateway;
  if (ai.tpotSource === 'gateway') flags |= FigureFlag.TpotAtGateway;
  if (ai.tokensSource === 'gateway') flags |= FigureFlag.TokensAtGateway;
  if (ai.tokensEstimated === true) flags |= FigureFlag.TokensEstimated;
  return flags;
}

export function serializeTrace(record: TraceRecord, cost?: TraceCostInfo): TraceSnapshot {
  const nodes = record.spans();
  const layout = buildFlameLayout(record, nodes);
  const count = layout.count;
  const table = new StringTable();
  const name = new Uint32Array(count);
  const model = new Uint32Array(count);
  const statusMessage = new Uint32Array(count);
  const inputTokens = new Float32Array(count);
  const outputTokens = new Float32Array(count);
  const cachedTokens = new Float32Array(count);
  const tpot = new Float32Array(count);
  const figureFlags = new Uint8Array(count);
  const firstText = new Float32Array(count);
  const longestGap = new Float32Array(count);
  const stalls = new Float32Array(count);
  let presentKinds = 0;
  let presentFlags = 0;
  for (let i = 0; i < count; i++) {
    const { span, ai } = nodes[i]!;
    presentKinds |= 1 << layout.kind[i]!;
    presentFlags |= layout.flags[i]!;
    name[i] = table.index(span.name);
    model[i] = table.index(ai.responseModel ?? ai.requestModel ?? '');
    statusMessage[i] = table.index(span.status.message);
    inputTokens[i] = optional(ai.inputTokens);
    outputTokens[i] = optional(ai.outputTokens);
    cachedTokens[i] = optional(ai.cachedTokens);
    tpot[i] = optional(ai.tpotMs);
    figureFlags[i] = figureFlagsOf(ai);
    firstText[i] = optional(ai.firstTextMs);
    longestGap[i] = optional(ai.longestGapMs);
    stalls[i] = optional(ai.stalls);
  }
  const clipped: number[] = [];
  for (let i = 0; i < count; i++) if (layout.flags[i]! & FlameFlag.Clipped) clipped.push(i);
  const summarized = layout.summaries.flat();
  const int32s = (length: number) => new Int32Array(length);
  const float64s = (length: number) => new Float64Array(length);
  return {
    traceId: layout.traceId,
    version: record.summary.version,
    header: traceHeader(record.summary, cost),
    count,
    totalMs: layout.totalMs,
    spanIds: spanIdBytes(layout.spanIds),
    strings: table.strings,
    presentKinds,
    presentFlags,
    columns: {
      start: layout.start,
      duration: layout.duration,
      clipped: Int32Array.from(clipped),
      clippedTrueStart: Float64Array.from(clipped, (i) => layout.trueStart[i]!),
      clippedTrueDuration: Float64Array.from(clipped, (i) => layout.trueDuration[i]!),
      depth: layout.depth,
      kind: layout.kind,
      flags: layout.flags,
      parent: layout.parent,
      ttft: layout.ttft,
      inputTokens,
      outputTokens,
      cachedTokens,
      tpot,
      figureFlags,
      firstText,
      longestGap,
      stalls,
      name: narrowIndexes(name, table.strings.length),
      model: narrowIndexes(model, table.strings.length),
      statusMessage: narrowIndexes(statusMessage, table.strings.length),
      levelSizes: Int32Array.from(layout.levels, (level) => level.length),
      levelOrder: concatLevels(layout.levels, int32s),
      levelMaxEnd: concatLevels(layout.levelMaxEnd, float64s),
      summaryWideSizes: Int32Array.from(
        layout.summaries.flatMap((summaries) => SUMMARY_RESOLUTIONS.map((_, r) => summaries[r]?.wide.length ?? -1)),
      ),
      summaryBest: concatLevels(
        summarized.map((summary) => summary.best),
        int32s,
      ),
      summaryRank: concatLevels(
        summarized.map((summary) => summary.rank),
        (length) => new Uint8Array(length),
      ),
      summaryEnd: concatLevels(
        summarized.map((summary) => summary.end),
        float64s,
      ),
      summaryWide: concatLevels(
        summarized.map((summary) => summary.wide),
        int32s,
      ),
      summaryWideMaxEnd: concatLevels(
        summarized.map((summary) => summary.wideMaxEnd),
        float64s,
      ),
    },
  };
}

function narrowIndexes(indexes: Uint32Array, tableSize: number): StringIndexes {
  return tableSize <= 0x10000 ? Uint16Array.from(indexes) : indexes;
}

import type { AiKind } from '../../shared/aiKinds';
import type { ModelTotals, TokenTotals } from '../../shared/tokens';
import type { Span } from '../model';
import type { AiSpanInfo } from '../semantics/types';

/** One span in the store, linked into its trace's tree. */
export interface SpanNode {
  readonly span: Span;
  readonly ai: AiSpanInfo;
  /** Undefined for roots and for orphans (parent not (yet) received). */
  parent: SpanNode | undefined;
  /** Ordered by start time, then span id. */
  readonly children: SpanNode[];
  /** The span names a parent that has not arrived: it is shown as a root until the parent does. */
  orphan: boolean;
}

export interface TraceSummary {
  readonly traceId: string;
  /** The earliest-starting root span's name, or the earliest span's when the trace has only orphans. */
  rootName: string;
  service: string | undefined;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  tokens: TokenTotals;
  byModel: ModelTotals[];
  callCounts: Record<AiKind, number>;
  /** Increases on every change to the trace; lets views skip unchanged traces. */
  version: number;
}

export interface TraceRecord {
  readonly summary: TraceSummary;
  /** Root spans and orphans, ordered by start time. */
  readonly roots: readonly SpanNode[];
  getSpan(spanId: string): SpanNode | undefined;
  /** All spans in pre-order (parents before children, siblings by start time). */
  spans(): SpanNode[];
}

/** What changed in one ingest, clear or eviction; the tree debounces these. */
export interface StoreChange {
  /** Traces that gained or replaced spans. */
  readonly updated: readonly string[];
  /** Traces removed by eviction or clear, or joined into another trace (a gateway call, gatewayJoin.ts). */
  readonly removed: readonly string[];
  readonly cleared: boolean;
}

export interface IngestResult {
  accepted: number;
  /** Spans that replaced an earlier copy with the same trace and span id (exporter retries). */
  duplicates: number;
}

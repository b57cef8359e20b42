/**
 * The host builds the flame chart's geometry (shared/flame/layout.ts) from a stored trace: built once per trace
 * version, read on every frame. x is milliseconds from the trace's earliest start, y is the depth in the span tree.
 *
 * Live traces rebuild the whole layout on each change rather than patching it: a late parent re-parents its orphans
 * and moves every descendant down a level, which a patch would have to chase, and a rebuild of 100k spans costs tens of
 * milliseconds (bench/flameLayout.bench.ts), far less than the debounced refresh interval.
 */
import { AI_KINDS, type AiKind } from '../../shared/aiKinds';
import { buildLevels, FlameFlag, summarizeLevels, type FlameLayout } from '../../shared/flame/layout';
import { StatusCode } from '../model';
import type { SpanNode, TraceRecord } from '../store/types';

const KIND_INDEX = Object.fromEntries(AI_KINDS.map((kind, index) => [kind, index])) as Record<AiKind, number>;

/** The host's layout, with the span id of each slot (the webview reads them from the snapshot's id string). */
export interface HostFlameLayout extends FlameLayout {
  readonly spanIds: readonly string[];
}

/** Deeper than a Uint16Array holds only through a malformed parent chain; such spans are drawn on the last row. */
const MAX_DEPTH = 0xffff;

/** `nodes` is `record.spans()`, passed when the caller already has it (each call walks the whole tree). */
export function buildFlameLayout(record: TraceRecord, nodes: readonly SpanNode[] = record.spans()): HostFlameLayout {
  const count = nodes.length;
  const traceStart = record.summary.startTimeUnixNano;
  const trueStart = new Float64Array(count);
  const trueDuration = new Float64Array(count);
  const depth = new Uint16Array(count);
  const kind = new Uint8Array(count);
  const flags = new Uint8Array(count);
  const parent = new Int32Array(count);
  const ttft = new Float32Array(count);
  const spanIds: string[] = new Array<string>(count);

  // Pre-order means a node's parent is on the stack of open ancestors; popping to it gives the parent's index
  // without a node → index map.
  const ancestors: SpanNode[] = [];
  const ancestorIndexes: number[] = [];
  let maxDepth = 0;
  let totalMs = 0;
  for (let i = 0; i < count; i++) {
    const node = nodes[i]!;
    const span = node.span;
    const ai = node.ai;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== node.parent) {
      ancestors.pop();
      ancestorIndexes.pop();
    }
    const parentIndex = ancestors.length > 0 ? ancestorIndexes[ancestorIndexes.length - 1]! : -1;
    ancestors.push(node);
    ancestorIndexes.push(i);

    // Epoch nanoseconds exceed a double's exact range, offsets from the trace start do not (up to 104 days):
    // subtract as bigint, then work in doubles, which also keeps bigint arithmetic to two operations per span.
    const startNs = Number(span.startTimeUnixNano - traceStart);
    const endNs = Number(span.endTimeUnixNano - traceStart);
    const offsetMs = startNs / 1e6;
    const ownMs = endNs > startNs ? (endNs - startNs) / 1e6 : 0;
    trueStart[i] = offsetMs;
    trueDuration[i] = ownMs;
    if (offsetMs + ownMs > totalMs) totalMs = offsetMs + ownMs;

    let flag = 0;
    if (parentIndex >= 0) {
      const level = Math.min(depth[parentIndex]! + 1, MAX_DEPTH);
      depth[i] = level;
      if (level > maxDepth) maxDepth = level;
    }
    parent[i] = parentIndex;
    kind[i] = KIND_INDEX[ai.kind];
    if (span.status.code === StatusCode.Error) flag |= FlameFlag.Error;
    if (node.orphan) flag |= FlameFlag.Orphan;
    if (ai.ttftMs !== undefined) {
      flag |= FlameFlag.HasTtft;
      ttft[i] = ai.ttftMs;
    } else {
      ttft[i] = NaN;
    }
    flags[i] = flag;
    spanIds[i] = span.spanId;
  }

  const { start, duration } = clipToParents(trueStart, trueDuration, parent, flags);
  const { levels, levelMaxEnd } = buildLevels(start, duration, depth, count === 0 ? 0 : maxDepth + 1);
  const summaries = summarizeLevels({ start, duration, kind, flags, levels }, totalMs);
  return {
    traceId: record.summary.traceId,
    count,
    spanIds,
    start,
    duration,
    trueStart,
    trueDuration,
    depth,
    kind,
    flags,
    parent,
    ttft,
    maxDepth,
    totalMs,
    levels,
    levelMaxEnd,
    summaries,
  };
}

/**
 * The drawn bars: each span's range clamped into its parent's drawn range, so that a child that starts early or ends
 * late (clock skew between services, or a span kept open past its parent) stays under it. A child wholly outside its
 * parent becomes a zero-width bar at the nearer edge. Sets `FlameFlag.Clipped` where a range changed. Parents precede
 * their children (pre-order), so one pass suffices.
 */
export function clipToParents(
  trueStart: Float64Array,
  trueDuration: Float64Array,
  parent: Int32Array,
  flags: Uint8Array,
): { start: Float64Array; duration: Float64Array } {
  const count = trueStart.length;
  const start = new Float64Array(count);
  const duration = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const ownStart = trueStart[i]!;
    const ownEnd = ownStart + trueDuration[i]!;
    const parentIndex = parent[i]!;
    if (parentIndex < 0) {
      start[i] = ownStart;
      duration[i] = trueDuration[i]!;
      continue;
    }
    const parentStart = start[parentIndex]!;
    const parentEnd = parentStart + duration[parentIndex]!;
    const clippedStart = Math.min(Math.max(ownStart, parentStart), parentEnd);
    const clippedEnd = Math.min(Math.max(ownEnd, parentStart), parentEnd);
    if (clippedStart !== ownStart || clippedEnd !== ownEnd) {
      flags[i]! |= FlameFlag.Clipped;
      start[i] = clippedStart;
      duration[i] = clippedEnd - clippedStart;
    } else {
      // The exact duration, not a difference of two rounded offsets.
      start[i] = ownStart;
      duration[i] = trueDuration[i]!;
    }
  }
  return { start, duration };
}

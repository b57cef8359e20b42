/** Spans and bar sets for the flame layout's tests: spans named by their ids, and seeded random levels. */
import assert from 'node:assert/strict';
import type { HostFlameLayout } from '../../src/core/flame/layout';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { LevelCuller } from '../../src/shared/flame/cull';
import { summarizeLevels, type FlameAxis } from '../../src/shared/flame/layout';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeSpan, type PlainAttributes } from './spanBuilder';

export const T0 = DEFAULT_START_MS;

export function chat(model: string, input: number, output: number): PlainAttributes {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

export const TOOL: PlainAttributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' };

/** A span id that spells its label (up to 8 characters): `id('a1')` → `0000000000006131`. */
export function id(label: string): string {
  return Buffer.from(label).toString('hex').padStart(16, '0').slice(-16);
}

export function span(
  label: string,
  parent: string | undefined,
  startMs: number,
  durationMs: number,
  attributes: PlainAttributes = {},
): Span {
  return makeSpan({
    name: label,
    spanId: id(label),
    parentSpanId: parent === undefined ? undefined : id(parent),
    startMs: T0 + startMs,
    durationMs,
    attributes,
  });
}

export function recordOf(spans: Span[]): TraceRecord {
  const store = new TraceStore({ maxSpans: 1_000_000 });
  store.ingest(spans);
  return store.getTrace(DEFAULT_TRACE_ID)!;
}

export function names(layout: HostFlameLayout): string[] {
  return layout.spanIds.map((spanId) => Buffer.from(spanId, 'hex').toString().replace(/^\0+/, ''));
}

export function indexOf(layout: HostFlameLayout, label: string): number {
  const index = layout.spanIds.indexOf(id(label));
  assert.ok(index >= 0, `no span ${label}`);
  return index;
}

/** A seeded generator, so a failing random case can be replayed. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/**
 * A single-level axis from explicit bars (start, duration, kind, flags), for the culling and merging tests; culled bar
 * by bar, or through a level summary over `summaryExtent` units when given.
 */
export function axisOf(
  bars: readonly (readonly [number, number, number?, number?])[],
  summaryExtent?: number,
): FlameAxis {
  const order = bars.map((_, i) => i).sort((a, b) => bars[a]![0] - bars[b]![0] || a - b);
  const start = Float64Array.from(bars, (bar) => bar[0]);
  const duration = Float64Array.from(bars, (bar) => bar[1]);
  const kind = Uint8Array.from(bars, (bar) => bar[2] ?? 0);
  const flags = Uint8Array.from(bars, (bar) => bar[3] ?? 0);
  let running = -Infinity;
  const maxEnd = Float64Array.from(order, (i) => (running = Math.max(running, start[i]! + duration[i]!)));
  const levels = [Int32Array.from(order)];
  const summaries =
    summaryExtent === undefined ? [[]] : summarizeLevels({ start, duration, kind, flags, levels }, summaryExtent);
  return { start, duration, kind, flags, levels, levelMaxEnd: [maxEnd], summaries };
}

export function randomBars(
  next: () => number,
  count: number,
  span: number,
  maxDuration: number,
): [number, number, number][] {
  return Array.from({ length: count }, () => [
    next() * span,
    next() < 0.1 ? 0 : next() * maxDuration,
    Math.floor(next() * 3),
  ]);
}

const culler = new LevelCuller();

export interface Rect {
  index: number;
  x: number;
  width: number;
  merged: number;
}

export function drawables(axis: FlameAxis, x0: number, unitsPerPx: number, viewWidthPx: number): Rect[] {
  const rects: Rect[] = [];
  const count = culler.forEachDrawable(axis, 0, x0, unitsPerPx, viewWidthPx, (index, x, width, merged) =>
    rects.push({ index, x, width, merged }),
  );
  assert.equal(count, rects.length);
  return rects;
}

/**
 * Flame layout cost for 10k- and 100k-span traces, against a plain pre-order walk of the same store (the least any
 * layout must do), plus the token layout, the snapshot sent to the webview and one frame's culling pass.
 * Run: node --import tsx bench/flameLayout.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { buildFlameLayout } from '../src/core/flame/layout';
import { serializeTrace } from '../src/core/flame/snapshot';
import { SpanKind, StatusCode, type AttributeValue, type Span } from '../src/core/model';
import { TraceStore } from '../src/core/store/traceStore';
import type { TraceRecord } from '../src/core/store/types';
import { LevelCuller } from '../src/shared/flame/cull';
import type { FlameAxis } from '../src/shared/flame/layout';
import { decodeSnapshot } from '../src/shared/flame/snapshot';
import { ownTokens, tokenLayout } from '../src/shared/flame/tokenLayout';
import { serializeWebviewMessage } from '../test/webview/webviewWire';

const SIZES = [10_000, 100_000];
const ROUNDS = 21;
const VIEW_WIDTH_PX = 1200;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const EPOCH_NS = 1_767_225_600_000_000_000n;

const resource = {
  attributes: new Map<string, AttributeValue>([['service.name', 'bench']]),
  droppedAttributesCount: 0,
};
const scope = { name: 'bench', version: '1', attributes: new Map<string, AttributeValue>(), droppedAttributesCount: 0 };

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * One agent-like trace: each span gets 2–6 children laid out in its time range, breadth first, so the tree is about
 * log4(n) deep; one child in five overlaps its predecessor (parallel tool calls), one in fifty overruns its parent
 * (clipped), and every third span is an LLM call with tokens and a TTFT.
 */
function generateTrace(count: number): Span[] {
  const random = seeded(count);
  const spans: Span[] = [];
  const makeSpan = (index: number, parent: Span | undefined, startNs: bigint, durationNs: bigint): Span => {
    const attributes = new Map<string, AttributeValue>();
    if (index % 3 === 1) {
      attributes.set('gen_ai.operation.name', 'chat');
      attributes.set('gen_ai.request.model', index % 2 ? 'gpt-4o' : 'claude-sonnet-4');
      attributes.set('gen_ai.usage.input_tokens', 200 + (index % 1000));
      attributes.set('gen_ai.usage.output_tokens', 50 + (index % 200));
      attributes.set('gen_ai.response.time_to_first_chunk', 0.2);
    } else if (index % 3 === 2) {
      attributes.set('gen_ai.operation.name', 'execute_tool');
      attributes.set('gen_ai.tool.name', 'search');
    }
    return {
      traceId: TRACE_ID,
      spanId: (index + 1).toString(16).padStart(16, '0'),
      parentSpanId: parent?.spanId,
      traceState: '',
      flags: 0,
      name: index === 0 ? 'invoke_agent' : `step ${index}`,
      kind: SpanKind.Internal,
      startTimeUnixNano: startNs,
      endTimeUnixNano: startNs + durationNs,
      attributes,
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: index % 97 === 0 ? StatusCode.Error : StatusCode.Unset, message: '' },
      resource,
      scope,
    };
  };
  spans.push(makeSpan(0, undefined, EPOCH_NS, 600_000_000_000n));
  for (let next = 0; next < spans.length && spans.length < count; next++) {
    const parent = spans[next]!;
    const parentDuration = Number(parent.endTimeUnixNano - parent.startTimeUnixNano);
    const children = Math.min(2 + Math.floor(random() * 5), count - spans.length);
    const slot = parentDuration / children;
    for (let c = 0; c < children; c++) {
      const overlap = random() < 0.2 ? -slot / 2 : 0;
      const overrun = random() < 0.02 ? slot : 0;
      const start = Math.max(0, c * slot + overlap + slot * 0.05);
      const duration = slot * 0.9 + overrun;
      spans.push(
        makeSpan(
          spans.length,
          parent,
          parent.startTimeUnixNano + BigInt(Math.round(start)),
          BigInt(Math.round(duration)),
        ),
      );
    }
  }
  return spans;
}

function median(run: () => void): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const columns = new Int32Array(VIEW_WIDTH_PX);
const culler = new LevelCuller();
let rects = 0;
const countRect = (): void => {
  rects++;
};

/**
 * Culls and merges every level for one viewport, as a frame does before painting: through a level's summary where one
 * applies (`summaries`), else bar by bar. Returns the rectangles made; the summarized levels' columns are not counted.
 */
function cullFrame(axis: FlameAxis, levelCount: number, x0: number, unitsPerPx: number, summaries = true): number {
  rects = 0;
  for (let depth = 0; depth < levelCount; depth++) {
    if (!summaries || !culler.drawSummarized(axis, depth, x0, unitsPerPx, VIEW_WIDTH_PX, columns, countRect)) {
      culler.forEachDrawable(axis, depth, x0, unitsPerPx, VIEW_WIDTH_PX, countRect);
    }
  }
  return rects;
}

const ms = (value: number) => `${value.toFixed(2).padStart(8)} ms`;

interface Timings {
  depth: number;
  snapshotMb: number;
  baselineMs: number;
  layoutMs: number;
  tokenMs: number;
  serializeMs: number;
  decodeMs: number;
  fullFrameMs: number;
  fullRects: number;
  barByBarFrameMs: number;
  barByBarRects: number;
  zoomFrameMs: number;
  zoomRects: number;
}

function measure(size: number): Timings {
  const store = new TraceStore({ maxSpans: size });
  const spans = generateTrace(size);
  for (let i = 0; i < spans.length; i += 512) store.ingest(spans.slice(i, i + 512));
  const record: TraceRecord = store.getTrace(TRACE_ID)!;
  record.spans(); // sorts children once, as the tree view's first read would

  let sink = 0;
  const baselineMs = median(() => {
    for (const node of record.spans()) sink += node.span.name.length;
  });
  const layoutMs = median(() => {
    sink += buildFlameLayout(record).count;
  });
  const layout = buildFlameLayout(record);
  const snapshot = serializeTrace(record);
  const { inputTokens, outputTokens } = decodeSnapshot(snapshot);
  const tokenMs = median(() => {
    sink += tokenLayout(layout, ownTokens(layout.kind, inputTokens, outputTokens)).totalTokens;
  });
  const serializeMs = median(() => {
    sink += serializeTrace(record).count;
  });
  const decodeMs = median(() => {
    sink += decodeSnapshot(snapshot).layout.count;
  });
  const levels = layout.maxDepth + 1;
  let fullRects = 0;
  const fullFrameMs = median(() => {
    fullRects = cullFrame(layout, levels, 0, layout.totalMs / VIEW_WIDTH_PX);
  });
  // The same frame without the level summaries: every bar of the trace is read.
  let barByBarRects = 0;
  const barByBarFrameMs = median(() => {
    barByBarRects = cullFrame(layout, levels, 0, layout.totalMs / VIEW_WIDTH_PX, false);
  });
  // Zoomed 50x around the middle bar of the deepest level, where every level has bars.
  const deepest = layout.levels[layout.maxDepth]!;
  const middle = deepest[deepest.length >> 1]!;
  const zoomUnitsPerPx = layout.totalMs / 50 / VIEW_WIDTH_PX;
  const zoomX0 = layout.start[middle]! - (VIEW_WIDTH_PX / 2) * zoomUnitsPerPx;
  let zoomRects = 0;
  const zoomFrameMs = median(() => {
    zoomRects = cullFrame(layout, levels, zoomX0, zoomUnitsPerPx);
  });
  if (sink === 0) throw new Error('nothing measured');
  const wire = serializeWebviewMessage(snapshot);
  const snapshotMb = (wire.json.length + wire.buffers.reduce((sum, bytes) => sum + bytes.byteLength, 0)) / 1e6;
  const depth = layout.maxDepth;
  return {
    depth,
    snapshotMb,
    baselineMs,
    layoutMs,
    tokenMs,
    serializeMs,
    decodeMs,
    fullFrameMs,
    fullRects,
    barByBarFrameMs,
    barByBarRects,
    zoomFrameMs,
    zoomRects,
  };
}

measure(10_000); // warm-up: the first size measured would otherwise pay for compilation
console.log(`median of ${ROUNDS} rounds; baseline = record.spans() pre-order walk of the same store`);
for (const size of SIZES) {
  const t = measure(size);
  console.log(
    `\n${size / 1000}k spans: depth ${t.depth}, snapshot ${t.snapshotMb.toFixed(1)} MB as posted (JSON + binary)`,
  );
  console.log(`  pre-order walk (baseline)      ${ms(t.baselineMs)}`);
  console.log(
    `  buildFlameLayout               ${ms(t.layoutMs)}  ${(t.layoutMs / t.baselineMs).toFixed(1)}x baseline`,
  );
  console.log(`  tokenLayout                    ${ms(t.tokenMs)}`);
  console.log(`  serializeTrace (with layout)   ${ms(t.serializeMs)}`);
  console.log(`  decodeSnapshot (webview side)  ${ms(t.decodeMs)}`);
  console.log(
    `  cull frame, whole trace        ${ms(t.fullFrameMs)}  ${t.fullRects} rects + summarized columns at ${VIEW_WIDTH_PX} px`,
  );
  console.log(
    `    same, bar by bar (no summary) ${ms(t.barByBarFrameMs)}  ${t.barByBarRects} rects, ` +
      `${(t.barByBarFrameMs / t.fullFrameMs).toFixed(1)}x the summarized frame`,
  );
  console.log(`  cull frame, zoomed 50x         ${ms(t.zoomFrameMs)}  ${t.zoomRects} rects`);
}

/**
 * The flame graph webview (production bundle) in headless Chromium on 10k- and 100k-span agent traces: first paint
 * (from the bundle's start to the end of the first frame that drew the chart, split into its phases) and the
 * main-thread time of each zoom step while wheel-zooming in and out (wheel handler + drawing rAF callback + the
 * frame's style, layout and paint). The stand-in host has the `init` message's bytes before the bundle starts, as the
 * extension host has the snapshot serialized when the page asks for it; on 'ready' it rebuilds the message from its
 * bytes and posts it with its typed arrays' buffer transferred, as VS Code delivers it. So first paint is the page's
 * own work: booting, receiving the message, decoding the snapshot, laying out the page and drawing the first frame.
 * The host's serializeTrace is timed beside it. Medians over several page loads; the baseline is a blank page's
 * canvas making the same number of fillRect, drawImage and fillText calls with no layout, culling or DOM behind them.
 * Run: node --import tsx bench/flameChromium.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { serializeTrace } from '../src/core/flame/snapshot';
import { TraceStore } from '../src/core/store/traceStore';
import type { TraceSnapshot } from '../src/shared/flame/snapshot';
import { CHROMIUM_PATH, launchChromium } from '../test/support/chromium';
import { FlamePageServer, ROOT } from '../test/webview/flamePage';
import { serializeWebviewMessage } from '../test/webview/webviewWire';
import { AGENT_TRACE_ID, generateAgentTrace } from './support/agentTrace';
import { plainCanvasFrame, probeScript, type FrameRecord, type ProbeData } from './support/pageProbe';

const SIZES = [10_000, 100_000];
const LOADS = 7;
const VIEWPORT = { width: 1200, height: 800 };
/** Each step zooms by 2^(250 × 0.002) = √2 (d3-zoom's wheel delta): 24 steps in reach 4096×, then 24 back out. */
const ZOOM_STEPS = 24;
const WHEEL_DELTA = 250;
const FRAME_TIMEOUT_MS = 2000;

/** performance.now() marks of one page load (navigation start is 0) and its zoom steps' times. */
interface LoadResult {
  responseEnd: number;
  bundleStart: number;
  mainStart: number;
  ready: number;
  initStart: number;
  initEnd: number;
  bytesStart: number;
  bytesEnd: number;
  firstDrawStart: number;
  firstDrawEnd: number;
  firstFrameEnd: number;
  zoomDraw: number[];
  zoomStep: number[];
}

const median = (values: readonly number[]) => quantile(values, 0.5);

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function buildProductionBundle(): string {
  const result = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`production build failed:\n${result.stdout}${result.stderr}`);
  // Read once and served from memory, so that a concurrent development build cannot swap the bundle mid-run.
  return readFileSync(join(ROOT, 'dist/webview.js'), 'utf8');
}

function snapshotOf(count: number): { snapshot: TraceSnapshot; serializeMs: number; depth: number } {
  const spans = generateAgentTrace(count);
  const store = new TraceStore({ maxSpans: count });
  for (let i = 0; i < spans.length; i += 512) store.ingest(spans.slice(i, i + 512));
  const record = store.getTrace(AGENT_TRACE_ID)!;
  record.spans();
  const times: number[] = [];
  let snapshot = serializeTrace(record);
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    snapshot = serializeTrace(record);
    times.push(performance.now() - started);
  }
  let depth = 0;
  for (const value of snapshot.columns.depth) depth = Math.max(depth, value);
  return { snapshot, serializeMs: median(times), depth };
}

async function openPage(browser: Browser, bundle: string, url: string, counting: boolean): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await context.addInitScript(probeScript(counting));
  await context.route('**/dist/webview.js', (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  if (!(await page.evaluate<boolean>(`window.__bench.drawn(0, ${FRAME_TIMEOUT_MS * 5})`))) {
    throw new Error(`the chart never drew${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`);
  }
  // Let the frames queued by the first layout (resize, restored state) finish before zooming.
  await page.waitForTimeout(300);
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
  return page;
}

/** Wheel-zooms in then out at the middle of the canvas, one step per drawn frame; returns the frames of the steps. */
async function zoom(page: Page): Promise<FrameRecord[]> {
  const box = await page.locator('canvas.chart-canvas').boundingBox();
  if (box === null) throw new Error('no chart canvas');
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 100));
  const before = await page.evaluate<number>('window.__bench.frames.length');
  for (let step = 0; step < 2 * ZOOM_STEPS; step++) {
    const frames = await page.evaluate<number>('window.__bench.frames.length');
    await page.mouse.wheel(0, step < ZOOM_STEPS ? -WHEEL_DELTA : WHEEL_DELTA);
    if (!(await page.evaluate<boolean>(`window.__bench.drawn(${frames}, ${FRAME_TIMEOUT_MS})`))) {
      throw new Error(`zoom step ${step} drew no frame`);
    }
  }
  const data = await page.evaluate<ProbeData>('window.__bench.data()');
  return data.frames.slice(before);
}

async function measureLoad(browser: Browser, bundle: string, url: string): Promise<LoadResult> {
  const page = await openPage(browser, bundle, url, false);
  try {
    const zoomFrames = await zoom(page);
    const data = await page.evaluate<ProbeData>('window.__bench.data()');
    const first = data.frames[0]!;
    return {
      responseEnd: data.responseEnd,
      bundleStart: data.bundleStart,
      mainStart: data.mainStart,
      ready: data.ready,
      initStart: data.initStart,
      initEnd: data.initEnd,
      bytesStart: data.bytesStart,
      bytesEnd: data.bytesEnd,
      firstDrawStart: first.start,
      firstDrawEnd: first.drawEnd,
      firstFrameEnd: first.frameEnd,
      zoomDraw: zoomFrames.map((frame) => frame.drawEnd - frame.start),
      zoomStep: zoomFrames.map((frame) => frame.input + frame.frameEnd - frame.start),
    };
  } finally {
    await page.context().close();
  }
}

/** Canvas calls of the first frame and of an average zoom frame, from one untimed load with counting wrappers. */
async function countCalls(browser: Browser, bundle: string, url: string) {
  const page = await openPage(browser, bundle, url, true);
  try {
    const zoomFrames = await zoom(page);
    const data = await page.evaluate<ProbeData>('window.__bench.data()');
    const font = await page.evaluate<string>(`getComputedStyle(document.querySelector('canvas.chart-canvas')).font`);
    const canvas = await page.evaluate<{ width: number; height: number }>(
      `(() => { const c = document.querySelector('canvas.chart-canvas'); return { width: c.width, height: c.height }; })()`,
    );
    const mean = (pick: (frame: FrameRecord) => number) =>
      Math.round(zoomFrames.reduce((sum, frame) => sum + pick(frame), 0) / zoomFrames.length);
    const first = data.frames[0]!;
    return {
      font,
      canvas,
      first: { rects: first.fillRect + first.strokeRect, images: first.drawImage, texts: first.fillText },
      zoom: {
        rects: mean((f) => f.fillRect + f.strokeRect),
        images: mean((f) => f.drawImage),
        texts: mean((f) => f.fillText),
      },
    };
  } finally {
    await page.context().close();
  }
}

async function plainFrameMs(browser: Browser, options: Parameters<typeof plainCanvasFrame>[0]): Promise<number> {
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  try {
    const times: number[] = [];
    for (let round = 0; round < 9; round++) {
      times.push((await page.evaluate<{ frame: number }>(plainCanvasFrame(options))).frame);
    }
    return median(times);
  } finally {
    await page.context().close();
  }
}

const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;

async function main(): Promise<void> {
  const bundle = buildProductionBundle();
  // The browser first: a Chromium that does not start leaves no server behind to keep the process alive.
  const browser = await launchChromium();
  const server = new FlamePageServer();
  const summary = new Map<number, { firstPaint: number; zoomP95: number; serializeMs: number }>();
  try {
    await server.start();
    console.log(
      `flame webview in headless Chromium (${CHROMIUM_PATH}, software canvas), viewport ${VIEWPORT.width}x${VIEWPORT.height}, ` +
        `production bundle; median of ${LOADS} page loads; zoom: ${ZOOM_STEPS} wheel steps in then out, one per frame`,
    );
    // Warm-up load: Chromium's first page pays for process start-up and compiling the bundle's code cache.
    const warm = snapshotOf(10_000);
    await measureLoad(browser, bundle, server.page(warm.snapshot));

    for (const size of SIZES) {
      const { snapshot, serializeMs, depth } = snapshotOf(size);
      const url = server.page(snapshot);
      const wire = serializeWebviewMessage(snapshot);
      const jsonMb = wire.json.length / 1e6;
      const binaryMb = wire.buffers.reduce((sum, bytes) => sum + bytes.byteLength, 0) / 1e6;
      const loads: LoadResult[] = [];
      for (let load = 0; load < LOADS; load++) loads.push(await measureLoad(browser, bundle, url));
      const calls = await countCalls(browser, bundle, url);
      const plainFirst = await plainFrameMs(browser, { ...calls.canvas, ...calls.first, font: calls.font });
      const plainZoom = await plainFrameMs(browser, { ...calls.canvas, ...calls.zoom, font: calls.font });

      const of = (pick: (load: LoadResult) => number) => median(loads.map(pick));
      const firstPaint = of((l) => l.firstFrameEnd - l.bundleStart);
      const zoomDrawP50 = of((l) => median(l.zoomDraw));
      const zoomDrawP95 = of((l) => quantile(l.zoomDraw, 0.95));
      const zoomStepP50 = of((l) => median(l.zoomStep));
      const zoomStepP95 = of((l) => quantile(l.zoomStep, 0.95));
      const firstFrame = of((l) => l.firstFrameEnd - l.firstDrawStart);
      summary.set(size, { firstPaint, zoomP95: zoomStepP95, serializeMs });

      console.log(
        `\n${size / 1000}k spans: depth ${depth}, snapshot message ${jsonMb.toFixed(1)} MB JSON + ${binaryMb.toFixed(1)} MB binary ` +
          `(posted after 'ready')`,
      );
      console.log(`  host: serializeTrace (layout + columns, Node)   ${ms(serializeMs)}`);
      console.log(`  first paint from navigation start               ${ms(of((l) => l.firstFrameEnd))}`);
      console.log(`    page received (responseEnd)                   ${ms(of((l) => l.responseEnd))}`);
      console.log(`    HTML parse, then the stand-in's fetch          ${ms(of((l) => l.bundleStart - l.responseEnd))}`);
      console.log(`      of which the message's bytes over loopback  ${ms(of((l) => l.bytesEnd - l.bytesStart))}`);
      console.log(`  first paint from the bundle's start             ${ms(firstPaint)}`);
      console.log(`    bundle module init (elements, d3)             ${ms(of((l) => l.mainStart - l.bundleStart))}`);
      console.log(`    main.ts to 'ready'                            ${ms(of((l) => l.ready - l.mainStart))}`);
      console.log(`    'ready' to init received (page, rebuild, post) ${ms(of((l) => l.initStart - l.ready))}`);
      console.log(`    init: check + layout + DOM                    ${ms(of((l) => l.initEnd - l.initStart))}`);
      console.log(`    wait for the drawing frame (style, resize)    ${ms(of((l) => l.firstDrawStart - l.initEnd))}`);
      console.log(
        `    draw (rAF callback)                           ${ms(of((l) => l.firstDrawEnd - l.firstDrawStart))}`,
      );
      console.log(
        `    rendering after the draw (axis, paint)        ${ms(of((l) => l.firstFrameEnd - l.firstDrawEnd))}`,
      );
      console.log(
        `  first frame ${ms(firstFrame).trim()} vs plain canvas, same ${calls.first.rects} rects + ${calls.first.images} bar rows + ` +
          `${calls.first.texts} labels: ` +
          `${ms(plainFirst).trim()} (${(firstFrame / plainFirst).toFixed(1)}x)`,
      );
      console.log(`  zoom draw (rAF callback)          p50 ${ms(zoomDrawP50)}   p95 ${ms(zoomDrawP95)}`);
      console.log(`  zoom step (wheel + draw + render) p50 ${ms(zoomStepP50)}   p95 ${ms(zoomStepP95)}`);
      console.log(
        `  zoom step p50 vs plain canvas, same ${calls.zoom.rects} rects + ${calls.zoom.images} bar rows + ${calls.zoom.texts} labels: ` +
          `${ms(plainZoom).trim()} (${(zoomStepP50 / plainZoom).toFixed(1)}x)`,
      );
    }
    const small = summary.get(SIZES[0]!)!;
    const large = summary.get(SIZES[1]!)!;
    console.log(
      `\n100k vs 10k: first paint ${(large.firstPaint / small.firstPaint).toFixed(1)}x, zoom step p95 ` +
        `${(large.zoomP95 / small.zoomP95).toFixed(1)}x (goal: first paint < 200 ms, zoom frames < 16 ms)`,
    );
    console.log(
      `first paint counts from the bundle's start, with the snapshot at hand; the host's serializeTrace of the 100k ` +
        `spans before it: ${large.serializeMs.toFixed(0)} ms`,
    );
    console.log(`flame first paint 100k spans: ${large.firstPaint.toFixed(0)} ms`);
    console.log(`flame zoom frame p95 100k spans: ${large.zoomP95.toFixed(1)} ms`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

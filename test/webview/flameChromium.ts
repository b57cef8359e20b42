/**
 * The flame graph page in headless Chromium, served like the host's (flamePage.ts): opening it, waiting for its
 * draws, talking to it as the host does, and reading its canvas, axis, details and saved state.
 */
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TraceSnapshot } from '../../src/shared/flame/snapshot';
import type { FromWebview, ToWebview } from '../../src/shared/protocol';
import { launchChromium } from '../support/chromium';
import { ensureBundle, FlamePageServer, type PageOptions } from './flamePage';
import { SNAPSHOT } from './flameTrace';
import { packWireMessage, serializeWebviewMessage } from './webviewWire';

export const ROW_HEIGHT = 20;

let server: FlamePageServer;
let browser: Browser;

/** Builds the bundle if it is stale, serves the page and launches Chromium: each test file's `before`. */
export async function startFlamePages(): Promise<void> {
  ensureBundle();
  server = new FlamePageServer();
  await server.start();
  browser = await launchChromium();
}

export async function stopFlamePages(): Promise<void> {
  await browser?.close();
  await server?.stop();
}

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function open(snapshot: TraceSnapshot, options: PageOptions = {}, scale = 1): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: scale });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(server.page(snapshot, options));
  await loaded(page);
  return { context, page, errors };
}

// Page-side code is passed as text: tsx would wrap named functions in a helper that does not exist in the page.

/** Waits until the page got its trace from the stand-in host (after `ready`) and drew it. */
export async function loaded(page: Page): Promise<void> {
  await page.locator('canvas.chart-canvas').waitFor();
  await settle(page);
}

/** Waits until the pending draws (first layout, resize, coalesced redraws) have run. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(`new Promise((done) => {
    let frames = 4;
    const next = () => (--frames === 0 ? done() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  })`);
}

export function posted(page: Page): Promise<FromWebview[]> {
  return page.evaluate<FromWebview[]>('window.__posted');
}

/** Posts a message to the page as VS Code delivers it: typed arrays as binary beside the JSON. */
export async function send(page: Page, message: ToWebview): Promise<void> {
  const body = packWireMessage(serializeWebviewMessage(message)).toString('base64');
  await page.evaluate(`window.__deliver(Uint8Array.from(atob('${body}'), (char) => char.charCodeAt(0)).buffer)`);
  await settle(page);
}

/** RGBA of the canvas pixel at CSS coordinates (device pixels follow the ratio). */
export async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    const canvas = document.querySelector('canvas.chart-canvas');
    const ratio = canvas.width / canvas.clientWidth;
    const at = (value) => Math.round(value * ratio);
    return Array.from(canvas.getContext('2d').getImageData(at(${x}), at(${y}), 1, 1).data);
  })()`);
}

export type SavedState = { selectedSpanId: string; search: string; zoom: { x0Ms: number; x1Ms: number } | null };

export function savedState(page: Page): Promise<SavedState> {
  return page.evaluate(`JSON.parse(sessionStorage.getItem('vscode-state'))`);
}

/** The saved state once it meets `expected`: a zoom gesture saves the view at most every 250 ms, then once more. */
export async function savedStateWhen(page: Page, expected: (state: SavedState) => boolean): Promise<SavedState> {
  const deadline = Date.now() + 2_000;
  let state = await savedState(page);
  while (!expected(state) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    state = await savedState(page);
  }
  return state;
}

export async function canvasBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('canvas.chart-canvas').boundingBox();
  assert.ok(box, 'the canvas is on the page');
  return box;
}

/** CSS x of a time in ms at the whole-trace zoom. */
export function xOf(ms: number, width: number, snapshot = SNAPSHOT): number {
  return (ms / snapshot.totalMs) * width;
}

/** A point inside a span's bar, above its label: `fraction` of the way along it. */
export async function barPoint(page: Page, startMs: number, durationMs: number, depth: number, fraction = 0.5) {
  const box = await canvasBox(page);
  return { x: xOf(startMs + durationMs * fraction, box.width), y: depth * ROW_HEIGHT + 3, box };
}

/** The axis's tick labels, read from its accessible name (`Time axis: 0, 500 ms, 1 s`). */
export async function axisTicks(page: Page): Promise<string[]> {
  const label = (await page.locator('canvas.axis').getAttribute('aria-label')) ?? '';
  const match = /^(?:Time|Token) axis: (.*)$/.exec(label);
  assert.ok(match, `the axis names its ticks: ${label}`);
  return match[1]!.split(', ');
}

export async function details(page: Page): Promise<string> {
  return (await page.locator('.details').textContent()) ?? '';
}

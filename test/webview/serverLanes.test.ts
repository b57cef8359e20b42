/**
 * The model-server lanes under the flame graph in headless Chromium: a KV-cache step drawn at the x of its time at the
 * whole-trace zoom and zoomed in (the x worked out here from the saved view, not by the page's code), the values the
 * hover lists at an instant, the selected LLM call's cursors and its details' Model server row as samples arrive,
 * collapsing by keyboard, and no lanes without servers.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ToWebview } from '../../src/shared/protocol';
import type { ServerLane } from '../../src/shared/serverLanes';
import { DEFAULT_TRACE_ID } from '../support/spanBuilder';
import { ROOT, THEME } from './flamePage';
import {
  barPoint,
  canvasBox,
  details,
  open,
  posted,
  savedState,
  savedStateWhen,
  type SavedState,
  send,
  settle,
  startFlamePages,
  stopFlamePages,
  xOf,
} from './flameChromium';
import { ID, SNAPSHOT, XSS } from './flameTrace';

before(startFlamePages);
after(stopFlamePages);

/** The KV cache steps from LOW to HIGH at STEP_MS; the value before it was sampled before the trace started. */
const STEP_MS = 300;
const LOW = 10;
const HIGH = 90;
const TARGET = 'http://127.0.0.1:8000/metrics';

const LANE: ServerLane = {
  target: TARGET,
  server: 'vLLM',
  series: [
    {
      metric: 'kvCache',
      label: 'KV cache',
      unit: '%',
      times: Float64Array.from([-50, STEP_MS]),
      values: Float64Array.from([LOW, HIGH]),
    },
    {
      metric: 'waiting',
      label: 'Waiting',
      unit: '{request}',
      times: Float64Array.from([0, 700]),
      values: Float64Array.from([14, 2]),
    },
  ],
};

async function openWithLanes(lanes: readonly ServerLane[] = [LANE]) {
  const opened = await open(SNAPSHOT);
  await send(opened.page, { type: 'modelServers', traceId: DEFAULT_TRACE_ID, lanes, staleAfterMs: 30_000 });
  return opened;
}

async function laneBox(page: Page) {
  const box = await page.locator('canvas.lane-canvas').first().boundingBox();
  assert.ok(box, 'the lane canvas is on the page');
  return box;
}

/**
 * Per CSS column of the first lane's canvas, the topmost row drawn in `rgb` (within a small tolerance), -1 where none:
 * a step line's level in each column.
 */
async function topmostRows(page: Page, rgb: readonly number[]): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    const canvas = document.querySelector('canvas.lane-canvas');
    const ratio = canvas.width / canvas.clientWidth;
    const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const rgb = ${JSON.stringify(rgb)};
    const rows = [];
    for (let x = 0; x < canvas.clientWidth; x++) {
      let top = -1;
      for (let y = 0; y < height && top < 0; y++) {
        const at = (y * width + Math.round(x * ratio)) * 4;
        if (data[at + 3] > 200 && rgb.every((value, i) => Math.abs(data[at + i] - value) < 30)) top = y / ratio;
      }
      rows.push(top);
    }
    return rows;
  })()`);
}

/** The column where the KV-cache line first stands at its higher level: where the step is drawn. */
async function stepColumn(page: Page): Promise<number> {
  const rows = await topmostRows(page, THEME.kvCache);
  const drawn = rows.filter((row) => row >= 0);
  assert.ok(drawn.length > 0, 'the KV-cache line is drawn');
  const high = Math.min(...drawn);
  const low = Math.max(...drawn);
  assert.ok(low - high > 5, `two levels drawn: ${high} and ${low}`);
  return rows.findIndex((row) => row === high);
}

async function hoverText(page: Page, x: number): Promise<string> {
  const box = await laneBox(page);
  await page.mouse.move(box.x + x, box.y + box.height / 4);
  const tooltip = page.locator('.tooltip');
  await tooltip.waitFor({ state: 'visible' });
  return (await tooltip.textContent()) ?? '';
}

describe('model-server lanes in Chromium', () => {
  test('no lanes without a model server', async () => {
    const { context, page } = await open(SNAPSHOT);
    assert.equal(await page.locator('.lanes').isHidden(), true);
    await send(page, { type: 'modelServers', traceId: DEFAULT_TRACE_ID, lanes: [], staleAfterMs: 30_000 });
    assert.equal(await page.locator('.lanes').isHidden(), true);
    await context.close();
  });

  test('a KV-cache sample at T is drawn at the x of T at two zoom levels, and the hover says its value', async () => {
    const { context, page, errors } = await openWithLanes();
    const chart = await canvasBox(page);
    const lane = await laneBox(page);
    assert.equal(lane.width, chart.width, 'the lane is as wide as the chart');
    assert.match((await page.locator('.lane-header').textContent()) ?? '', /vLLM http:\/\/127\.0\.0\.1:8000\/metrics/);

    const wholeX = xOf(STEP_MS, chart.width);
    assert.ok(Math.abs((await stepColumn(page)) - wholeX) <= 1, `step at ${await stepColumn(page)}, T at ${wholeX}`);
    assert.match(await hoverText(page, wholeX + 3), new RegExp(`KV cache: ${HIGH}%`));
    assert.match(await hoverText(page, wholeX - 3), new RegExp(`KV cache: ${LOW}%`));
    assert.match(await hoverText(page, wholeX - 3), /Waiting: 14/);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'webview-lanes.png') });

    await page.mouse.move(chart.x + wholeX - 40, chart.y + 10);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -200);
    await settle(page);
    // The first save comes as the gesture starts; the last once it stops: under load the wheel events are still
    // arriving after the first narrow save, so wait for the zoom to hold still.
    const narrow = (state: SavedState) =>
      state.zoom !== null && state.zoom.x1Ms - state.zoom.x0Ms < SNAPSHOT.totalMs / 2;
    let { zoom } = await savedStateWhen(page, narrow);
    for (let previous = ''; JSON.stringify(zoom) !== previous;) {
      previous = JSON.stringify(zoom);
      await page.waitForTimeout(250);
      ({ zoom } = await savedState(page));
    }
    await settle(page);
    assert.ok(zoom !== null && zoom.x1Ms - zoom.x0Ms < SNAPSHOT.totalMs / 2, `zoomed in: ${JSON.stringify(zoom)}`);
    const zoomedX = ((STEP_MS - zoom.x0Ms) / (zoom.x1Ms - zoom.x0Ms)) * chart.width;
    assert.ok(Math.abs(zoomedX - wholeX) > 20, `the step moved with the zoom: ${wholeX} → ${zoomedX}`);
    const zoomedStep = await stepColumn(page);
    assert.ok(Math.abs(zoomedStep - zoomedX) <= 1, `zoomed step at ${zoomedStep}, T at ${zoomedX}`);
    assert.match(await hoverText(page, zoomedX + 3), new RegExp(`KV cache: ${HIGH}%`));
    assert.match(await hoverText(page, zoomedX - 3), new RegExp(`KV cache: ${LOW}%`));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('on a screen of pixel ratio 2 the lane is drawn at twice the resolution, the step at the same place', async () => {
    const { context, page } = await open(SNAPSHOT, {}, 2);
    await send(page, { type: 'modelServers', traceId: DEFAULT_TRACE_ID, lanes: [LANE], staleAfterMs: 30_000 });
    const ratio = await page.evaluate(`(() => {
      const canvas = document.querySelector('canvas.lane-canvas');
      return canvas.width / canvas.clientWidth;
    })()`);
    assert.equal(ratio, 2);
    const { width } = await canvasBox(page);
    const step = await stepColumn(page);
    assert.ok(Math.abs(step - xOf(STEP_MS, width)) <= 1, `step at ${step}, T at ${xOf(STEP_MS, width)}`);
    await context.close();
  });

  test('selecting the LLM call draws cursors at its start and first token', async () => {
    const { context, page } = await openWithLanes();
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.8);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await settle(page);
    const rows = await topmostRows(page, THEME.selection);
    const columns = rows.flatMap((row, column) => (row >= 0 ? [column] : []));
    // The LLM call starts at 100 ms and reports its first token 250 ms later.
    const expected = [100, 350].map((ms) => xOf(ms, box.width));
    assert.equal(columns.length, 2, `cursor columns: ${columns.join(', ')}`);
    columns.forEach((column, k) => assert.ok(Math.abs(column - expected[k]!) <= 1, `${column} vs ${expected[k]}`));
    await context.close();
  });

  test('the header button collapses and expands its lane from the keyboard', async () => {
    const { context, page } = await openWithLanes();
    const toggle = page.locator('.lane-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('canvas.lane-canvas').isHidden(), true);
    await page.keyboard.press('Space');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('canvas.lane-canvas').isVisible(), true);
    await context.close();
  });

  test("the selected call's Model server row follows spanModelServer, as text, and ignores other spans", async () => {
    const { context, page } = await open(SNAPSHOT, { selectedSpanId: ID.llm });
    const request = (await posted(page)).find((m) => m.type === 'requestSpanDetails');
    assert.ok(request?.type === 'requestSpanDetails' && request.spanId === ID.llm);
    const result = { spanId: ID.llm, attributes: [], resource: [], events: [] };
    await send(page, {
      type: 'spanDetails',
      traceId: DEFAULT_TRACE_ID,
      requestId: request.requestId,
      ok: true,
      result,
    });
    const rows = () => page.locator('.details-summary th', { hasText: 'Model server' }).count();
    const serverLine = (spanId: string, modelServer: string | null): ToWebview => ({
      type: 'spanModelServer',
      traceId: DEFAULT_TRACE_ID,
      spanId,
      modelServer,
    });
    assert.equal(await rows(), 0, 'no samples when the details came');

    await send(page, serverLine(ID.tool, 'queue 3 waiting · vLLM'));
    assert.equal(await rows(), 0, 'a line for another span is ignored');
    await send(page, serverLine(ID.llm, 'queue 14 waiting · KV cache 97% · vLLM'));
    assert.match(await details(page), /Model serverqueue 14 waiting · KV cache 97% · vLLM/);
    await send(page, serverLine(ID.llm, `queue 2 waiting · ${XSS}`));
    assert.equal(await rows(), 1, 'the row is replaced, not added again');
    assert.ok((await details(page)).includes(`Model serverqueue 2 waiting · ${XSS}`));
    assert.equal(await page.locator('.details img').count(), 0, 'the line is text, never HTML');
    await send(page, serverLine(ID.llm, null));
    assert.equal(await rows(), 0, 'the row goes with its samples');
    await context.close();
  });
});

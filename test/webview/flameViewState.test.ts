/**
 * The flame graph webview's view over time: zoom by wheel and double-click, state across a reload, updates and
 * removal of its trace sent by the host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeSpan } from '../support/spanBuilder';
import { snapshotOf, THEME } from './flamePage';
import {
  axisTicks,
  barPoint,
  canvasBox,
  details,
  loaded,
  open,
  pixel,
  posted,
  ROW_HEIGHT,
  SavedState,
  savedState,
  savedStateWhen,
  send,
  settle,
  startFlamePages,
  stopFlamePages,
  xOf,
} from './flameChromium';
import { ID, SNAPSHOT, traceSpans } from './flameTrace';

before(startFlamePages);
after(stopFlamePages);

describe('flame graph webview in Chromium: zoom, updates and saved state', () => {
  test('the wheel zooms the time axis, and the view survives a reload through the saved state', async () => {
    const { context, page } = await open(SNAPSHOT);
    const ticks = () => axisTicks(page);
    const before = await ticks();
    assert.ok(before.includes('1 s'), `ticks at the whole-trace zoom: ${before.join(', ')}`);
    const box = await canvasBox(page);
    await page.mouse.move(box.x + xOf(300, box.width), box.y + 10);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await settle(page);
    const zoomed = await ticks();
    assert.notDeepEqual(zoomed, before);
    assert.ok(!zoomed.includes('1 s'), `ticks after zooming in: ${zoomed.join(', ')}`);

    await page.mouse.click(box.x + xOf(300, box.width), box.y + ROW_HEIGHT + 8);
    await page.locator('vscode-textfield input').fill('chat');
    await settle(page);
    const saved = await savedState(page);
    assert.equal(saved.selectedSpanId, ID.llm);
    assert.equal(saved.search, 'chat');
    assert.ok(saved.zoom !== null && saved.zoom.x1Ms - saved.zoom.x0Ms < SNAPSHOT.totalMs / 2);

    await page.reload();
    await loaded(page);
    assert.deepEqual(await ticks(), zoomed);
    assert.equal(await page.evaluate(`document.querySelector('vscode-textfield').value`), 'chat');
    assert.match(await details(page), /chat gpt-4o/);
    const messages = await posted(page);
    assert.equal(messages[0]?.type, 'ready');
    await context.close();
  });

  test('an update keeps zoom and selection; older versions and other traces are dropped', async () => {
    const { context, page } = await open(SNAPSHOT, { selectedSpanId: ID.tool });
    const box = await canvasBox(page);
    await page.mouse.move(box.x + box.width / 2, box.y + 10);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -200);
    await settle(page);
    const ticks = () => axisTicks(page);
    const zoomed = await ticks();

    const newer = snapshotOf([
      ...traceSpans(),
      makeSpan({
        spanId: ID.late,
        parentSpanId: ID.tool,
        name: 'late child',
        startMs: DEFAULT_START_MS + 700,
        durationMs: 50,
      }),
    ]);
    assert.ok(newer.version > SNAPSHOT.version || newer.count > SNAPSHOT.count);
    const versioned = { ...newer, version: SNAPSHOT.version + 1 };
    await send(page, { type: 'update', traceId: 'ffffffffffffffffffffffffffffffff', snapshot: versioned });
    await send(page, {
      type: 'update',
      traceId: DEFAULT_TRACE_ID,
      snapshot: { ...versioned, version: SNAPSHOT.version },
    });
    assert.match((await page.locator('.trace-header').textContent()) ?? '', /4 spans/);

    await send(page, { type: 'update', traceId: DEFAULT_TRACE_ID, snapshot: versioned });
    assert.match((await page.locator('.trace-header').textContent()) ?? '', /5 spans/);
    assert.deepEqual(await ticks(), zoomed);
    assert.match(await details(page), /execute_tool get_weather/);
    await context.close();
  });

  test('a malformed update is reported to the host, not thrown away silently', async () => {
    const { context, page } = await open(SNAPSHOT);
    const broken = {
      ...SNAPSHOT,
      version: SNAPSHOT.version + 1,
      columns: { ...SNAPSHOT.columns, depth: new Uint16Array(2) },
    };
    await send(page, { type: 'update', traceId: DEFAULT_TRACE_ID, snapshot: broken });
    const report = (await posted(page)).find((m) => m.type === 'reportError');
    assert.ok(report?.type === 'reportError');
    assert.match(report.message, /column depth holds 2 elements, expected 4/);
    await context.close();
  });

  test('double-click zooms to the span, double-click on empty space shows the whole trace again', async () => {
    const { context, page } = await open(SNAPSHOT);
    const ticks = () => axisTicks(page);
    const whole = await ticks();
    const { x, y, box } = await barPoint(page, 650, 200, 1, 0.5);
    await page.mouse.dblclick(box.x + x, box.y + y + 6);
    await settle(page);
    // The tool span (650–850 ms) with a 5% margin on each side.
    const toolZoom = (state: SavedState) =>
      state.zoom !== null && Math.abs(state.zoom.x0Ms - 640) < 1 && Math.abs(state.zoom.x1Ms - 860) < 1;
    const zoomed = await savedStateWhen(page, toolZoom);
    assert.ok(toolZoom(zoomed), JSON.stringify(zoomed.zoom));
    // Its bar now spans most of the width.
    assert.deepEqual(await pixel(page, box.width * 0.1, y), [...THEME.tool, 255]);
    assert.deepEqual(await pixel(page, box.width * 0.9, y), [...THEME.tool, 255]);
    await page.mouse.dblclick(box.x + box.width / 2, box.y + 4 * ROW_HEIGHT);
    await settle(page);
    assert.deepEqual(await ticks(), whole);
    assert.equal((await savedStateWhen(page, (state) => state.zoom === null)).zoom, null);
    await context.close();
  });

  test('traceRemoved keeps the last state on screen and says why', async () => {
    const { context, page } = await open(SNAPSHOT);
    assert.equal(await page.locator('.banner').isHidden(), true);
    await send(page, { type: 'traceRemoved', traceId: DEFAULT_TRACE_ID });
    assert.match((await page.locator('.banner').textContent()) ?? '', /no longer in the store/);
    const { x, y } = await barPoint(page, 100, 500, 1, 0.1);
    assert.deepEqual(await pixel(page, x, y), [...THEME.llm, 255]);
    await context.close();
  });
});

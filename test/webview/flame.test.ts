/**
 * The flame graph webview bundle in headless Chromium, on a page built like the host's, with a stand-in VS Code API:
 * what is drawn where, tooltip and details content, messages to and from the host, state across a reload, and span
 * text that stays text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { StatusCode } from '../../src/core/model';
import type { TraceSnapshot } from '../../src/shared/flame/snapshot';
import type { FromWebview, ToWebview } from '../../src/shared/protocol';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeResource, makeSpan } from '../support/spanBuilder';
import { ensureBundle, FlamePageServer, snapshotOf, THEME, type PageOptions } from './flamePage';
import { packWireMessage, serializeWebviewMessage } from './webviewWire';

const XSS = '<img src=x onerror="window.__xss=1">';
const ROW_HEIGHT = 20;
const ID = {
  root: 'a000000000000001',
  llm: 'a000000000000002',
  tool: 'a000000000000003',
  xss: 'a000000000000004',
  late: 'a000000000000005',
};

function traceSpans() {
  const at = (ms: number) => DEFAULT_START_MS + ms;
  return [
    makeSpan({
      spanId: ID.root,
      name: 'invoke_agent planner',
      startMs: at(0),
      durationMs: 1000,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    }),
    makeSpan({
      spanId: ID.llm,
      parentSpanId: ID.root,
      name: 'chat gpt-4o',
      startMs: at(100),
      durationMs: 500,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 340,
        'gen_ai.usage.cache_read.input_tokens': 800,
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 0.25,
      },
    }),
    makeSpan({
      spanId: ID.tool,
      parentSpanId: ID.root,
      name: 'execute_tool get_weather',
      startMs: at(650),
      durationMs: 200,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
      status: { code: StatusCode.Error, message: 'timeout' },
    }),
    makeSpan({ spanId: ID.xss, parentSpanId: ID.root, name: XSS, startMs: at(870), durationMs: 120 }),
  ];
}

const SNAPSHOT = snapshotOf(traceSpans());

let server: FlamePageServer;
let browser: Browser;

before(async () => {
  ensureBundle();
  server = new FlamePageServer();
  await server.start();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(snapshot: TraceSnapshot, options: PageOptions = {}, scale = 1): Promise<Opened> {
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

// Page-side code is passed as text: this file is type-checked without the DOM library, and tsx would wrap named
// functions in a helper that does not exist in the page.

/** Waits until the page got its trace from the stand-in host (after `ready`) and drew it. */
async function loaded(page: Page): Promise<void> {
  await page.locator('canvas.chart-canvas').waitFor();
  await settle(page);
}

/** Waits until the pending draws (first layout, resize, coalesced redraws) have run. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(`new Promise((done) => {
    let frames = 4;
    const next = () => (--frames === 0 ? done() : requestAnimationFrame(next));
    requestAnimationFrame(next);
  })`);
}

function posted(page: Page): Promise<FromWebview[]> {
  return page.evaluate<FromWebview[]>('window.__posted');
}

/** Posts a message to the page as VS Code delivers it: typed arrays as binary beside the JSON. */
async function send(page: Page, message: ToWebview): Promise<void> {
  const body = packWireMessage(serializeWebviewMessage(message)).toString('base64');
  await page.evaluate(`window.__deliver(Uint8Array.from(atob('${body}'), (char) => char.charCodeAt(0)).buffer)`);
  await settle(page);
}

/** RGBA of the canvas pixel at CSS coordinates (device pixels follow the ratio). */
async function pixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate<number[]>(`(() => {
    const canvas = document.querySelector('canvas.chart-canvas');
    const ratio = canvas.width / canvas.clientWidth;
    const at = (value) => Math.round(value * ratio);
    return Array.from(canvas.getContext('2d').getImageData(at(${x}), at(${y}), 1, 1).data);
  })()`);
}

type SavedState = { selectedSpanId: string; search: string; zoom: { x0Ms: number; x1Ms: number } | null };

function savedState(page: Page): Promise<SavedState> {
  return page.evaluate(`JSON.parse(sessionStorage.getItem('vscode-state'))`);
}

/** The saved state once it meets `expected`: a zoom gesture saves the view at most every 250 ms, then once more. */
async function savedStateWhen(page: Page, expected: (state: SavedState) => boolean): Promise<SavedState> {
  const deadline = Date.now() + 2_000;
  let state = await savedState(page);
  while (!expected(state) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    state = await savedState(page);
  }
  return state;
}

async function canvasBox(page: Page): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('canvas.chart-canvas').boundingBox();
  assert.ok(box, 'the canvas is on the page');
  return box;
}

/** CSS x of a time in ms at the whole-trace zoom. */
function xOf(ms: number, width: number, snapshot = SNAPSHOT): number {
  return (ms / snapshot.totalMs) * width;
}

/** A point inside a span's bar, above its label: `fraction` of the way along it. */
async function barPoint(page: Page, startMs: number, durationMs: number, depth: number, fraction = 0.5) {
  const box = await canvasBox(page);
  return { x: xOf(startMs + durationMs * fraction, box.width), y: depth * ROW_HEIGHT + 3, box };
}

/** The axis's tick labels, read from its accessible name (`Time axis: 0, 500 ms, 1 s`). */
async function axisTicks(page: Page): Promise<string[]> {
  const label = (await page.locator('canvas.axis').getAttribute('aria-label')) ?? '';
  const match = /^(?:Time|Token) axis: (.*)$/.exec(label);
  assert.ok(match, `the axis names its ticks: ${label}`);
  return match[1]!.split(', ');
}

async function details(page: Page): Promise<string> {
  return (await page.locator('.details').textContent()) ?? '';
}

describe('flame graph webview in Chromium', () => {
  test('renders at once and posts ready with the trace id', async () => {
    const { context, page, errors } = await open(SNAPSHOT);
    const messages = await posted(page);
    assert.deepEqual(messages[0], { type: 'ready', traceId: DEFAULT_TRACE_ID });
    const header = await page.locator('.trace-header').textContent();
    assert.match(header ?? '', /invoke_agent planner/);
    assert.match(header ?? '', /1 LLM call/);
    assert.match(header ?? '', /1 tool call/);
    assert.match(header ?? '', /1 error/);
    assert.match(header ?? '', /gpt-4o/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a model call that recorded no usage shows no token figures', async () => {
    const spans = traceSpans().map((span) =>
      span.spanId === ID.llm
        ? makeSpan({
            spanId: ID.llm,
            parentSpanId: ID.root,
            name: 'chat gpt-4o',
            startMs: DEFAULT_START_MS + 100,
            durationMs: 500,
            attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
          })
        : span,
    );
    const { context, page } = await open(snapshotOf(spans));
    assert.equal(await page.locator('.model-totals').textContent(), 'gpt-4o 1 call');
    assert.doesNotMatch((await page.locator('.trace-header').textContent()) ?? '', /tok/);
    await context.close();
  });

  test('a long trace name and service stay on one line, cut with an ellipsis, the full text in the title', async () => {
    const service = `checkout-${'very-long-service-name-'.repeat(20)}`;
    const [root, ...rest] = traceSpans();
    const { context, page } = await open(snapshotOf([{ ...root!, resource: makeResource(service) }, ...rest]));
    const title = page.locator('.trace-title');
    const lineHeight = await page.locator('.trace-name').evaluate((node) => node.getBoundingClientRect().height);
    const box = await title.boundingBox();
    assert.ok(box !== null && box.height <= lineHeight + 1, `title height ${box?.height} for a line of ${lineHeight}`);
    assert.ok(box.width <= 1000, `title width ${box.width} within the page`);
    const shown = page.locator('.trace-service');
    assert.equal(await shown.getAttribute('title'), service);
    assert.ok(await shown.evaluate((node) => node.scrollWidth > node.clientWidth), 'the service is cut');
    assert.equal(await page.locator('.trace-name').textContent(), 'invoke_agent planner', 'the name is whole');
    await context.close();
  });

  test('draws the LLM bar in the theme’s LLM colour where it falls, and nothing below the deepest row', async () => {
    const { context, page } = await open(SNAPSHOT);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.1);
    assert.deepEqual(await pixel(page, x, y), [...THEME.llm, 255]);
    // The tool bar on the same row, and the gap between the two bars, which shows the background.
    const tool = await barPoint(page, 650, 200, 1, 0.5);
    assert.deepEqual(await pixel(page, tool.x, tool.y), [...THEME.tool, 255]);
    assert.equal((await pixel(page, xOf(625, box.width), y))[3], 0);
    assert.equal((await pixel(page, box.width / 2, 3 * ROW_HEIGHT + 5))[3], 0);
    await context.close();
  });

  test('a colour theme change redraws with the new theme’s colours', async () => {
    const { context, page } = await open(SNAPSHOT);
    const { x, y } = await barPoint(page, 100, 500, 1, 0.1);
    // VS Code switches themes by rewriting the variables in the root element's style.
    await page.evaluate(`document.documentElement.style.setProperty('--vscode-charts-purple', 'rgb(101, 45, 144)')`);
    await settle(page);
    assert.deepEqual(await pixel(page, x, y), [101, 45, 144, 255]);
    await context.close();
  });

  test('a HiDPI screen gets a canvas with device-pixel resolution', async () => {
    const { context, page } = await open(SNAPSHOT, {}, 2);
    const size = await page.evaluate<{ backing: number; css: number }>(
      `({ backing: document.querySelector('canvas.chart-canvas').width, css: document.querySelector('canvas.chart-canvas').clientWidth })`,
    );
    assert.equal(size.backing, size.css * 2);
    const { x, y } = await barPoint(page, 100, 500, 1, 0.1);
    assert.deepEqual(await pixel(page, x, y), [...THEME.llm, 255]);
    await context.close();
  });

  test('hovering an LLM bar shows its model, tokens and TTFT', async () => {
    const { context, page } = await open(SNAPSHOT);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.move(box.x + x, box.y + y + 6);
    const tooltip = page.locator('.tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = (await tooltip.textContent()) ?? '';
    assert.match(text, /chat gpt-4o/);
    assert.match(text, /Model: gpt-4o/);
    assert.match(text, /1\.2k → 340 tokens \(800 cached\)/);
    assert.match(text, /TTFT 250 ms/);
    await page.mouse.move(box.x + box.width / 2, box.y + 5 * ROW_HEIGHT);
    await tooltip.waitFor({ state: 'hidden' });
    await context.close();
  });

  test('click selects: details at once, selectSpan and requestSpanDetails posted, the reply renders', async () => {
    const { context, page } = await open(SNAPSHOT);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await settle(page);
    assert.match(await details(page), /Time to first token250 ms/);
    assert.match(await details(page), /Input tokens1\.2k \(1200\)/);
    const messages = await posted(page);
    assert.ok(messages.some((m) => m.type === 'selectSpan' && m.spanId === ID.llm));
    const request = messages.find((m) => m.type === 'requestSpanDetails');
    assert.ok(request?.type === 'requestSpanDetails' && request.spanId === ID.llm);

    await send(page, {
      type: 'spanDetails',
      traceId: DEFAULT_TRACE_ID,
      requestId: request.requestId,
      ok: true,
      result: {
        spanId: ID.llm,
        attributes: [
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.request.temperature', '0.2'],
        ],
        resource: [['service.name', 'planner-service']],
        events: [{ name: 'gen_ai.choice', offsetMs: 240, attributes: [['index', '0']] }],
        transcript: [
          { role: 'user', text: 'Weather in Lisbon?' },
          { role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lisbon"}' }] },
        ],
      },
    });
    const text = await details(page);
    assert.match(text, /gen_ai\.request\.temperature0\.2/);
    assert.match(text, /service\.nameplanner-service/);
    assert.match(text, /gen_ai\.choice · \+240 ms/);
    assert.match(text, /UserWeather in Lisbon\?/);
    assert.match(text, /get_weather\{"city":"Lisbon"\}/);
    await context.close();
  });

  test("logsChanged asks again for the selected span's details, whose reply replaces them; without a selection, nothing", async () => {
    const { context, page } = await open(SNAPSHOT, { selectedSpanId: ID.llm });
    const requests = async () => (await posted(page)).filter((m) => m.type === 'requestSpanDetails');
    const [first] = await requests();
    assert.ok(first?.type === 'requestSpanDetails' && first.spanId === ID.llm);
    const reply = (requestId: number, logs: string[]): ToWebview => ({
      type: 'spanDetails',
      traceId: DEFAULT_TRACE_ID,
      requestId,
      ok: true,
      result: {
        spanId: ID.llm,
        attributes: [],
        resource: [],
        events: [],
        logs: logs.map((body) => ({ offsetMs: 5, severity: 'INFO', event: '', body, attributes: [] })),
      },
    });
    await send(page, reply(first.requestId, ['first log']));
    assert.match(await details(page), /Logs \(1\)/);

    await send(page, { type: 'logsChanged', traceId: DEFAULT_TRACE_ID });
    const [, again] = await requests();
    assert.ok(again?.type === 'requestSpanDetails' && again.spanId === ID.llm && again.requestId > first.requestId);
    await send(page, reply(again.requestId, ['first log', 'a later log']));
    assert.match(await details(page), /Logs \(2\)/);
    assert.match(await details(page), /a later log/);

    await page.keyboard.press('Escape');
    await send(page, { type: 'logsChanged', traceId: DEFAULT_TRACE_ID });
    assert.equal((await requests()).length, 2, 'no selection, no request');
    await context.close();
  });

  test('a reply for an older request or another trace is dropped', async () => {
    const { context, page } = await open(SNAPSHOT, { selectedSpanId: ID.tool });
    const request = (await posted(page)).find((m) => m.type === 'requestSpanDetails');
    assert.ok(request?.type === 'requestSpanDetails');
    const reply = (traceId: string, requestId: number, key: string): ToWebview => ({
      type: 'spanDetails',
      traceId,
      requestId,
      ok: true,
      result: { spanId: ID.tool, attributes: [[key, 'x']], resource: [], events: [] },
    });
    await send(page, reply('ffffffffffffffffffffffffffffffff', request.requestId, 'from.other.trace'));
    await send(page, reply(DEFAULT_TRACE_ID, request.requestId + 100, 'from.unknown.request'));
    assert.match(await details(page), /Loading attributes/);
    await send(page, reply(DEFAULT_TRACE_ID, request.requestId, 'the.answer'));
    const text = await details(page);
    assert.match(text, /the\.answer/);
    assert.doesNotMatch(text, /from\.other\.trace|from\.unknown\.request/);
    assert.match(text, /StatusError: timeout/);
    await context.close();
  });

  test('Enter posts jumpToCode for the selection and the reply says which rule found it', async () => {
    const { context, page } = await open(SNAPSHOT);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await page.keyboard.press('Enter');
    const jump = (await posted(page)).find((m) => m.type === 'jumpToCode');
    assert.ok(jump?.type === 'jumpToCode');
    assert.equal(jump.spanId, ID.llm);
    assert.equal(jump.toSide, false);
    await send(page, {
      type: 'jumpToCodeResult',
      traceId: DEFAULT_TRACE_ID,
      requestId: jump.requestId,
      ok: true,
      result: { found: true, rule: 'stack-trace', file: '/work/app/agent.py', line: 42 },
    });
    assert.match(await details(page), /Opened agent\.py:42 — found by stack trace/);
    await context.close();
  });

  test('arrow keys move to the parent, first child and siblings; Escape clears the selection', async () => {
    const { context, page } = await open(SNAPSHOT, { selectedSpanId: ID.llm });
    const selections = async () => (await posted(page)).flatMap((m) => (m.type === 'selectSpan' ? [m.spanId] : []));
    await page.locator('canvas.chart-canvas').focus();
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown']) await page.keyboard.press(key);
    assert.deepEqual(await selections(), [ID.llm, ID.tool, ID.xss, ID.tool, ID.root, ID.llm]);
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('.details').isHidden(), true);
    await context.close();
  });

  test('search dims the spans that do not match', async () => {
    const { context, page } = await open(SNAPSHOT);
    await page.locator('vscode-textfield input').fill('weather');
    await settle(page);
    assert.equal(await page.locator('.match-count').textContent(), '1 match');
    const llm = await barPoint(page, 100, 500, 1, 0.1);
    const tool = await barPoint(page, 650, 200, 1, 0.5);
    const dimmed = await pixel(page, llm.x, llm.y);
    assert.ok(dimmed[3]! > 0 && dimmed[3]! < 128, `dimmed LLM bar alpha ${dimmed[3]}`);
    assert.deepEqual(await pixel(page, tool.x, tool.y), [...THEME.tool, 255]);
    await context.close();
  });

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

  test('token mode lays the bars out by tokens', async () => {
    const { context, page } = await open(SNAPSHOT);
    await page.locator('vscode-radio[value="tokens"]').click();
    await settle(page);
    const box = await canvasBox(page);
    // Only the LLM call has tokens: it fills the whole width under its agent.
    assert.deepEqual(await pixel(page, box.width * 0.9, ROW_HEIGHT + 3), [...THEME.llm, 255]);
    assert.deepEqual(await pixel(page, box.width * 0.9, 3), [...THEME.agent, 255]);
    assert.match((await page.locator('canvas.axis').getAttribute('aria-label')) ?? '', /^Token axis: .*tok/);
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

  test('a span name with markup is shown as text and never runs', async () => {
    const { context, page } = await open(SNAPSHOT, { csp: false });
    const { x, y, box } = await barPoint(page, 870, 120, 1, 0.5);
    await page.mouse.move(box.x + x, box.y + y + 6);
    assert.match((await page.locator('.tooltip').textContent()) ?? '', /<img src=x onerror="window.__xss=1">/);
    await page.mouse.click(box.x + x, box.y + y + 6);
    const request = (await posted(page)).find((m) => m.type === 'requestSpanDetails');
    assert.ok(request?.type === 'requestSpanDetails' && request.spanId === ID.xss);
    await send(page, {
      type: 'spanDetails',
      traceId: DEFAULT_TRACE_ID,
      requestId: request.requestId,
      ok: true,
      result: {
        spanId: ID.xss,
        attributes: [[XSS, XSS]],
        resource: [],
        events: [{ name: XSS, offsetMs: 1, attributes: [] }],
        transcript: [{ role: 'user', text: XSS, toolCalls: [{ name: XSS, arguments: XSS }] }],
      },
    });
    assert.equal(await page.locator('.details-name').textContent(), XSS);
    assert.ok((await details(page)).split(XSS).length > 5);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate('window.__xss'), undefined);
    await context.close();
  });
});

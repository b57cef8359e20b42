/**
 * The flame graph webview bundle in headless Chromium, on a page built like the host's, with a stand-in VS Code API:
 * what is drawn where, in which colours and at which resolution, the header's figures, and span text that stays text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_START_MS, DEFAULT_TRACE_ID, makeResource, makeSpan } from '../support/spanBuilder';
import { snapshotOf, THEME } from './flamePage';
import {
  barPoint,
  canvasBox,
  details,
  open,
  pixel,
  posted,
  ROW_HEIGHT,
  send,
  settle,
  startFlamePages,
  stopFlamePages,
  xOf,
} from './flameChromium';
import { ID, SNAPSHOT, traceSpans, XSS } from './flameTrace';

before(startFlamePages);
after(stopFlamePages);

describe('flame graph webview in Chromium: what it draws', () => {
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

  test('a finding marks its bar’s corner in its severity’s colour, counts in the tooltip and lists in the details', async () => {
    const { context, page, errors } = await open(SNAPSHOT);
    const { x, y, box } = await barPoint(page, 650, 200, 1, 0.5);
    // Inside the corner triangle: a few pixels in from the bar's right end (which keeps a pixel's gap), below its top.
    const corner = { x: Math.floor(xOf(850, box.width) - 1) - 3, y: ROW_HEIGHT + 2 };
    assert.notDeepEqual(await pixel(page, corner.x, corner.y), [...THEME.warning, 255]);
    const finding = {
      spanId: ID.tool,
      rule: 'tool-loop',
      severity: 'warning' as const,
      message: `get_weather called 3 times ${XSS}`,
      hint: 'Check the tool result the model gets back.',
    };
    await send(page, { type: 'findings', traceId: DEFAULT_TRACE_ID, findings: [finding] });
    assert.deepEqual(await pixel(page, corner.x, corner.y), [...THEME.warning, 255]);
    // The bar away from its corner keeps its kind's colour.
    assert.deepEqual(await pixel(page, x, y), [...THEME.tool, 255]);
    await page.mouse.move(box.x + x, box.y + y + 6);
    assert.match((await page.locator('.tooltip').textContent()) ?? '', /1 finding: tool-loop/);
    await page.mouse.click(box.x + x, box.y + y + 6);
    const list = page.locator('.details .finding');
    assert.equal(await list.count(), 1);
    assert.equal(await list.locator('.finding-rule').textContent(), 'tool-loop');
    assert.equal(await list.locator('.finding-message').textContent(), finding.message);
    assert.equal(await list.locator('.finding-hint').textContent(), finding.hint);
    assert.equal(await list.locator('.codicon-warning').getAttribute('aria-label'), 'warning');
    assert.equal(await page.locator('img').count(), 0);
    // Findings that go away take the mark and the list with them.
    await send(page, { type: 'findings', traceId: DEFAULT_TRACE_ID, findings: [] });
    assert.notDeepEqual(await pixel(page, corner.x, corner.y), [...THEME.warning, 255]);
    assert.equal(await page.locator('.details .finding').count(), 0);
    assert.deepEqual(errors, []);
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

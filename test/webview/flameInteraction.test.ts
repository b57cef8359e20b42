/**
 * The flame graph webview in headless Chromium, driven as a user and answered as the host: hover, click, keys and
 * search, and the messages they post and the replies they take.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ToWebview } from '../../src/shared/protocol';
import { DEFAULT_TRACE_ID } from '../support/spanBuilder';
import { THEME } from './flamePage';
import {
  barPoint,
  details,
  open,
  pixel,
  posted,
  ROW_HEIGHT,
  send,
  settle,
  startFlamePages,
  stopFlamePages,
} from './flameChromium';
import { GATEWAY_SNAPSHOT, ID, SNAPSHOT } from './flameTrace';

before(startFlamePages);
after(stopFlamePages);

describe('flame graph webview in Chromium: pointer, keys and the host', () => {
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

  test('an app call showing figures measured at the gateway names their source, with ≈ and the stream figures', async () => {
    const { context, page } = await open(GATEWAY_SNAPSHOT);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.move(box.x + x, box.y + y + 6);
    const tooltip = page.locator('.tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = (await tooltip.textContent()) ?? '';
    assert.match(text, /≈1\.2k → 345 tokens \(estimated, measured at the gateway\)/);
    assert.match(text, /TTFT 420 ms · TPOT 12 ms \(measured at the gateway\)/);
    assert.match(text, /Stream: longest gap 2\.1 s · 3 stalls over 1 s \(measured at the gateway\)/);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await settle(page);
    assert.match(await details(page), /Time to first token420 ms \(measured at the gateway\)/);
    assert.match(await details(page), /Stalls3 stalls over 1 s \(measured at the gateway\)/);
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

  test('a model call offers Replay…, which posts replaySpan for it; the agent span above it does not', async () => {
    const { context, page } = await open(SNAPSHOT);
    const replay = page.locator('.details-actions vscode-button', { hasText: 'Replay…' });
    const agent = await barPoint(page, 0, 1000, 0, 0.05);
    await page.mouse.click(agent.box.x + agent.x, agent.box.y + agent.y + 6);
    await settle(page);
    assert.match(await details(page), /invoke_agent planner/);
    assert.equal(await replay.count(), 0);
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await settle(page);
    await replay.click();
    const message = (await posted(page)).find((m) => m.type === 'replaySpan');
    assert.deepEqual(message, { type: 'replaySpan', traceId: DEFAULT_TRACE_ID, spanId: ID.llm });
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
});

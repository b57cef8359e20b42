/**
 * Evaluation results in the flame graph's details, in headless Chromium: the host's `evaluations` message lists the
 * selected span's results with the judge's explanation, as text (markup in it never runs), and follows later messages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SpanEvaluation } from '../../src/shared/evaluations';
import { DEFAULT_TRACE_ID } from '../support/spanBuilder';
import { barPoint, open, send, settle, startFlamePages, stopFlamePages } from './flameChromium';
import { ID, SNAPSHOT, XSS } from './flameTrace';

before(startFlamePages);
after(stopFlamePages);

describe('flame graph webview in Chromium: evaluation results', () => {
  test("the selected span's evaluations list with score, label and explanation, as text", async () => {
    const { context, page, errors } = await open(SNAPSHOT, { csp: false });
    const evaluations: SpanEvaluation[] = [
      {
        spanId: ID.llm,
        name: 'faithfulness',
        score: 2,
        label: 'weak',
        explanation: `The exchange rate is guessed after the tool timed out. ${XSS}`,
      },
      { spanId: ID.llm, name: 'relevance', score: undefined, label: 'pass', explanation: '' },
      { spanId: ID.tool, name: 'tool-call-correctness', score: 5, label: 'excellent', explanation: 'Right city.' },
    ];
    await send(page, { type: 'evaluations', traceId: DEFAULT_TRACE_ID, evaluations });
    const { x, y, box } = await barPoint(page, 100, 500, 1, 0.3);
    await page.mouse.click(box.x + x, box.y + y + 6);
    await settle(page);
    const items = page.locator('.details .evaluation');
    assert.equal(await items.count(), 2);
    assert.deepEqual(await items.locator('.evaluation-name').allTextContents(), ['faithfulness', 'relevance']);
    assert.deepEqual(await items.locator('.evaluation-score').allTextContents(), ['2 (weak)', 'pass']);
    assert.deepEqual(await items.locator('.evaluation-explanation').allTextContents(), [evaluations[0]!.explanation]);
    assert.match((await page.locator('.details-evaluations').textContent()) ?? '', /^Evaluations \(2\)/);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as { __xss?: number }).__xss), undefined);
    // A later message replaces the list: the results of a span that lost them go.
    await send(page, { type: 'evaluations', traceId: DEFAULT_TRACE_ID, evaluations: evaluations.slice(2) });
    assert.equal(await page.locator('.details .evaluation').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

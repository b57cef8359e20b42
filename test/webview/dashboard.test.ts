/**
 * The AI Metrics dashboard page in headless Chromium, fed what the host computes (core/metricsDashboard) from real
 * spans: each chart with data draws its lines on a canvas in the theme's colours, names its series in legend buttons
 * and its latest values in the plot's accessible name; a chart without data says so; the time range control (mouse
 * and arrow keys) asks the host for the range chosen; a legend button hides its series; hovering a plot reads out
 * the values under the pointer in the chart's unit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../src/core/metricsDashboard/dashboard';
import { ModelServerStore } from '../../src/core/modelServers/modelServerStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import type { DashboardData } from '../../src/shared/dashboard';
import { formatMeasure } from '../../src/shared/format';
import { launchChromium } from '../support/chromium';
import { agentSpan, llmSpan } from '../support/findingSpans';
import { DEFAULT_START_MS } from '../support/spanBuilder';
import type { PageServer } from './pageServer';
import {
  DASHBOARD_THEME,
  dashboardPageServer,
  dashboardPosted,
  deliver,
  ensureDashboardBundle,
  pageUntil,
} from './dashboardPage';

let server: PageServer;
let url: string;
let browser: Browser;

function dashboardData(): DashboardData {
  const agent = agentSpan('planner', { at: 0 });
  const calls = Array.from({ length: 40 }, (_, i) =>
    llmSpan({
      parent: agent,
      at: i * 30_000,
      durationMs: (i % 2 ? 800 : 4000) + 20 * i,
      ttftS: 0.2,
      model: i % 2 ? 'gpt-4o' : 'claude-sonnet-4',
    }),
  );
  const store = new TraceStore({ maxSpans: 100 });
  store.ingest([agent, ...calls]);
  return buildDashboard(
    {
      traces: store.traces(),
      metrics: new MetricStore({ maxPoints: 10 }),
      modelServers: new ModelServerStore({ maxSamples: 10, maxAgeNanos: 1n }),
      priceOf: () => undefined,
    },
    '1h',
    DEFAULT_START_MS + 40 * 30_000,
  );
}

async function openDashboard(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await pageUntil(page, 'window.__posted.length > 0');
  assert.deepEqual(errors, []);
  return page;
}

/** How many of the canvas' opaque pixels are `rgb`, give or take the line's antialiasing. */
function pixelsOf(page: Page, chartId: string, rgb: readonly number[]): Promise<number> {
  return page.evaluate<number>(`(() => {
    const canvas = document.querySelector('[data-chart="${chartId}"] canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const distance = Math.abs(data[i] - ${rgb[0]}) + Math.abs(data[i + 1] - ${rgb[1]}) + Math.abs(data[i + 2] - ${rgb[2]});
      if (data[i + 3] > 200 && distance < 40) count++;
    }
    return count;
  })()`);
}

describe('AI Metrics dashboard page', () => {
  before(async () => {
    ensureDashboardBundle();
    server = dashboardPageServer();
    url = await server.start();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('draws a chart per metric with data, legends naming the models, and says which charts have none', async () => {
    const page = await openDashboard();
    assert.deepEqual(await dashboardPosted(page), [{ type: 'ready' }]);
    const data = dashboardData();
    await deliver(page, data);
    const withData = data.charts.filter((chart) => chart.series.length > 0).map((chart) => chart.id);
    assert.ok(withData.includes('duration') && withData.includes('ttft'));
    for (const chart of data.charts) {
      const section = page.locator(`[data-chart="${chart.id}"]`);
      assert.equal(await section.locator('h3').textContent(), `${chart.title}${chart.unit}`);
      assert.equal((await section.locator('canvas').count()) > 0, withData.includes(chart.id), chart.id);
    }
    assert.deepEqual(await page.locator('[data-chart="duration"] .legend-item').allTextContents(), [
      'claude-sonnet-4 p50',
      'claude-sonnet-4 p95',
      'gpt-4o p50',
      'gpt-4o p95',
    ]);
    // The first model takes the theme's first chart colour, the second the next, in every chart.
    assert.ok((await pixelsOf(page, 'duration', DASHBOARD_THEME.blue)) > 50);
    assert.ok((await pixelsOf(page, 'duration', DASHBOARD_THEME.orange)) > 50);
    const gpt = data.charts.find((chart) => chart.id === 'duration')!.series.find((s) => s.label === 'gpt-4o p50')!;
    const latest = [...gpt.values].filter((value) => !Number.isNaN(value)).at(-1)!;
    const label = await page.locator('[data-chart="duration"] .plot').getAttribute('aria-label');
    assert.match(
      label ?? '',
      new RegExp(`gpt-4o p50 ${new Intl.NumberFormat('en', { maximumSignificantDigits: 3 }).format(latest)}`),
    );
    assert.match((await page.locator('[data-chart="tools"] .empty').textContent()) ?? '', /No tool latency data/);
    await page.context().close();
  });

  test('the range control asks the host for the range chosen, by click and by arrow key', async () => {
    const page = await openDashboard();
    await deliver(page, dashboardData());
    assert.equal(await page.getByRole('radio', { name: '1 h' }).getAttribute('aria-checked'), 'true');
    await page.getByRole('radio', { name: '6 h' }).click();
    await page.keyboard.press('ArrowRight');
    assert.deepEqual((await dashboardPosted(page)).slice(1), [
      { type: 'range', range: '6h' },
      { type: 'range', range: '24h' },
    ]);
    assert.equal(await page.getByRole('radio', { name: '24 h' }).getAttribute('aria-checked'), 'true');
    assert.equal(await page.evaluate('document.activeElement.dataset.range'), '24h');
    await page.context().close();
  });

  test('a legend button hides its series and says so', async () => {
    const page = await openDashboard();
    await deliver(page, dashboardData());
    const before = await pixelsOf(page, 'duration', DASHBOARD_THEME.orange);
    const button = page.locator('[data-chart="duration"] .legend-item', { hasText: 'gpt-4o p50' });
    await button.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-chart="duration"] .legend-item', { hasText: 'gpt-4o p95' }).click();
    await page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))`);
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    assert.ok(before > 50);
    assert.equal(await pixelsOf(page, 'duration', DASHBOARD_THEME.orange), 0);
    await page.context().close();
  });

  test('hovering a chart reads out each series’ value at the pointer in the chart’s unit, and leaving hides it', async () => {
    const page = await openDashboard();
    const data = dashboardData();
    await deliver(page, data);
    const chart = data.charts.find((candidate) => candidate.id === 'duration')!;
    const gpt = chart.series.find((series) => series.label === 'gpt-4o p50')!;
    const bucket = gpt.values.findIndex((value) => !Number.isNaN(value));
    // The pointer over that bucket's start, on the x scale from the first bucket to the end of the last.
    const from = data.times[0]!;
    const to = data.times[data.times.length - 1]! + data.bucketMs;
    const over = (await page.locator('[data-chart="duration"] .u-over').boundingBox())!;
    await page.mouse.move(over.x + ((data.times[bucket]! - from) / (to - from)) * over.width, over.y + over.height / 2);
    const readout = page.locator('[data-chart="duration"] .readout');
    await readout.waitFor({ state: 'visible' });
    const text = (await readout.innerText()).split('\n');
    assert.equal(text[0], new Date(data.times[bucket]!).toLocaleTimeString('en-US'));
    assert.ok(text.includes(`gpt-4o p50 ${formatMeasure(gpt.values[bucket]!, chart.unit)}`), text.join(' | '));
    const p95 = chart.series.find((series) => series.label === 'gpt-4o p95')!.values[bucket]!;
    assert.ok(text.includes(`gpt-4o p95 ${formatMeasure(p95, chart.unit)}`), text.join(' | '));
    // Only the series with a value there: claude-sonnet-4's calls fall in the other buckets.
    assert.equal(text.length, 3);
    await page.mouse.move(over.x + over.width / 2, over.y + over.height + 60);
    await readout.waitFor({ state: 'hidden' });
    await page.context().close();
  });
});

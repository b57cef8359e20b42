/**
 * Serves the AI Metrics dashboard page the way the host does (dist/dashboard.js, uPlot's and the page's stylesheets,
 * the codicons, a strict CSP with a nonce) with a stand-in for `acquireVsCodeApi` that records posted messages in
 * `window.__posted`, and delivers the host's `data` messages with their series as Float64Arrays, as VS Code does.
 * Used by test/webview/dashboard.test.ts and bench/dashboard.bench.ts.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { DashboardData, FromDashboardPage } from '../../src/shared/dashboard';
import { ensureBundle, PageServer, ROOT } from './pageServer';

export { ROOT };

/** Theme variables as VS Code sets them, with exact colours the tests compare pixels with. */
export const DASHBOARD_THEME = { blue: [40, 120, 250], orange: [240, 130, 20] } as const;

const THEME_STYLE = [
  `--vscode-charts-blue: rgb(${DASHBOARD_THEME.blue.join(',')})`,
  `--vscode-charts-orange: rgb(${DASHBOARD_THEME.orange.join(',')})`,
  '--vscode-editor-background: rgb(30, 30, 30)',
  '--vscode-foreground: rgb(204, 204, 204)',
].join('; ');

/** Builds dist/ when the dashboard bundle is missing or older than the page's sources. */
export function ensureDashboardBundle(): void {
  const sources = ['main.ts', 'chartView.ts', 'decimate.ts', 'readout.ts', 'theme.ts'].map((name) =>
    join(ROOT, 'webview/dashboard', name),
  );
  ensureBundle('dist/dashboard.js', sources);
}

/** The dashboard page's server; `bundle` is served as dist/dashboard.js instead of the built one (the bench's). */
export function dashboardPageServer(bundle?: string): PageServer {
  return new PageServer({
    route: '/dashboard',
    files: [
      'dist/dashboard.js',
      'dist/uPlot.min.css',
      'media/dashboard.css',
      'dist/codicons/codicon.css',
      'dist/codicons/codicon.ttf',
    ],
    html: dashboardHtml,
    ...(bundle !== undefined && { replacements: { 'dist/dashboard.js': bundle } }),
  });
}

function dashboardHtml(origin: string, nonce: string): string {
  const csp =
    `default-src 'none'; img-src ${origin} data:; style-src ${origin} 'nonce-${nonce}'; ` +
    `font-src ${origin}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en" style="${THEME_STYLE}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" nonce="${nonce}" href="/dist/codicons/codicon.css">
<link rel="stylesheet" nonce="${nonce}" href="/dist/uPlot.min.css">
<link rel="stylesheet" nonce="${nonce}" href="/media/dashboard.css">
<script nonce="${nonce}">
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (message) => window.__posted.push(message) });
// The host's message as VS Code delivers it: series as Float64Arrays (NaN travels as null in the JSON here).
window.__deliver = (data) => {
  const floats = (values) => Float64Array.from(values, (value) => (value === null ? NaN : value));
  const charts = data.charts.map((chart) => ({
  ...chart,
  series: chart.series.map((series) => ({ ...series, values: floats(series.values) })),
  }));
  window.postMessage({ type: 'data', data: { ...data, times: floats(data.times), charts } }, '*');
};
</script>
</head>
<body class="vscode-dark">
<div id="app"></div>
<script nonce="${nonce}" src="/dist/dashboard.js"></script>
</body>
</html>`;
}

/** What the page posted to the host so far. */
export function dashboardPosted(page: Page): Promise<FromDashboardPage[]> {
  return page.evaluate<FromDashboardPage[]>('window.__posted');
}

/** Delivers `data` to the page and waits until the frame after it drew. */
export async function deliver(page: Page, data: DashboardData): Promise<void> {
  const plain = {
    ...data,
    times: [...data.times],
    charts: data.charts.map((chart) => ({
      ...chart,
      series: chart.series.map((series) => ({
        ...series,
        values: [...series.values].map((v) => (Number.isNaN(v) ? null : v)),
      })),
    })),
  };
  await page.evaluate(`window.__deliver(${JSON.stringify(plain)})`);
  await page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))`);
}

/** Waits until `condition` (page-side text) holds: polled in the page, as its CSP forbids waitForFunction's eval. */
export async function pageUntil(page: Page, condition: string): Promise<void> {
  await page.evaluate(`new Promise((done, fail) => {
    const deadline = performance.now() + 10000;
    const check = () => (${condition}) ? done() : performance.now() > deadline ? fail(new Error('timed out')) : setTimeout(check, 5);
    check();
  })`);
}

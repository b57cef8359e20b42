/**
 * Serves the service map page the way the host does (dist/serviceMap.js, its stylesheet and the codicons, a strict CSP
 * with a nonce) with a stand-in for `acquireVsCodeApi` that records posted messages in `window.__posted`, so that
 * test/webview/serviceMap.test.ts can drive the page alone in Chromium and deliver maps as the host posts them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { FromServiceMapPage, ServiceMap, ServiceMapMessage } from '../../src/shared/serviceMap';
import { ensureBundle, PageServer, ROOT } from './pageServer';

/** Builds dist/ when the service map bundle is missing or older than the page's sources. */
export function ensureServiceMapBundle(): void {
  const sourceDir = join(ROOT, 'webview/serviceMap');
  const sources = [...readdirSync(sourceDir).map((name) => join(sourceDir, name)), join(ROOT, 'webview/dom.ts')];
  ensureBundle('dist/serviceMap.js', sources);
}

/** The service map page's server. */
export function serviceMapPageServer(): PageServer {
  return new PageServer({
    route: '/serviceMap',
    files: ['dist/serviceMap.js', 'media/serviceMap.css', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf'],
    html: serviceMapHtml,
  });
}

function serviceMapHtml(origin: string, nonce: string): string {
  const csp = `default-src 'none'; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" nonce="${nonce}" href="/dist/codicons/codicon.css">
<link rel="stylesheet" nonce="${nonce}" href="/media/serviceMap.css">
<script nonce="${nonce}">
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (message) => window.__posted.push(message) });
</script>
</head>
<body class="vscode-dark">
<div id="app"></div>
<script nonce="${nonce}" src="/dist/serviceMap.js"></script>
</body>
</html>`;
}

/** What the page posted to the host so far. */
export function serviceMapPosted(page: Page): Promise<FromServiceMapPage[]> {
  return page.evaluate<FromServiceMapPage[]>('window.__posted');
}

/** Posts `map` to the page as the host does and waits until the frame after it drew. */
export async function deliverMap(page: Page, map: ServiceMap): Promise<void> {
  const message: ServiceMapMessage = { type: 'map', map };
  await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
  await page.evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))`);
}

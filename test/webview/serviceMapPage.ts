/**
 * Serves the service map page the way the host does (dist/serviceMap.js, its stylesheet and the codicons, a strict CSP
 * with a nonce) with a stand-in for `acquireVsCodeApi` that records posted messages in `window.__posted`, so that
 * test/webview/serviceMap.test.ts can drive the page alone in Chromium and deliver maps as the host posts them.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { FromServiceMapPage, ServiceMap, ServiceMapMessage } from '../../src/shared/serviceMap';
import { ROOT } from './dashboardPage';

const STATIC_FILES: Record<string, { path: string; type: string }> = {
  '/dist/serviceMap.js': { path: 'dist/serviceMap.js', type: 'text/javascript' },
  '/media/serviceMap.css': { path: 'media/serviceMap.css', type: 'text/css' },
  '/dist/codicons/codicon.css': { path: 'dist/codicons/codicon.css', type: 'text/css' },
  '/dist/codicons/codicon.ttf': { path: 'dist/codicons/codicon.ttf', type: 'font/ttf' },
};

const BUNDLE = join(ROOT, 'dist/serviceMap.js');

/** Builds dist/ when the service map bundle is missing or older than the page's sources or stylesheet. */
export function ensureServiceMapBundle(): void {
  const sourceDir = join(ROOT, 'webview/serviceMap');
  const sources = [...readdirSync(sourceDir).map((name) => join(sourceDir, name)), join(ROOT, 'webview/dom.ts')];
  const newest = Math.max(...sources.map((path) => statSync(path).mtimeMs));
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= newest) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
}

export class ServiceMapPageServer {
  private readonly server: Server;
  private origin = '';

  constructor() {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/serviceMap') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(this.html());
        return;
      }
      const file = STATIC_FILES[path];
      if (file === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': file.type });
      response.end(readFileSync(join(ROOT, file.path)));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return `${this.origin}/serviceMap`;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  private html(): string {
    const nonce = randomBytes(16).toString('base64');
    const csp =
      `default-src 'none'; style-src ${this.origin} 'nonce-${nonce}'; ` +
      `font-src ${this.origin}; script-src 'nonce-${nonce}';`;
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

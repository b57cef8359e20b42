/**
 * Serves the flame graph webview the way the host does (dist/webview.js, media/flame.css, the codicons and an inline
 * element naming the trace), with a stand-in for `acquireVsCodeApi` that records posted messages in `window.__posted`,
 * answers each `ready` with the `init` message as VS Code delivers it (see webviewWire.ts: its bytes, fetched from
 * this server before the bundle starts, stand for the message the host has serialized; on `ready` they are turned
 * back into the message and posted with its buffer transferred, which is the webview's share of the work), and keeps
 * the state in sessionStorage so that it survives a reload, as VS Code keeps it across hide and show (and, as VS Code
 * does, hands it to the page with the page rather than reading storage on each getState).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serializeTrace } from '../../src/core/flame/snapshot';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceSnapshot } from '../../src/shared/flame/snapshot';
import type { ToWebview } from '../../src/shared/protocol';
import { packWireMessage, PAGE_RECEIVER, serializeWebviewMessage } from './webviewWire';

export const ROOT = resolve(__dirname, '../..');
const BUNDLE = join(ROOT, 'dist/webview.js');
/** Sources whose change makes dist/webview.js stale: the page imports only these (test/unit/boundaries.test.ts). */
const BUNDLE_SOURCES = ['webview', 'src/shared'].map((dir) => join(ROOT, dir));

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds dist/ when the webview bundle is missing or older than its sources. */
export function ensureBundle(): void {
  if (existsSync(BUNDLE) && statSync(BUNDLE).mtimeMs >= Math.max(...BUNDLE_SOURCES.map(newestChange))) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
}

export function snapshotOf(spans: readonly Span[]): TraceSnapshot {
  const store = new TraceStore({ maxSpans: 100_000 });
  store.ingest(spans);
  const record = store.getTrace(spans[0]!.traceId);
  if (record === undefined) throw new Error('the store kept no trace');
  return serializeTrace(record);
}

/** Theme variables as VS Code sets them on <html>, with exact colours the tests compare pixels with. */
export const THEME = {
  llm: [160, 32, 240],
  tool: [230, 120, 10],
  agent: [30, 110, 250],
  warning: [250, 200, 20],
  kvCache: [240, 40, 60],
  selection: [0, 200, 200],
} as const;

const THEME_STYLE = [
  `--vscode-charts-purple: rgb(${THEME.llm.join(',')})`,
  `--vscode-charts-orange: rgb(${THEME.tool.join(',')})`,
  `--vscode-charts-blue: rgb(${THEME.agent.join(',')})`,
  `--vscode-problemsWarningIcon-foreground: rgb(${THEME.warning.join(',')})`,
  `--vscode-charts-red: rgb(${THEME.kvCache.join(',')})`,
  `--vscode-focusBorder: rgb(${THEME.selection.join(',')})`,
  '--vscode-editor-background: rgb(30, 30, 30)',
  '--vscode-foreground: rgb(204, 204, 204)',
].join('; ');

export interface PageOptions {
  readonly selectedSpanId?: string | null;
  /** The host's CSP; the XSS test turns it off so that only the webview's own care keeps markup inert. */
  readonly csp?: boolean;
}

export class FlamePageServer {
  private readonly server: Server;
  private readonly pages = new Map<string, string>();
  /** The packed `init` message of each page, by its path + '/init'. */
  private readonly inits = new Map<string, Buffer>();
  private origin = '';

  constructor() {
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const page = this.pages.get(path);
      if (page !== undefined) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(page);
        return;
      }
      const init = this.inits.get(path);
      if (init !== undefined) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(init);
        return;
      }
      if (path === '/favicon.ico') {
        response.writeHead(204).end();
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

  async start(): Promise<void> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }

  /** Registers a page showing `snapshot` and returns its URL. */
  page(snapshot: TraceSnapshot, options: PageOptions = {}): string {
    const path = `/flame-${this.pages.size}`;
    const init: ToWebview = {
      type: 'init',
      traceId: snapshot.traceId,
      snapshot,
      selectedSpanId: options.selectedSpanId ?? null,
    };
    this.inits.set(`${path}/init`, packWireMessage(serializeWebviewMessage(init)));
    this.pages.set(path, this.html(snapshot.traceId, `${path}/init`, options));
    return this.origin + path;
  }

  private html(traceId: string, initPath: string, options: PageOptions): string {
    const nonce = randomBytes(16).toString('base64');
    // connect-src lets the stand-in host fetch the init message's bytes; the page itself fetches nothing.
    const csp =
      options.csp === false
        ? ''
        : `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${this.origin} data:; ` +
          `style-src ${this.origin} 'nonce-${nonce}'; font-src ${this.origin}; script-src 'nonce-${nonce}'; ` +
          `connect-src ${this.origin};">`;
    return `<!DOCTYPE html>
<html lang="en" style="${THEME_STYLE}">
<head>
<meta charset="utf-8">
${csp}
<link rel="stylesheet" href="/dist/codicons/codicon.css" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="/media/flame.css">
<script nonce="${nonce}">${PAGE_RECEIVER}
window.__posted = [];
// The host's serialized init message, fetched while the page loads.
const initBytes = fetch(${JSON.stringify(initPath)}).then((response) => response.arrayBuffer());
// VS Code hands the page its saved state with the page: getState reads memory, not storage.
let state = JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null');
window.acquireVsCodeApi = () => ({
  postMessage: (message) => {
    window.__posted.push(message);
    // Each 'ready' gets its own copy: the first delivery transfers the bytes away.
    if (message.type === 'ready') initBytes.then((body) => window.__deliver(body.slice(0)));
  },
  getState: () => state,
  setState: (value) => {
    state = JSON.parse(JSON.stringify(value));
    sessionStorage.setItem('vscode-state', JSON.stringify(value));
  },
});
</script>
</head>
<body class="vscode-dark">
<div id="app"></div>
<script type="application/json" id="ai-trace-lens-init" nonce="${nonce}">${JSON.stringify({ traceId })}</script>
<script nonce="${nonce}">
// The bundle starts once the host's answer is at hand, as the extension host has it ready when the page asks: what
// the page then takes to show the trace is its own work, not the time these bytes take over loopback.
initBytes.then(() => {
  const bundle = document.createElement('script');
  bundle.nonce = ${JSON.stringify(nonce)};
  bundle.src = '/dist/webview.js';
  document.body.append(bundle);
});
</script>
</body>
</html>`;
  }
}

const STATIC_FILES: Record<string, { path: string; type: string }> = {
  '/dist/webview.js': { path: 'dist/webview.js', type: 'text/javascript' },
  '/media/flame.css': { path: 'media/flame.css', type: 'text/css' },
  '/dist/codicons/codicon.css': { path: 'dist/codicons/codicon.css', type: 'text/css' },
  '/dist/codicons/codicon.ttf': { path: 'dist/codicons/codicon.ttf', type: 'font/ttf' },
};

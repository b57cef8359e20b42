/**
 * A loopback server for one webview page under test: the page's HTML at its route, written by the caller with the
 * server's origin and a fresh nonce for a CSP as strict as the host's, and the extension's own files the page links.
 * `ensureBundle` rebuilds dist/ when a page's bundle is older than its sources, so a test never runs a stale page.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
};

/** Builds dist/ when `bundle` (a path under the repository) is missing or older than any of `sources`. */
export function ensureBundle(bundle: string, sources: readonly string[]): void {
  const newest = Math.max(...sources.map((path) => statSync(path).mtimeMs));
  const built = join(ROOT, bundle);
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
}

export interface PageServerOptions {
  /** The page's path, e.g. `/dashboard`. */
  readonly route: string;
  /** The repository files the page links, served at `/` + their path. */
  readonly files: readonly string[];
  readonly html: (origin: string, nonce: string) => string;
  /** Contents served instead of a file's, e.g. a bundle built another way for a bench. */
  readonly replacements?: Readonly<Record<string, string>>;
}

export class PageServer {
  private readonly server: Server;
  private origin = '';

  constructor(private readonly options: PageServerOptions) {
    const files = new Set(options.files);
    this.server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === options.route) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(options.html(this.origin, randomBytes(16).toString('base64')));
        return;
      }
      const file = path.slice(1);
      if (!files.has(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(options.replacements?.[file] ?? readFileSync(join(ROOT, file)));
    });
  }

  /** Listens on 127.0.0.1 and an ephemeral port; returns the page's URL. */
  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return `${this.origin}${this.options.route}`;
  }

  stop(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

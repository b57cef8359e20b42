/**
 * The HTML of a webview page: a strict Content Security Policy whose scripts and styles need this page's nonce, the
 * extension's own files only, and text from the outside world only escaped or as inlined JSON data.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml, inlineJson } from '../core/html';

export interface WebviewPage {
  readonly webview: vscode.Webview;
  readonly extensionUri: vscode.Uri;
  readonly title: string;
  /** Stylesheets, as paths under the extension; the first may be given an element id. */
  readonly styles: readonly (readonly string[])[];
  /** The id of the first stylesheet's `<link>`, for scripts that look it up. */
  readonly firstStyleId?: string;
  readonly script: readonly string[];
  /** Data for the script, inlined as JSON in a `<script type="application/json">` with this id. */
  readonly data: { readonly id: string; readonly value: unknown };
}

/** What one of our pages may do: run its script and load the extension's bundles and stylesheets, nothing else. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(page: WebviewPage): string {
  const { webview, extensionUri } = page;
  const nonce = randomBytes(16).toString('base64');
  const asset = (segments: readonly string[]) =>
    escapeHtml(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString());
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = page.styles.map((segments, index) => {
    const id = index === 0 && page.firstStyleId !== undefined ? ` id="${escapeHtml(page.firstStyleId)}"` : '';
    return `<link rel="stylesheet" nonce="${nonce}" href="${asset(segments)}"${id}>`;
  });
  return htmlDocument(
    csp,
    [
      '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
      ...links,
      `<title>${escapeHtml(page.title)}</title>`,
    ],
    [
      '<div id="app"></div>',
      `<script type="application/json" id="${escapeHtml(page.data.id)}" nonce="${nonce}">${inlineJson(page.data.value)}</script>`,
      `<script nonce="${nonce}" src="${asset(page.script)}"></script>`,
    ],
  );
}

/** A page with only a message: no script, nothing loaded. */
export function messageHtml(message: string): string {
  return htmlDocument("default-src 'none'", [], [`<p>${escapeHtml(message)}</p>`]);
}

/** A whole page: its Content Security Policy, then the rest of its head, and its body. */
function htmlDocument(csp: string, head: readonly string[], body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp};">`,
    ...head,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
  ].join('\n');
}

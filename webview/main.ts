/**
 * Entry of the flame graph webview bundle (dist/webview.js). Reads the trace the host inlined into the page, renders
 * it at once, then listens to the host. Uncaught errors go to the extension's log.
 */
import type { ToWebview } from '../src/protocol/messages';
import { FlameApp, type InitialData } from './app';
import { element } from './dom';
import { parseState, vsCodeApi } from './vscodeApi';

const INIT_ELEMENT_ID = 'ai-trace-lens-init';
/** parseFromWebview's limit on text fields. */
const MAX_REPORT_LENGTH = 4096;

const api = vsCodeApi();
let traceId = '';

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function report(message: string): void {
  if (traceId !== '') api.postMessage({ type: 'reportError', traceId, message: message.slice(0, MAX_REPORT_LENGTH) });
}

window.addEventListener('error', (event) => report(event.error === undefined ? event.message : errorText(event.error)));
window.addEventListener('unhandledrejection', (event) => report(errorText(event.reason)));

function readInitialData(): InitialData {
  const text = document.getElementById(INIT_ELEMENT_ID)?.textContent;
  if (text === undefined || text === null) throw new Error(`The page has no #${INIT_ELEMENT_ID} element.`);
  const data = JSON.parse(text) as InitialData;
  if (typeof data.traceId !== 'string' || typeof data.snapshot !== 'object' || data.snapshot === null) {
    throw new Error('The initial trace data is malformed.');
  }
  return data;
}

function isToWebview(value: unknown): value is ToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; traceId?: unknown };
  return typeof message.type === 'string' && typeof message.traceId === 'string';
}

const root = document.getElementById('app') ?? document.body;
try {
  const initial = readInitialData();
  traceId = initial.traceId;
  const app = new FlameApp(api, root, initial, parseState(api.getState()));
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isToWebview(event.data)) return;
    try {
      app.handle(event.data);
      traceId = app.traceId;
    } catch (error) {
      report(errorText(error));
    }
  });
  app.start();
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  root.replaceChildren(element('div', 'fatal', `The flame graph could not be shown: ${reason}`));
  report(errorText(error));
}

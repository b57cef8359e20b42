/**
 * Entry of the flame graph webview bundle (dist/webview.js). Reads which trace the page shows from the host's inline
 * element, tells the host it listens (`ready`), builds the page while the host's snapshot is on its way, and shows the
 * trace when it arrives (`init`); later messages go to the app. Uncaught errors go to the extension's log.
 */
import { describeError, describeErrorWithStack } from '../src/shared/errors';
import type { ToWebview } from '../src/shared/protocol';
import { FlameApp } from './app';
import { element } from './dom';
import { parseState, vsCodeApi } from './vscodeApi';

const INIT_ELEMENT_ID = 'ai-trace-lens-init';
/** parseFromWebview's limit on text fields. */
const MAX_REPORT_LENGTH = 4096;

const api = vsCodeApi();
let traceId = '';

function report(message: string): void {
  if (traceId !== '') api.postMessage({ type: 'reportError', traceId, message: message.slice(0, MAX_REPORT_LENGTH) });
}

window.addEventListener('error', (event) =>
  report(event.error === undefined ? event.message : describeErrorWithStack(event.error)),
);
window.addEventListener('unhandledrejection', (event) => report(describeErrorWithStack(event.reason)));

/** The trace id the host wrote into the page. */
function readTraceId(): string {
  const text = document.getElementById(INIT_ELEMENT_ID)?.textContent;
  if (text === undefined || text === null) throw new Error(`The page has no #${INIT_ELEMENT_ID} element.`);
  const data = JSON.parse(text) as { traceId?: unknown };
  if (typeof data.traceId !== 'string') throw new Error('The initial trace data is malformed.');
  return data.traceId;
}

function isToWebview(value: unknown): value is ToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; traceId?: unknown };
  return typeof message.type === 'string' && typeof message.traceId === 'string';
}

const root = document.getElementById('app') ?? document.body;

function showFatal(reason: string): void {
  root.replaceChildren(element('div', 'fatal', `The flame graph could not be shown: ${reason}`));
}

let started = false;

/** Until the trace is shown only the page's trace counts: its `init` shows it, its removal is said as text. */
function beforeInit(app: FlameApp, message: ToWebview): void {
  if (message.traceId !== traceId) return;
  if (message.type === 'init') {
    app.start(message);
    started = true;
  } else if (message.type === 'traceRemoved') {
    showFatal('the trace is no longer held (the traces were cleared or it was evicted).');
  }
}

try {
  traceId = readTraceId();
  // The listener ignores messages while this is undefined: until FlameApp is built, for good if its constructor throws.
  let app: FlameApp | undefined = undefined;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isToWebview(event.data) || app === undefined) return;
    try {
      if (!started) {
        beforeInit(app, event.data);
      } else {
        app.handle(event.data);
      }
    } catch (error) {
      if (!started) showFatal(describeError(error));
      report(describeErrorWithStack(error));
    }
  });
  api.postMessage({ type: 'ready', traceId });
  app = new FlameApp(api, root, traceId, parseState(api.getState()));
} catch (error) {
  showFatal(describeError(error));
  report(describeErrorWithStack(error));
}

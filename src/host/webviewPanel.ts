/**
 * What the host side of every webview page repeats: setting up an editor panel for one of our pages, validating and
 * posting messages with a log line when that fails, and `LivePanel`, the window's one panel whose page shows live data
 * (the service map, the AI Metrics dashboard). Each feature keeps its own data and message handling.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { describeError } from '../shared/errors';
import { DisposableStore } from './disposable';
import type { Services } from './services';
import { webviewHtml, webviewOptions, type WebviewPage } from './webviewHtml';

/** What a panel does on its events. */
export interface PanelEvents {
  /** A message from the page, not yet validated. */
  readonly receive: (raw: unknown) => void;
  /** The user closed the panel. */
  readonly closed: () => void;
  /** The panel was hidden: without `retainContextWhenHidden` its page is destroyed, and says `ready` when shown. */
  readonly hidden: () => void;
}

/** Lets a panel load our page, gives it our icon and subscribes to its events; returns the subscriptions. */
export function connectPanel(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  events: PanelEvents,
): vscode.Disposable[] {
  panel.webview.options = webviewOptions(extensionUri);
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
  return [
    panel.onDidDispose(() => events.closed()),
    panel.webview.onDidReceiveMessage((message: unknown) => events.receive(message)),
    panel.onDidChangeViewState(() => {
      if (!panel.visible) events.hidden();
    }),
  ];
}

/** Posts to a page; `failure` is logged, with the reason, when the message is not delivered (the page may be gone). */
export function postToPage(
  webview: vscode.Webview,
  message: unknown,
  log: vscode.LogOutputChannel,
  failure: string,
): void {
  void webview.postMessage(message).then(undefined, (error: unknown) => {
    log.warn(`${failure}: ${describeError(error)}`);
  });
}

/** A page's message checked by `parse`, or undefined (logged as from the page `pageName`) when it is invalid. */
export function parsePageMessage<T>(
  raw: unknown,
  parse: (raw: unknown) => T | undefined,
  log: vscode.LogOutputChannel,
  pageName: string,
): T | undefined {
  const message = parse(raw);
  if (message === undefined) log.warn(`${pageName}: ignored an invalid message from the page: ${describeMessage(raw)}`);
  return message;
}

/** A page's message for a log line, shortened: anything may arrive. */
function describeMessage(raw: unknown): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 200);
  } catch {
    return String(raw).slice(0, 200);
  }
}

/** A new editor panel in the active column, for a `LivePanel`. */
export function createLivePanel(viewType: string, title: string): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, { enableScripts: true });
}

/** A `LivePanel`'s page, and how long a burst of changes waits before the page gets them. */
export type LivePage = Omit<WebviewPage, 'webview' | 'extensionUri'> & { readonly updateDelayMs: number };

/**
 * The window's one panel of a page that shows live data. The page posts `ready` and gets its data (`update`, run
 * only while the page is ready); a subclass schedules `updater` on the changes that concern it, so a burst is one
 * update. A hidden page is destroyed and says `ready` again when shown, so nothing is posted while hidden.
 */
export abstract class LivePanel implements vscode.Disposable {
  protected readonly disposables = new DisposableStore();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  /** The page said `ready` and has not been hidden since. */
  protected ready = false;
  protected readonly updater: Debouncer;

  constructor(
    protected readonly panel: vscode.WebviewPanel,
    protected readonly services: Services,
    { updateDelayMs, ...page }: LivePage,
  ) {
    const { extensionUri } = services.context;
    this.updater = new Debouncer(updateDelayMs, () => {
      if (this.ready) this.update();
    });
    const events: PanelEvents = {
      receive: (raw) => this.receive(raw),
      closed: () => this.dispose(),
      hidden: () => {
        this.ready = false;
      },
    };
    for (const subscription of connectPanel(panel, extensionUri, events)) this.disposables.add(subscription);
    panel.webview.html = webviewHtml({ ...page, webview: panel.webview, extensionUri });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    this.updater.dispose();
    this.disposables.dispose();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    this.panel.dispose();
  }

  /** Posts the page's data: called only while the page is ready. */
  protected abstract update(): void;

  /** Handles a message from the page, not yet validated. */
  protected abstract receive(raw: unknown): void;
}

/** The window's one `LivePanel` of a kind: `show` reveals it, or opens one when there is none; disposing closes it. */
export class SingleLivePanel implements vscode.Disposable {
  private panel: LivePanel | undefined;

  constructor(private readonly open: () => LivePanel) {}

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal();
      return;
    }
    const opened = this.open();
    this.panel = opened;
    opened.onDidDispose(() => {
      if (this.panel === opened) this.panel = undefined;
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

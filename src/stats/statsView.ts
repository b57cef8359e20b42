/**
 * The Statistics view: per model and per tool (and MCP server) figures over every trace, the selected conversation or
 * the selected trace, following the Traces view's selection and the store live. A webview table rather than a tree,
 * because a tree cannot sort by columns. Figures are computed only while the view shows: a hidden view marks itself
 * stale and catches up when shown, and a burst of store changes is one recomputation. Over a full store (200k spans)
 * one takes some 400 ms, so the next waits at least four times as long as the last took: the host stays free.
 */
import * as vscode from 'vscode';
import { aiStats, type PriceOf } from '../core/stats/aiStats';
import { resolveStatsScope, type ScopeChoice } from '../core/stats/statsScope';
import { runOnSpan } from '../host/commandTarget';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { webviewHtml, webviewOptions } from '../host/webviewHtml';
import { parsePageMessage, postToPage } from '../host/webviewPanel';
import { parseFromStatsView, type FromStatsView, type ToStatsView } from '../shared/statsProtocol';

const REFRESH_DELAY_MS = 250;
/** The wait after a recomputation, as a multiple of the time it took. */
const BUSY_FACTOR = 4;
const INIT_ELEMENT_ID = 'ai-trace-lens-stats-init';

export class StatsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the next recomputation may start (performance.now()). */
  private nextRefreshAt = 0;
  private view: vscode.WebviewView | undefined;
  /** The page said `ready` and has not been hidden since (a hidden webview view's page is destroyed). */
  private pageReady = false;
  /** The user asked for every trace; the next selection in the Traces view scopes the view again. */
  private showingAll = false;
  private readonly priceOf: PriceOf;

  constructor(private readonly services: Services) {
    this.priceOf = (ai) => services.prices.spanCost(ai);
    this.disposables.add(services.store.onDidChange(() => this.scheduleRefresh()));
    this.disposables.add(services.settings.onDidChange('prices', () => this.scheduleRefresh()));
    this.disposables.add(
      services.tracesView.onDidChangeSelection(() => {
        this.showingAll = false;
        this.scheduleRefresh();
      }),
    );
    this.disposables.add({ dispose: () => clearTimeout(this.timer) });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const { extensionUri } = this.services.context;
    this.view = view;
    this.pageReady = false;
    view.webview.options = webviewOptions(extensionUri);
    view.webview.html = webviewHtml({
      webview: view.webview,
      extensionUri,
      title: 'Statistics',
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['media', 'stats.css'],
      ],
      script: ['dist', 'stats.js'],
      data: { id: INIT_ELEMENT_ID, value: {} },
    });
    const subscriptions = [
      view.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      view.onDidChangeVisibility(() => {
        // Shown again, the page reloads and says `ready`, which refreshes it.
        if (!view.visible) this.pageReady = false;
      }),
    ];
    view.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private scheduleRefresh(): void {
    if (this.view?.visible !== true || !this.pageReady || this.timer !== undefined) return;
    const delay = Math.max(REFRESH_DELAY_MS, this.nextRefreshAt - performance.now());
    this.timer = setTimeout(() => this.refresh(), delay);
  }

  private refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const view = this.view;
    if (view === undefined || !view.visible || !this.pageReady) return;
    const started = performance.now();
    const { scope, traces } = resolveStatsScope(this.services.store, this.scopeChoice());
    const message: ToStatsView = { type: 'stats', scope, stats: aiStats(traces, this.priceOf) };
    const ended = performance.now();
    this.nextRefreshAt = ended + BUSY_FACTOR * (ended - started);
    postToPage(view.webview, message, this.services.log, 'Statistics: the figures were not delivered to the page');
  }

  /** The Traces view's first selected row: a conversation, or a trace or span's trace; else every trace. */
  private scopeChoice(): ScopeChoice {
    if (this.showingAll) return { kind: 'all' };
    const { tracesView } = this.services;
    const sessionId = tracesView.selectedSessionId;
    if (sessionId !== undefined) return { kind: 'session', sessionId };
    const row = tracesView.selectedRows[0];
    return row === undefined ? { kind: 'all' } : { kind: 'trace', traceId: row.traceId };
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw, parseFromStatsView, this.services.log, 'Statistics');
    if (message === undefined) return;
    await this.handle(message);
  }

  private async handle(message: FromStatsView): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.refresh();
        return;
      case 'openSpan':
        await runOnSpan(Commands.openFlameGraph, message);
        return;
      case 'showAllTraces':
        this.showingAll = true;
        this.refresh();
        return;
      case 'reportError':
        this.services.log.error(`Statistics page: ${message.message}`);
        return;
    }
  }
}

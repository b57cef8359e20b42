/**
 * The Statistics view: per model and per tool (and MCP server) figures over every trace, the selected conversation or
 * the selected trace, following the Traces view's selection and the store live. A webview table rather than a tree,
 * because a tree cannot sort by columns. Figures are computed only while the view shows: a hidden view marks itself
 * stale and catches up when shown, and a burst of store changes is one recomputation.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { aiStats, type PriceOf } from '../core/stats/aiStats';
import { resolveStatsScope, type ScopeChoice } from '../core/stats/statsScope';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { webviewHtml } from '../host/webviewHtml';
import { parseFromStatsView, type FromStatsView, type ToStatsView } from '../shared/statsProtocol';

const REFRESH_DELAY_MS = 250;
const INIT_ELEMENT_ID = 'ai-trace-lens-stats-init';

export class StatsView implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.refresh());
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
    this.disposables.add(this.debouncer);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const { extensionUri } = this.services.context;
    this.view = view;
    this.pageReady = false;
    view.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
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
    if (this.view?.visible === true && this.pageReady) this.debouncer.schedule();
  }

  private refresh(): void {
    const view = this.view;
    if (view === undefined || !view.visible || !this.pageReady) return;
    const { scope, traces } = resolveStatsScope(this.services.store, this.scopeChoice());
    const message: ToStatsView = { type: 'stats', scope, stats: aiStats(traces, this.priceOf) };
    void view.webview.postMessage(message);
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
    const message = parseFromStatsView(raw);
    if (message === undefined) {
      this.services.log.warn(`Statistics: ignored an invalid message from the page: ${describeMessage(raw)}`);
      return;
    }
    await this.handle(message);
  }

  private async handle(message: FromStatsView): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        this.refresh();
        return;
      case 'openSpan':
        // The command says when the span's trace is gone.
        await vscode.commands.executeCommand(Commands.openFlameGraph, {
          type: 'span',
          traceId: message.traceId,
          spanId: message.spanId,
        });
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

function describeMessage(raw: unknown): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 200);
  } catch {
    return String(raw).slice(0, 200);
  }
}

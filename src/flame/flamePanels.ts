import * as vscode from 'vscode';
import { FLAME_GRAPH_VIEW_TYPE } from '../host/contributions';
import type { Services } from '../host/services';
import { isSpanId, isTraceId } from '../shared/ids';
import { FlamePanel, panelTitle } from './flamePanel';

/** All flame graph panels, by trace, and their restoring after a reload. */
export class FlamePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, FlamePanel>();

  constructor(private readonly services: Services) {}

  /** Opens the trace's panel beside the active editor, or reveals the one already open; selects `spanId` if given. */
  open(traceId: string, spanId?: string): void {
    const existing = this.panels.get(traceId);
    if (existing !== undefined) {
      existing.reveal(spanId);
      return;
    }
    const trace = this.services.store.getTrace(traceId);
    const panel = vscode.window.createWebviewPanel(
      FLAME_GRAPH_VIEW_TYPE,
      panelTitle(trace?.summary.rootName ?? ''),
      {
        viewColumn: vscode.window.activeTextEditor === undefined ? vscode.ViewColumn.Active : vscode.ViewColumn.Beside,
        preserveFocus: false,
      },
      { enableScripts: true },
    );
    this.attach(panel, traceId, spanId);
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const { traceId, selectedSpanId } = (typeof state === 'object' && state !== null ? state : {}) as {
      traceId?: unknown;
      selectedSpanId?: unknown;
    };
    if (!isTraceId(traceId) || this.panels.has(traceId)) {
      // Nothing to show it with (no saved state, or that trace already has a panel).
      panel.dispose();
      return Promise.resolve();
    }
    this.attach(panel, traceId, isSpanId(selectedSpanId) ? selectedSpanId : undefined);
    return Promise.resolve();
  }

  /** Stops every panel's listeners but leaves the panels open: VS Code restores them after a reload. */
  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.detach();
  }

  private attach(panel: vscode.WebviewPanel, traceId: string, spanId: string | undefined): void {
    const flame = new FlamePanel(panel, traceId, this.services, spanId);
    this.panels.set(traceId, flame);
    flame.onDidDispose(() => {
      if (this.panels.get(traceId) === flame) this.panels.delete(traceId);
    });
  }
}

/**
 * The flame feature: a flame graph panel per trace, opened beside the code and reused when the same trace is opened
 * again, restored after a reload, and the Open Flame Graph command.
 */
import * as vscode from 'vscode';
import { parseCommandTarget, targetTrace, warnGone, type CommandTarget } from '../host/commandTarget';
import { registerCommands } from '../host/commands';
import { FLAME_GRAPH_VIEW_TYPE, FlameCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import { pickTrace } from '../host/pickers';
import type { Services } from '../host/services';
import { isSpanId, isTraceId } from '../shared/ids';
import { FlamePanel, panelTitle } from './flamePanel';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const panels = disposables.add(new FlamePanels(services));
  disposables.add(vscode.window.registerWebviewPanelSerializer(FLAME_GRAPH_VIEW_TYPE, panels));
  disposables.add(
    registerCommands(services.log, FlameCommands, {
      openFlameGraph: (...args) =>
        openFlameGraph(services, panels, parseCommandTarget(args, { orActiveDocument: true })),
    }),
  );
  return disposables;
}

/**
 * Opens the trace of a row (at the span of a span row or CodeLens), of a span details document (at its span), or a
 * trace picked from the palette.
 */
async function openFlameGraph(services: Services, panels: FlamePanels, target: CommandTarget): Promise<void> {
  const trace = targetTrace(services.store, target);
  if (trace === 'gone') {
    warnGone(target.kind === 'spanDocument' ? 'span' : 'trace');
    return;
  }
  if (trace !== undefined) {
    const row = target.kind === 'rows' ? target.rows[0] : undefined;
    const spanId = target.kind === 'spanDocument' ? target.spanId : row?.type === 'span' ? row.spanId : undefined;
    panels.open(trace.summary.traceId, spanId);
    return;
  }
  const picked = await pickTrace(services.store.traces(), 'Open Flame Graph');
  if (picked !== undefined) panels.open(picked.summary.traceId);
}

/** All flame graph panels, by trace, and their restoring after a reload. */
class FlamePanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
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

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
import { FlamePanels } from './flamePanels';

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

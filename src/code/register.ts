/** The code feature: Jump to Code from a span, and the CodeLens figures above the code that made spans. */
import * as vscode from 'vscode';
import { parseCommandTarget, targetSpan, warnGone } from '../host/commandTarget';
import { registerCommands } from '../host/commands';
import { CodeCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import { NO_TRACES_MESSAGE, pickSpan } from '../host/pickers';
import type { Services } from '../host/services';
import { TraceCodeLenses } from './codeLens';

export function register(services: Services): vscode.Disposable {
  const { settings, log } = services;
  const disposables = new DisposableStore();
  const codeLenses = disposables.add(new TraceCodeLenses(services));
  codeLenses.setEnabled(settings.code.codeLensEnabled);
  let pathMappings = JSON.stringify(settings.code.pathMappings);
  disposables.add(
    settings.onDidChange('code', () => {
      codeLenses.setEnabled(settings.code.codeLensEnabled);
      const changed = JSON.stringify(settings.code.pathMappings);
      if (changed !== pathMappings) codeLenses.invalidate();
      pathMappings = changed;
    }),
  );
  disposables.add(settings.onDidChange('prices', () => codeLenses.reprice()));
  disposables.add(registerCommands(log, CodeCommands, { jumpToCode: (...args) => jumpToCode(services, args) }));
  return disposables;
}

/**
 * Opens the code of a span row (a trace row: its root span), of a span details document (its title button, or the
 * palette while it is active), or of a span picked from the selected or newest trace.
 */
async function jumpToCode({ store, tracesView, navigator }: Services, args: readonly unknown[]): Promise<void> {
  const target = parseCommandTarget(args, { orActiveDocument: true });
  let node = targetSpan(store, target);
  if (node === 'gone') {
    warnGone('span');
    return;
  }
  if (node === undefined) {
    const trace = tracesView.currentTrace();
    if (trace === undefined) {
      void vscode.window.showInformationMessage(NO_TRACES_MESSAGE);
      return;
    }
    node = await pickSpan(
      trace,
      `Jump to Code: ${trace.summary.rootName}`,
      'Pick a span to open the code that made it',
    );
    if (node === undefined) return;
  }
  // From the tree the code opens where the user works; from a details document, beside it rather than over it.
  await navigator.jumpToSpan(node, {
    viewColumn: target.kind === 'spanDocument' ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
    spanName: node.span.name || '(unnamed span)',
  });
}

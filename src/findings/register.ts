/**
 * The findings feature: the live findings (services.findings) shown in the Problems panel at the line of their span,
 * with code actions to the flame graph and the span's details. The Traces view marks them itself.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { FindingCodeActions } from './codeActions';
import { FindingDiagnostics } from './diagnostics';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const diagnostics = disposables.add(new FindingDiagnostics(services));
  disposables.add(services.findings.onDidChange((change) => diagnostics.update(change)));
  // Where a span resolves depends on the path mappings and the workspace's folders.
  disposables.add(services.settings.onDidChange('code', () => diagnostics.resolveAll()));
  disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => diagnostics.resolveAll()));
  disposables.add(
    vscode.languages.registerCodeActionsProvider(
      { scheme: 'file' },
      new FindingCodeActions(),
      FindingCodeActions.metadata,
    ),
  );
  diagnostics.resolveAll();
  return disposables;
}

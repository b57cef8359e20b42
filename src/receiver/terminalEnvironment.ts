/**
 * Zero-config capture in VS Code's terminals: the extension's environment variable collection points every new
 * terminal's OpenTelemetry SDKs at the receiver's actual address, follows it when the port changes and is emptied
 * while nothing listens, so a terminal never sends to a port some other program may hold.
 */
import * as vscode from 'vscode';
import { describeExportVariables, receiverExportVariables } from '../core/exportEnvironment';
import { CONFIG_SECTION, SettingKeys } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

export class TerminalEnvironment implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly collection: vscode.GlobalEnvironmentVariableCollection;
  /** What the collection holds, so that an unchanged state does not mark open terminals as stale. */
  private applied = '';

  constructor(private readonly services: Services) {
    this.collection = services.context.environmentVariableCollection;
    // Restored at startup before activation, so terminals VS Code brings back get the variables too.
    this.collection.persistent = true;
    this.disposables.add(services.receiver.onDidChangeState(() => this.update()));
    this.disposables.add(services.settings.onDidChange('export', () => this.update()));
    this.update();
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(): void {
    const state = this.services.receiver.state;
    const enabled = this.services.settings.export.terminal;
    // While (re)starting, the last bound address is kept: a restart on the same port should not churn terminals.
    if (enabled && state.kind === 'starting') return;
    const variables = enabled ? receiverExportVariables(state, process.env) : undefined;
    const key = JSON.stringify(variables ?? []);
    if (key === this.applied) return;
    this.applied = key;
    this.collection.clear();
    this.services.contextKeys.set('terminalEnvironment', variables !== undefined);
    if (variables === undefined) return;
    for (const { name, value } of variables) this.collection.replace(name, value);
    const description = new vscode.MarkdownString(
      describeExportVariables(variables, `${CONFIG_SECTION}.${SettingKeys.terminalInjectEnvironment}`),
    );
    description.isTrusted = false;
    this.collection.description = description;
  }
}

/**
 * Zero-config capture in VS Code's terminals: the extension's environment variable collection points every new
 * terminal's OpenTelemetry SDKs at the receiver's actual address, follows it when the port changes and is emptied
 * while nothing listens, so a terminal never sends to a port some other program may hold.
 */
import * as vscode from 'vscode';
import { CONFIG_SECTION, ContextKeys, SettingKeys } from './contributions';
import { describeExportVariables, receiverExportVariables } from './core/exportEnvironment';
import type { ReceiverController } from './receiverController';

export class TerminalEnvironment implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** What the collection holds, so that an unchanged state does not mark open terminals as stale. */
  private applied = '';

  constructor(
    private readonly collection: vscode.GlobalEnvironmentVariableCollection,
    private readonly receiver: ReceiverController,
    private enabled: boolean,
  ) {
    // Restored at startup before activation, so terminals VS Code brings back get the variables too.
    collection.persistent = true;
    this.subscription = receiver.onDidChangeState(() => this.update());
    this.update();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.update();
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private update(): void {
    const state = this.receiver.state;
    // While (re)starting, the last bound address is kept: a restart on the same port should not churn terminals.
    if (this.enabled && state.kind === 'starting') return;
    const variables = this.enabled ? receiverExportVariables(state, process.env) : undefined;
    const key = JSON.stringify(variables ?? []);
    if (key === this.applied) return;
    this.applied = key;
    this.collection.clear();
    void vscode.commands.executeCommand('setContext', ContextKeys.terminalEnvironment, variables !== undefined);
    if (variables === undefined) return;
    for (const { name, value } of variables) this.collection.replace(name, value);
    const description = new vscode.MarkdownString(
      describeExportVariables(variables, `${CONFIG_SECTION}.${SettingKeys.terminalInjectEnvironment}`),
    );
    description.isTrusted = false;
    this.collection.description = description;
  }
}

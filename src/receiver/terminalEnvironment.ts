/**
 * Zero-config capture in VS Code's terminals: the receiver's part of the extension's environment variable collection
 * (host/terminalVariables.ts) points every new terminal's OpenTelemetry SDKs at the receiver's actual address, follows
 * it when the port changes and is emptied while nothing listens, so a terminal never sends to a port some other
 * program may hold.
 */
import type * as vscode from 'vscode';
import { describeExportVariables, receiverExportVariables } from '../core/exportEnvironment';
import { CONFIG_SECTION, SettingKeys } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

export class TerminalEnvironment implements vscode.Disposable {
  private readonly disposables = new DisposableStore();

  constructor(private readonly services: Services) {
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
    this.services.contextKeys.set('terminalEnvironment', variables !== undefined);
    this.services.terminalVariables.set(
      'receiver',
      variables === undefined
        ? undefined
        : {
            variables,
            description: describeExportVariables(
              variables,
              `${CONFIG_SECTION}.${SettingKeys.terminalInjectEnvironment}`,
            ),
          },
    );
  }
}

/**
 * What the gateway tells the user beyond the status bar: why it could not listen, with the actions that fix it (as
 * the receiver does for its ports), and where it listens once the user chose a new port.
 */
import * as vscode from 'vscode';
import { displayAddress } from '../core/endpoint';
import type { ListenFailureEvent } from '../core/receiver/serverSupervisor';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

export class GatewayNotifications implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  /** The port the user just chose: the start that follows says where the gateway listens, if it binds that port. */
  private announcedPort: number | undefined;

  constructor({ gateway, log }: Services) {
    this.disposables.add(
      gateway.onDidChangeState((state) => {
        if (this.announcedPort === undefined || state.kind === 'starting') return;
        if (state.kind === 'listening' && state.port === this.announcedPort) {
          void vscode.window.showInformationMessage(
            `The AI Trace Lens gateway now listens on ${displayAddress(state.host, state.port)}. New terminals and ` +
              'debug launches that capture LLM calls use it; restart terminals that are already open.',
          );
        }
        this.announcedPort = undefined;
      }),
    );
    this.disposables.add(gateway.onDidFailToListen((event) => void notifyListenFailure(event, log)));
  }

  /** After the user picks a port: if the next start binds it, a message says so. */
  announceNextStart(port: number): void {
    this.announcedPort = port;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** Says why the gateway could not listen; a port in use offers another port, anything else the log. */
async function notifyListenFailure(
  { host, port, failure }: ListenFailureEvent,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const changePort = 'Change Port…';
  const retry = 'Retry';
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choices = failure.code === 'EADDRINUSE' ? [changePort, retry, openSettings] : [retry, openSettings, showLog];
  const choice = await vscode.window.showErrorMessage(
    `AI Trace Lens's gateway can't listen on ${displayAddress(host, port)}, so LLM calls are not captured ` +
      `(traces still arrive): ${failure.reason}`,
    ...choices,
  );
  if (choice === changePort) await vscode.commands.executeCommand(Commands.changeGatewayPort);
  else if (choice === retry) await vscode.commands.executeCommand(Commands.restartGateway);
  else if (choice === openSettings) await vscode.commands.executeCommand(Commands.openSettings);
  else if (choice === showLog) log.show();
}

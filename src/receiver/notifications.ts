/**
 * What the receiver tells the user beyond the status bar: why a receiver could not listen, with the actions that fix
 * it, and where it listens once the user chose a new port.
 */
import * as vscode from 'vscode';
import { displayAddress, endpointUrl } from '../core/endpoint';
import type { ListenFailureEvent } from '../core/receiver/serverSupervisor';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

export class ReceiverNotifications implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  /** The port the user just chose: the start that follows says where it listens, if it binds that port. */
  private announcedPort: number | undefined;

  constructor({ receiver, log }: Services) {
    this.disposables.add(
      receiver.onDidChangeState((state) => {
        if (this.announcedPort === undefined || state.kind === 'starting' || state.inAnotherWindow) return;
        const bound = state.kind === 'listening' || state.kind === 'paused';
        if (bound && state.port === this.announcedPort) void announceListening(state.host, state.port);
        this.announcedPort = undefined;
      }),
    );
    this.disposables.add(receiver.onDidFailToListen((event) => void notifyListenFailure(event, log)));
  }

  /** After the user picks a port: if the next start binds it, a message gives the new endpoint to configure. */
  announceNextStart(port: number): void {
    this.announcedPort = port;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

/** Says what could not listen and why; "Use Another Port" changes that protocol's port. */
async function notifyListenFailure(
  { protocol, host, port, failure }: ListenFailureEvent,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const where = displayAddress(host, port);
  const message =
    protocol === 'http'
      ? `AI Trace Lens can't listen on ${where}`
      : `AI Trace Lens can't listen for OTLP/gRPC on ${where} (OTLP/HTTP still works)`;
  const useAnotherPort = 'Use Another Port';
  const retry = 'Retry';
  const openSettings = 'Open Settings';
  const showLog = 'Show Log';
  const choices =
    failure.code === 'EADDRINUSE' ? [useAnotherPort, retry, openSettings] : [retry, openSettings, showLog];
  const choice = await vscode.window.showErrorMessage(`${message}: ${failure.reason}`, ...choices);
  if (choice === useAnotherPort) await vscode.commands.executeCommand(Commands.changePort, protocol);
  else if (choice === retry) await vscode.commands.executeCommand(Commands.restartReceiver);
  else if (choice === openSettings) await vscode.commands.executeCommand(Commands.openSettings);
  else if (choice === showLog) log.show();
}

async function announceListening(host: string, port: number): Promise<void> {
  const copy = 'Copy Endpoint Settings';
  const choice = await vscode.window.showInformationMessage(
    `AI Trace Lens now listens on ${displayAddress(host, port)}. Point your app's OTEL_EXPORTER_OTLP_ENDPOINT at ` +
      `${endpointUrl(host, port)}.`,
    copy,
  );
  if (choice === copy) await vscode.commands.executeCommand(Commands.copyEndpoint);
}

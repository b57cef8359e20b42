/**
 * The receiver feature: the status bar item, the environment that sends traces here from terminals and debug
 * launches, the receiver's commands and notifications, and the context keys its menus read.
 */
import * as vscode from 'vscode';
import { isDefaultEndpoint } from '../core/endpoint';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { registerReceiverCommands } from './commands';
import { LaunchEnvironmentProvider } from './launchConfiguration';
import { ReceiverNotifications } from './notifications';
import { ReceiverStatusBar } from './statusBar';
import { TerminalEnvironment } from './terminalEnvironment';

export function register(services: Services): vscode.Disposable {
  const { receiver, contextKeys, settings } = services;
  const disposables = new DisposableStore();
  const setContextKeys = () => {
    const { kind, host, port } = receiver.state;
    contextKeys.set('receiverState', kind);
    contextKeys.set('defaultEndpoint', isDefaultEndpoint(host, port));
  };
  setContextKeys();
  disposables.add(receiver.onDidChangeState(setContextKeys));
  disposables.add(new ReceiverStatusBar(services));
  disposables.add(new TerminalEnvironment(services));
  disposables.add(
    vscode.debug.registerDebugConfigurationProvider('*', new LaunchEnvironmentProvider(receiver, settings)),
  );
  const notifications = disposables.add(new ReceiverNotifications(services));
  disposables.add(registerReceiverCommands(services, notifications));
  return disposables;
}

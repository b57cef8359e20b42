/**
 * The gateway feature: capture without instrumentation. Its commands turn the capture on and off and fix the
 * gateway's port; while capture is on and the gateway listens, new terminals and debug launches send their model SDK
 * calls through it. Its context keys feed the welcome view and the command palette.
 */
import * as vscode from 'vscode';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { registerGatewayCommands } from './commands';
import { GatewayLaunchEnvironmentProvider } from './launchConfiguration';
import { GatewayNotifications } from './notifications';
import { GatewayTerminalEnvironment } from './terminalEnvironment';

export function register(services: Services): vscode.Disposable {
  const { gateway, contextKeys, settings } = services;
  const disposables = new DisposableStore();
  const setContextKeys = () => {
    contextKeys.set('gatewayState', gateway.state.kind);
    contextKeys.set('gatewayCapture', settings.gateway.capture);
  };
  setContextKeys();
  disposables.add(gateway.onDidChangeState(setContextKeys));
  disposables.add(settings.onDidChange('gateway', setContextKeys));
  disposables.add(new GatewayTerminalEnvironment(services));
  disposables.add(
    vscode.debug.registerDebugConfigurationProvider('*', new GatewayLaunchEnvironmentProvider(gateway, settings)),
  );
  const notifications = disposables.add(new GatewayNotifications(services));
  disposables.add(registerGatewayCommands(services, notifications));
  return disposables;
}

/**
 * The gateway's commands: turning capture without instrumentation on and off for the workspace, and restarting the
 * gateway or moving it to another port when its own is taken.
 */
import * as vscode from 'vscode';
import { displayAddress } from '../core/endpoint';
import { GATEWAY_SETTING_LIMITS } from '../core/gateway/settings';
import { registerCommands } from '../host/commands';
import { Commands, GatewayCommands, SettingKeys, TRACES_VIEW_ID } from '../host/contributions';
import { askForPort } from '../host/portPrompt';
import type { Services } from '../host/services';
import type { GatewayNotifications } from './notifications';

/** As package.json titles the command, for messages that tell the user how to stop. */
export const STOP_CAPTURING_TITLE = 'AI Trace Lens: Stop Capturing LLM Calls';

export function registerGatewayCommands(services: Services, notifications: GatewayNotifications): vscode.Disposable {
  const { gateway, log } = services;
  return registerCommands(log, GatewayCommands, {
    captureLlmCalls: () => startCapturing(services),
    stopCapturingLlmCalls: () => stopCapturing(services),
    restartGateway: () => gateway.restart(),
    changeGatewayPort: () => changeGatewayPort(services, notifications),
  });
}

async function startCapturing(services: Services): Promise<void> {
  const target = await services.settings.saveGatewayCapture(true);
  const where = target === 'workspace' ? 'this workspace' : 'every window (no folder is open, so your user settings)';
  const { gateway } = services;
  const state = gateway.state;
  if (state.kind === 'listening' || state.kind === 'starting') {
    const showTraces = 'Show Traces';
    const choice = await vscode.window.showInformationMessage(
      `Capturing LLM calls in ${where}: new terminals and debug launches send OpenAI, Anthropic and Gemini SDK ` +
        `traffic through the AI Trace Lens gateway (${gateway.endpoint}), and each call appears in the Traces view ` +
        'with its timing and tokens. Restart terminals that are already open to capture them too.',
      showTraces,
    );
    if (choice === showTraces) await vscode.commands.executeCommand(`${TRACES_VIEW_ID}.focus`);
    return;
  }
  const why =
    state.kind === 'failed'
      ? (state.failure?.reason ?? 'it failed to start')
      : 'it is turned off (aiTraceLens.gateway.enabled)';
  const retry = 'Restart Gateway';
  const openSettings = 'Open Settings';
  const choice = await vscode.window.showWarningMessage(
    `Capture is on for ${where}, but the gateway is not listening: ${why}. New terminals and debug launches get its ` +
      'address once it listens.',
    ...(state.kind === 'failed' ? [retry, openSettings] : [openSettings]),
  );
  if (choice === retry) await gateway.restart();
  else if (choice === openSettings) await vscode.commands.executeCommand(Commands.openSettings);
}

async function stopCapturing(services: Services): Promise<void> {
  const target = await services.settings.saveGatewayCapture(false);
  const where = target === 'workspace' ? 'this workspace' : 'your user settings';
  void vscode.window.showInformationMessage(
    `Stopped capturing LLM calls in ${where}: new terminals and debug launches call the model APIs directly. ` +
      "Terminals opened while capturing keep the gateway's address until you restart them.",
  );
}

async function changeGatewayPort({ gateway, settings }: Services, notifications: GatewayNotifications): Promise<void> {
  const { host, port: configured } = settings.gateway;
  const port = await askForPort({
    title: 'AI Trace Lens: Gateway Port',
    host,
    configured,
    limits: GATEWAY_SETTING_LIMITS['gateway.port'],
    prompt: (suggestion) =>
      `Port for the AI gateway on ${displayAddress(host, configured)} (saved as aiTraceLens.gateway.port). ` +
      `${suggestion} is free now. Captured terminals and debug launches follow the new port; restart open terminals.`,
  });
  if (port === undefined) return;
  notifications.announceNextStart(port);
  // The same port changes no setting, so no restart would follow on its own.
  if (port === configured) await gateway.restart();
  else await settings.savePort(SettingKeys.gatewayPort, port);
}

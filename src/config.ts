/** Reads and writes the `aiTraceLens.*` settings. */
import * as vscode from 'vscode';
import { CONFIG_SECTION, SettingKeys } from './contributions';
import {
  parseCodeSettings,
  parseExportSettings,
  parseSettings,
  type ParsedCodeSettings,
  type ParsedExportSettings,
  type ParsedSettings,
} from './core/settings';

export function readSettings(): ParsedSettings {
  const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return parseSettings((key) => configuration.get(key));
}

export function readCodeSettings(): ParsedCodeSettings {
  const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return parseCodeSettings((key) => configuration.get(key));
}

export function readExportSettings(): ParsedExportSettings {
  const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return parseExportSettings((key) => configuration.get(key));
}

export function affectsExport(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration(`${CONFIG_SECTION}.${SettingKeys.terminalInjectEnvironment}`) ||
    event.affectsConfiguration(`${CONFIG_SECTION}.${SettingKeys.debugInjectEnvironment}`)
  );
}

export function affectsCode(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration(`${CONFIG_SECTION}.${SettingKeys.pathMappings}`) ||
    event.affectsConfiguration(`${CONFIG_SECTION}.${SettingKeys.codeLensEnabled}`)
  );
}

export function affectsReceiver(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${CONFIG_SECTION}.receiver`);
}

export function affectsStore(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${CONFIG_SECTION}.store`);
}

/**
 * Saves the port where it takes effect: in the workspace when the workspace already sets one (a user value would
 * stay hidden behind it), otherwise in the user settings.
 */
export async function saveReceiverPort(
  key: typeof SettingKeys.receiverPort | typeof SettingKeys.receiverGrpcPort,
  port: number,
): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const inspected = configuration.inspect<number>(key);
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update(key, port, target);
}

/** Opens the Settings editor filtered to this extension's settings. */
export function openSettings(extensionId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`);
}

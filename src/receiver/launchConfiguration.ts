/**
 * Zero-config capture for F5: a debug configuration provider adds the export variables to every launch (whatever the
 * debugger), so a debugged app's traces arrive without edits; and a command writes them into a launch.json
 * configuration, for runs without the extension or for sharing with the team. The configuration's own `env` wins.
 */
import * as vscode from 'vscode';
import { hasExportVariables, mergeLaunchEnvironment, receiverExportVariables } from '../core/exportEnvironment';
import type { ReceiverSupervisor } from '../core/receiver/receiverSupervisor';
import type { SettingsService } from '../host/settings';

export class LaunchEnvironmentProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly receiver: ReceiverSupervisor,
    private readonly settings: SettingsService,
  ) {}

  /** Runs after every other provider and after `${…}` substitution, so the debugger type and `env` are final. */
  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    // An attached process already has its environment.
    if (!this.settings.export.debug || configuration.request !== 'launch') return configuration;
    const variables = receiverExportVariables(this.receiver.state, process.env);
    if (variables === undefined) return configuration;
    const env = mergeLaunchEnvironment(configuration.env, variables);
    return env === undefined ? configuration : { ...configuration, env };
  }
}

interface LaunchPick extends vscode.QuickPickItem {
  folder: vscode.WorkspaceFolder;
  index: number;
}

const TITLE = 'Add Trace Export to Launch Configuration';

/** Asks for a launch configuration of the workspace's launch.json files and adds the export variables to its `env`. */
export async function addTraceExportToLaunchConfiguration(receiver: ReceiverSupervisor): Promise<void> {
  const variables = receiverExportVariables(receiver.state, process.env);
  if (variables === undefined) {
    void vscode.window.showWarningMessage(
      'The AI Trace Lens receiver is not listening, so there is no endpoint to add. Restart it, then try again.',
    );
    return;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  const picks: LaunchPick[] = [];
  for (const folder of folders) {
    launchConfigurations(folder).forEach((configuration, index) => {
      if (typeof configuration !== 'object' || configuration === null) return;
      const { name, type, request, env } = configuration as Record<string, unknown>;
      if (typeof name !== 'string' || request !== 'launch') return;
      picks.push({
        label: name,
        description: [typeof type === 'string' ? type : undefined, folders.length > 1 ? folder.name : undefined]
          .filter((part) => part !== undefined)
          .join(' · '),
        detail: hasExportVariables(env, variables) ? 'already exports traces' : undefined,
        folder,
        index,
      });
    });
  }
  if (picks.length === 0) {
    const create = 'Create launch.json';
    const choice = await vscode.window.showInformationMessage(
      'This workspace has no launch configurations to add trace export to. While the extension runs, every debug ' +
        'launch exports its traces anyway (aiTraceLens.debug.injectEnvironment).',
      create,
    );
    if (choice === create) await vscode.commands.executeCommand('workbench.action.debug.configure');
    return;
  }
  const pick = await vscode.window.showQuickPick(picks, {
    title: TITLE,
    placeHolder: 'The launch configuration whose runs should send their traces to AI Trace Lens',
  });
  if (pick === undefined) return;

  // Read again: launch.json may have changed while the quick pick was open.
  const configurations = launchConfigurations(pick.folder);
  const chosen = configurations[pick.index] as Record<string, unknown> | undefined;
  if (chosen?.name !== pick.label) throw new Error(`launch.json changed: "${pick.label}" is no longer where it was.`);
  const env = mergeLaunchEnvironment(chosen.env, variables);
  if (env === undefined) throw new Error(`The "env" of "${pick.label}" in launch.json is not an object.`);
  const updated = configurations.map((configuration, index) =>
    index === pick.index ? { ...chosen, env } : configuration,
  );
  await vscode.workspace
    .getConfiguration('launch', pick.folder.uri)
    .update('configurations', updated, vscode.ConfigurationTarget.WorkspaceFolder);
  void vscode.window.showInformationMessage(
    `"${pick.label}" now sends its traces to ${receiver.endpoint} (${variables.map((variable) => variable.name).join(', ')}; ` +
      'values it already had are kept).',
  );
}

/** The configurations of the folder's own launch.json (not user or workspace-file ones, which this does not edit). */
function launchConfigurations(folder: vscode.WorkspaceFolder): unknown[] {
  const value = vscode.workspace
    .getConfiguration('launch', folder.uri)
    .inspect<unknown>('configurations')?.workspaceFolderValue;
  return Array.isArray(value) ? value : [];
}

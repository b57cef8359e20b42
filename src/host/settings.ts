/**
 * The `aiTraceLens.*` settings as checked values (core/settings.ts), read once and again when they change. A feature
 * reads `current`, `code` or `export` when it needs a value and subscribes to the section it depends on, instead of
 * reading VS Code's configuration itself. Invalid values fall back to their defaults, each with a warning in the log.
 */
import * as vscode from 'vscode';
import {
  parseCodeSettings,
  parseExportSettings,
  parseSettings,
  type CodeSettings,
  type ExportSettings,
  type Settings,
} from '../core/settings';
import { CONFIG_SECTION, SettingKeys } from './contributions';
import { DisposableStore } from './disposable';

/**
 * The groups of settings that change together: the receiver's, the stores' bounds, jump to code and CodeLens
 * (`code`), and the environment given to terminals and debug launches (`export`).
 */
export type SettingsSection = 'receiver' | 'store' | 'code' | 'export';

const SECTION_KEYS: Record<SettingsSection, readonly string[]> = {
  receiver: ['receiver'],
  store: ['store'],
  code: [SettingKeys.pathMappings, SettingKeys.codeLensEnabled],
  export: [SettingKeys.terminalInjectEnvironment, SettingKeys.debugInjectEnvironment],
};

export class SettingsService implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly emitters = new Map<SettingsSection, vscode.EventEmitter<void>>();
  private settings: Settings;
  private codeSettings: CodeSettings;
  private exportSettings: ExportSettings;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.settings = this.read(parseSettings);
    this.codeSettings = this.read(parseCodeSettings);
    this.exportSettings = this.read(parseExportSettings);
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((event) => this.onChange(event)));
  }

  /** The receiver's settings and the stores' bounds. */
  get current(): Settings {
    return this.settings;
  }

  get code(): CodeSettings {
    return this.codeSettings;
  }

  get export(): ExportSettings {
    return this.exportSettings;
  }

  /** Fires after a setting of `section` changed, with the new values already in place. */
  onDidChange(section: SettingsSection, listener: () => void): vscode.Disposable {
    let emitter = this.emitters.get(section);
    if (emitter === undefined) {
      emitter = this.disposables.add(new vscode.EventEmitter<void>());
      this.emitters.set(section, emitter);
    }
    return emitter.event(listener);
  }

  /**
   * Saves a receiver port where it takes effect: in the workspace when the workspace already sets one (a user value
   * would stay hidden behind it), otherwise in the user settings.
   */
  async saveReceiverPort(
    key: typeof SettingKeys.receiverPort | typeof SettingKeys.receiverGrpcPort,
    port: number,
  ): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const inspected = configuration.inspect<number>(key);
    const target =
      inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    await configuration.update(key, port, target);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private onChange(event: vscode.ConfigurationChangeEvent): void {
    const affects = (section: SettingsSection) =>
      SECTION_KEYS[section].some((key) => event.affectsConfiguration(`${CONFIG_SECTION}.${key}`));
    const changed = (['receiver', 'store', 'code', 'export'] as const).filter(affects);
    if (changed.includes('receiver') || changed.includes('store')) this.settings = this.read(parseSettings);
    if (changed.includes('code')) this.codeSettings = this.read(parseCodeSettings);
    if (changed.includes('export')) this.exportSettings = this.read(parseExportSettings);
    for (const section of changed) this.emitters.get(section)?.fire();
  }

  /** Parses the section's settings, logging each value that was ignored. */
  private read<T, K extends string>(parse: (get: (key: K) => unknown) => { settings: T; problems: string[] }): T {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const { settings, problems } = parse((key) => configuration.get(key));
    for (const problem of problems) this.log.warn(problem);
    return settings;
  }
}

/** Opens the Settings editor filtered to this extension's settings. */
export function openExtensionSettings(extensionId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`);
}

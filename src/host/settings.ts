/**
 * The `aiTraceLens.*` settings as checked values (core/settings.ts, core/gateway/settings.ts,
 * core/forward/forwardSettings.ts, core/storage/storageSettings.ts, core/cost/priceOverrides.ts,
 * core/findings/settings.ts, core/modelServers/targetSettings.ts), read once and again when they change. A feature
 * reads `current`, `code`, `export`, `gateway`, `forward`, `storage`, `prices`, `findings` or `modelServers` when it
 * needs a value and subscribes to the section it depends on, instead of reading VS Code's configuration itself.
 * Invalid values fall back to their defaults, each with a warning in the log.
 */
import * as vscode from 'vscode';
import { parsePriceOverrides, type PriceOverride } from '../core/cost/priceOverrides';
import { parseFindingsSettings } from '../core/findings/settings';
import type { FindingsOptions } from '../core/findings/types';
import { parseForwardSettings, type ForwardSettings } from '../core/forward/forwardSettings';
import { parseGatewaySettings, type GatewaySettings } from '../core/gateway/settings';
import { parseModelServerTargets, type ModelServerTarget } from '../core/modelServers/targetSettings';
import { parseStorageSettings, type StorageSettings } from '../core/storage/storageSettings';
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
 * (`code`), the environment given to terminals and debug launches (`export`), the gateway's (`gateway`),
 * forwarding to a team collector (`forward`), durable storage (`storage`), the user's prices (`prices`), the
 * finding rules (`findings`), and the model servers scraped (`modelServers`).
 */
export type SettingsSection =
  'receiver' | 'store' | 'code' | 'export' | 'gateway' | 'forward' | 'storage' | 'prices' | 'findings' | 'modelServers';
const SECTIONS: readonly SettingsSection[] = [
  'receiver',
  'store',
  'code',
  'export',
  'gateway',
  'forward',
  'storage',
  'prices',
  'findings',
  'modelServers',
];

const SECTION_KEYS: Record<SettingsSection, readonly string[]> = {
  receiver: ['receiver'],
  store: ['store'],
  code: [SettingKeys.pathMappings, SettingKeys.codeLensEnabled],
  export: [SettingKeys.terminalInjectEnvironment, SettingKeys.debugInjectEnvironment],
  gateway: ['gateway'],
  forward: ['forward'],
  storage: ['storage'],
  prices: ['prices'],
  findings: ['findings'],
  modelServers: [SettingKeys.modelServers],
};

/** VS Code's own settings the gateway's upstream calls follow (`http.proxyStrictSSL` is not: TLS is always verified). */
const PROXY_SETTINGS = ['http.proxy', 'http.noProxy'];

/** Where a setting was saved: the workspace, or the user settings when no folder is open. */
export type SaveTarget = 'workspace' | 'user';

export class SettingsService implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly emitters = new Map<SettingsSection, vscode.EventEmitter<void>>();
  private settings: Settings;
  private codeSettings: CodeSettings;
  private exportSettings: ExportSettings;
  private gatewaySettings: GatewaySettings;
  private forwardSettings: ForwardSettings;
  private storageSettings: StorageSettings;
  private findingsOptions: FindingsOptions;
  private priceOverrides: readonly PriceOverride[];
  private modelServerTargets: readonly ModelServerTarget[];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.settings = this.read(parseSettings);
    this.codeSettings = this.read(parseCodeSettings);
    this.exportSettings = this.read(parseExportSettings);
    this.gatewaySettings = this.readGateway();
    this.forwardSettings = this.read(parseForwardSettings);
    this.storageSettings = this.read(parseStorageSettings);
    this.findingsOptions = this.readFindings();
    this.priceOverrides = this.readPrices();
    this.modelServerTargets = this.readModelServers();
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

  /** The gateway's settings, with its upstreams and proxy resolved from VS Code's environment and `http.*`. */
  get gateway(): GatewaySettings {
    return this.gatewaySettings;
  }

  /** Forwarding to a team collector: on or off, and where (empty: VS Code's own OTLP endpoint). */
  get forward(): ForwardSettings {
    return this.forwardSettings;
  }

  /** Durable storage: on or off, and its size and age bounds. */
  get storage(): StorageSettings {
    return this.storageSettings;
  }

  /** The user's prices (`aiTraceLens.prices`), which win over the price table; the same array until they change. */
  get prices(): readonly PriceOverride[] {
    return this.priceOverrides;
  }

  /** The finding rules turned off and their thresholds. */
  get findings(): FindingsOptions {
    return this.findingsOptions;
  }

  /** The model servers' metrics URLs to scrape (`aiTraceLens.modelServers`). */
  get modelServers(): readonly ModelServerTarget[] {
    return this.modelServerTargets;
  }

  /** Adds a model server to the user settings (the setting is machine-scoped: a workspace cannot hold it). */
  async addModelServer(url: string): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const current = configuration.inspect<unknown[]>(SettingKeys.modelServers)?.globalValue;
    const entries = Array.isArray(current) ? current : [];
    await configuration.update(SettingKeys.modelServers, [...entries, { url }], vscode.ConfigurationTarget.Global);
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
   * Saves a receiver or gateway port where it takes effect: in the workspace when the workspace already sets one (a
   * user value would stay hidden behind it), otherwise in the user settings.
   */
  async savePort(
    key: typeof SettingKeys.receiverPort | typeof SettingKeys.receiverGrpcPort | typeof SettingKeys.gatewayPort,
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

  /**
   * Turns capture on or off for this workspace: rerouting a program's model traffic is a per-project choice. Without
   * an open folder there is no workspace to save it in, so it goes into the user settings. Turning it off removes the
   * workspace's value when the user settings already leave it off, so `.vscode/settings.json` does not keep a line.
   */
  async saveGatewayCapture(capture: boolean): Promise<SaveTarget> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    if ((vscode.workspace.workspaceFolders ?? []).length === 0) {
      await configuration.update(SettingKeys.gatewayCapture, capture, vscode.ConfigurationTarget.Global);
      return 'user';
    }
    const inspected = configuration.inspect<boolean>(SettingKeys.gatewayCapture);
    const inherited = inspected?.globalValue ?? inspected?.defaultValue ?? false;
    const value = !capture && !inherited ? undefined : capture;
    await configuration.update(SettingKeys.gatewayCapture, value, vscode.ConfigurationTarget.Workspace);
    return 'workspace';
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private onChange(event: vscode.ConfigurationChangeEvent): void {
    const affects = (section: SettingsSection) =>
      SECTION_KEYS[section].some((key) => event.affectsConfiguration(`${CONFIG_SECTION}.${key}`)) ||
      (section === 'gateway' && PROXY_SETTINGS.some((key) => event.affectsConfiguration(key)));
    const changed = SECTIONS.filter(affects);
    if (changed.includes('receiver') || changed.includes('store')) this.settings = this.read(parseSettings);
    if (changed.includes('code')) this.codeSettings = this.read(parseCodeSettings);
    if (changed.includes('export')) this.exportSettings = this.read(parseExportSettings);
    if (changed.includes('gateway')) this.gatewaySettings = this.readGateway();
    if (changed.includes('forward')) this.forwardSettings = this.read(parseForwardSettings);
    if (changed.includes('storage')) this.storageSettings = this.read(parseStorageSettings);
    if (changed.includes('findings')) this.findingsOptions = this.readFindings();
    if (changed.includes('prices')) this.priceOverrides = this.readPrices();
    if (changed.includes('modelServers')) this.modelServerTargets = this.readModelServers();
    for (const section of changed) this.emitters.get(section)?.fire();
  }

  /** Parses the section's settings, logging each value that was ignored. */
  private read<T, K extends string>(parse: (get: (key: K) => unknown) => { settings: T; problems: string[] }): T {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const { settings, problems } = parse((key) => configuration.get(key));
    for (const problem of problems) this.log.warn(problem);
    return settings;
  }

  private readPrices(): readonly PriceOverride[] {
    const { overrides, problems } = parsePriceOverrides(
      vscode.workspace.getConfiguration(CONFIG_SECTION).get('prices'),
    );
    for (const problem of problems) this.log.warn(problem);
    return overrides;
  }

  private readModelServers(): readonly ModelServerTarget[] {
    const { targets, problems } = parseModelServerTargets(
      vscode.workspace.getConfiguration(CONFIG_SECTION).get(SettingKeys.modelServers),
    );
    for (const problem of problems) this.log.warn(problem);
    return targets;
  }

  private readFindings(): FindingsOptions {
    return this.read((get) => {
      const { options, problems } = parseFindingsSettings(get);
      return { settings: options, problems };
    });
  }

  private readGateway(): GatewaySettings {
    const http = vscode.workspace.getConfiguration('http');
    return this.read((get) =>
      parseGatewaySettings(get, { env: process.env, httpProxy: http.get('proxy'), httpNoProxy: http.get('noProxy') }),
    );
  }
}

/** Opens the Settings editor filtered to this extension's settings. */
export function openExtensionSettings(extensionId: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${extensionId}`);
}

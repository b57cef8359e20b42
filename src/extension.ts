/**
 * Entry point. Activation only wires objects together and starts the receiver without waiting for it, so VS Code's
 * startup is not held up; everything the receiver does later reports through the log, the status bar and the view.
 */
import * as vscode from 'vscode';
import { TraceCodeLenses } from './codeLens';
import { CodeNavigator } from './codeNavigation';
import { registerCommands } from './commands';
import { TraceCompareProvider } from './compareTraces';
import {
  affectsCode,
  affectsExport,
  affectsReceiver,
  affectsStore,
  readCodeSettings,
  readExportSettings,
  readSettings,
} from './config';
import { isDefaultEndpoint } from './core/endpoint';
import { COMPARE_SCHEME, ContextKeys, METRICS_SCHEME, OUTPUT_CHANNEL_NAME, SPAN_DETAILS_SCHEME } from './contributions';
import type { CodeSettings, ExportSettings, Settings } from './core/settings';
import { LogStore } from './core/store/logStore';
import { MetricStore } from './core/store/metricStore';
import { TraceStore } from './core/store/traceStore';
import { DisposableStore } from './disposable';
import { FlamePanels } from './flamePanel';
import { LaunchEnvironmentProvider } from './launchConfiguration';
import { MetricsDocumentProvider } from './metricsDocument';
import { ReceiverController } from './receiverController';
import { SpanDetailsProvider } from './spanDetails';
import { ReceiverStatusBar } from './statusBar';
import { TerminalEnvironment } from './terminalEnvironment';
import { TracesView } from './tracesTree';

let receiver: ReceiverController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const disposables = new DisposableStore();
  context.subscriptions.push(disposables);
  const log = disposables.add(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true }));

  let settings = loadSettings(log);
  let codeSettings = loadCodeSettings(log);
  const store = new TraceStore({ maxSpans: settings.maxSpans });
  // Logs go with their trace when it is evicted; logs and metrics both go on Clear Traces.
  const logs = new LogStore({ maxRecords: settings.maxLogRecords });
  disposables.add(logs.followTraces(store));
  const metrics = new MetricStore({ maxPoints: settings.maxMetricPoints });
  disposables.add(
    store.onDidChange((change) => {
      if (change.cleared) metrics.clear();
    }),
  );
  const controller = disposables.add(new ReceiverController(store, log, settings.receiver, { logs, metrics }));
  receiver = controller;

  const setReceiverContext = () => {
    const { kind, host, port } = controller.state;
    void vscode.commands.executeCommand('setContext', ContextKeys.receiverState, kind);
    void vscode.commands.executeCommand('setContext', ContextKeys.defaultEndpoint, isDefaultEndpoint(host, port));
  };
  setReceiverContext();
  disposables.add(controller.onDidChangeState(setReceiverContext));

  const tracesView = disposables.add(
    new TracesView(store, controller, () => settings.maxSpans, context.workspaceState),
  );
  const statusBar = disposables.add(new ReceiverStatusBar(store, controller, () => settings.maxSpans));
  const spanDetails = disposables.add(new SpanDetailsProvider(store, logs));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(SPAN_DETAILS_SCHEME, spanDetails));
  const comparisons = disposables.add(new TraceCompareProvider(store, logs));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, comparisons));
  const metricsDocument = disposables.add(new MetricsDocumentProvider(metrics, () => settings.maxMetricPoints));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(METRICS_SCHEME, metricsDocument));
  const navigator = disposables.add(new CodeNavigator(() => codeSettings.pathMappings, log));
  const flamePanels = disposables.add(
    new FlamePanels({ extensionUri: context.extensionUri, store, logs, navigator, tracesView, log }),
  );
  const codeLenses = disposables.add(new TraceCodeLenses(store, navigator, log));
  codeLenses.setEnabled(codeSettings.codeLensEnabled);
  let exportSettings = loadExportSettings(log);
  const terminalEnvironment = disposables.add(
    new TerminalEnvironment(context.environmentVariableCollection, controller, exportSettings.terminal),
  );
  disposables.add(
    vscode.debug.registerDebugConfigurationProvider(
      '*',
      new LaunchEnvironmentProvider(controller, () => exportSettings.debug),
    ),
  );
  for (const command of registerCommands({
    store,
    logs,
    metrics,
    receiver: controller,
    tracesView,
    log,
    extensionId: context.extension.id,
    settings: () => settings,
    flamePanels,
    navigator,
  })) {
    disposables.add(command);
  }

  disposables.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsExport(event)) {
        exportSettings = loadExportSettings(log);
        terminalEnvironment.setEnabled(exportSettings.terminal);
      }
      if (affectsCode(event)) {
        const previous = codeSettings;
        codeSettings = loadCodeSettings(log);
        codeLenses.setEnabled(codeSettings.codeLensEnabled);
        if (JSON.stringify(previous.pathMappings) !== JSON.stringify(codeSettings.pathMappings))
          codeLenses.invalidate();
      }
      const receiverChanged = affectsReceiver(event);
      const storeChanged = affectsStore(event);
      if (!receiverChanged && !storeChanged) return;
      settings = loadSettings(log);
      if (storeChanged) {
        store.setMaxSpans(settings.maxSpans);
        logs.setMaxRecords(settings.maxLogRecords);
        metrics.setMaxPoints(settings.maxMetricPoints);
        tracesView.updateHeader();
        statusBar.update();
      }
      if (receiverChanged) void controller.apply(settings.receiver);
    }),
  );

  void controller.restart();
}

/** Waits for the receiver's socket to close, so a reload can bind the same port at once. */
export async function deactivate(): Promise<void> {
  const stopping = receiver;
  receiver = undefined;
  await stopping?.stop();
}

function loadSettings(log: vscode.LogOutputChannel): Settings {
  const { settings, problems } = readSettings();
  for (const problem of problems) log.warn(problem);
  return settings;
}

function loadExportSettings(log: vscode.LogOutputChannel): ExportSettings {
  const { settings, problems } = readExportSettings();
  for (const problem of problems) log.warn(problem);
  return settings;
}

function loadCodeSettings(log: vscode.LogOutputChannel): CodeSettings {
  const { settings, problems } = readCodeSettings();
  for (const problem of problems) log.warn(problem);
  return settings;
}

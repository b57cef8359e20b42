/**
 * What every feature shares, made once at activation: the log, the settings, the context keys, the stores, the
 * receivers' and the gateway's supervisors, the durable store the windows share, the terminals' environment, the code
 * navigator, the Traces view's link, the live findings and
 * evaluations. Features get these and nothing of each other.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PriceBook } from '../core/cost/priceBook';
import { EvaluationIndex } from '../core/evaluation/evaluationIndex';
import { GatewaySupervisor } from '../core/gateway/gatewaySupervisor';
import { ModelServerStore } from '../core/modelServers/modelServerStore';
import { ReceiverSupervisor } from '../core/receiver/receiverSupervisor';
import { SharedStore } from '../core/storage/sharedStore';
import { LogStore } from '../core/store/logStore';
import { MetricStore } from '../core/store/metricStore';
import { TraceStore } from '../core/store/traceStore';
import type { FindingsIndex } from '../core/findings/findingsIndex';
import { CodeNavigator } from './codeNavigator';
import { ContextKeyValues } from './contextKeys';
import { OUTPUT_CHANNEL_NAME } from './contributions';
import { DisposableStore } from './disposable';
import { createLiveFindings } from './liveFindings';
import { SettingsService } from './settings';
import { TerminalVariables } from './terminalVariables';
import { TracesViewLink } from './tracesViewLink';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: SettingsService;
  readonly contextKeys: ContextKeyValues;
  readonly store: TraceStore;
  /** Log records, joined to their spans by id. */
  readonly logs: LogStore;
  readonly metrics: MetricStore;
  /** Model servers' queue, KV cache and GPU over time: scraped, and read from the metrics received. */
  readonly modelServers: ModelServerStore;
  readonly receiver: ReceiverSupervisor;
  /** The local AI gateway: model API calls forwarded to their provider, each recorded as a span in `store`. */
  readonly gateway: GatewaySupervisor;
  /**
   * What is received, kept on disk and shared by every window: it decides which window runs the receivers and the
   * gateway (`start`), and clears and pauses in all of them.
   */
  readonly storage: SharedStore;
  /** The environment new terminals get, one part per feature. */
  readonly terminalVariables: TerminalVariables;
  readonly navigator: CodeNavigator;
  readonly tracesView: TracesViewLink;
  /** What the finding rules found in `store`, kept up to date as traces arrive and the finding settings change. */
  readonly findings: FindingsIndex;
  /** Model calls' costs, at the table's prices and `aiTraceLens.prices` (features refresh on the `prices` section). */
  readonly prices: PriceBook;
  /** The `gen_ai.evaluation.result` events of the stored traces by span (span events and log records), kept live. */
  readonly evaluations: EvaluationIndex;
}

/** Makes the services; disposing the returned store stops the receivers and the gateway and disposes the rest. */
export function createServices(context: vscode.ExtensionContext): {
  services: Services;
  disposable: vscode.Disposable;
} {
  const disposables = new DisposableStore();
  const log = disposables.add(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true }));
  const settings = disposables.add(new SettingsService(log));
  const { maxSpans, maxLogRecords, maxMetricPoints } = settings.current;
  const store = new TraceStore({ maxSpans });
  // Logs go with their trace when it is evicted; logs and metrics both go on Clear Traces.
  const logs = new LogStore({ maxRecords: maxLogRecords });
  disposables.add(logs.followTraces(store));
  const metrics = new MetricStore({ maxPoints: maxMetricPoints });
  // As many samples as metric points, and no older than the durable store keeps them.
  const modelServerBounds = () => ({
    maxSamples: settings.current.maxMetricPoints,
    maxAgeNanos: BigInt(settings.storage.maxAgeMs) * 1_000_000n,
  });
  const modelServers = new ModelServerStore(modelServerBounds());
  disposables.add(
    store.onDidChange((change) => {
      if (!change.cleared) return;
      metrics.clear();
      modelServers.clear();
    }),
  );
  disposables.add(
    settings.onDidChange('store', () => {
      const bounds = settings.current;
      store.setMaxSpans(bounds.maxSpans);
      logs.setMaxRecords(bounds.maxLogRecords);
      metrics.setMaxPoints(bounds.maxMetricPoints);
      modelServers.setBounds(modelServerBounds());
    }),
  );
  disposables.add(settings.onDidChange('storage', () => modelServers.setBounds(modelServerBounds())));
  const receiver = disposables.add(
    new ReceiverSupervisor({ traces: store, logs, metrics, modelServers }, log, settings.current.receiver),
  );
  disposables.add(settings.onDidChange('receiver', () => void receiver.apply(settings.current.receiver)));
  const gateway = disposables.add(new GatewaySupervisor(store, log, settings.gateway));
  disposables.add(settings.onDidChange('gateway', () => void gateway.apply(settings.gateway)));
  const storage = new SharedStore({
    dir: settings.storage.enabled ? join(context.globalStorageUri.fsPath, 'store') : undefined,
    stores: { traces: store, logs, metrics, modelServers },
    receiver,
    gateway,
    log,
    bounds: settings.storage,
    spanBudget: () => settings.current.maxSpans,
    onWriteFailure: (message) => void showWriteFailure(message, log),
  });
  disposables.add(settings.onDidChange('storage', () => void storage.setBounds(settings.storage)));
  const navigator = disposables.add(new CodeNavigator(() => settings.code.pathMappings, log));
  const live = createLiveFindings(store, settings, modelServers);
  disposables.add(live.disposable);
  const services: Services = {
    context,
    log,
    settings,
    contextKeys: new ContextKeyValues(),
    store,
    logs,
    metrics,
    modelServers,
    receiver,
    gateway,
    storage,
    terminalVariables: new TerminalVariables(context.environmentVariableCollection),
    navigator,
    tracesView: new TracesViewLink(store),
    findings: live.findings,
    prices: new PriceBook(() => settings.prices),
    evaluations: disposables.add(new EvaluationIndex(store, logs)),
  };
  return { services, disposable: disposables };
}

/** A store that cannot be written is said once, with the way to the log. */
async function showWriteFailure(message: string, log: vscode.LogOutputChannel): Promise<void> {
  const showLog = 'Show Log';
  if ((await vscode.window.showWarningMessage(message, showLog)) === showLog) log.show();
}

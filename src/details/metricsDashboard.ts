/**
 * The AI Metrics dashboard panel: one per window, in the editor area. The page posts `ready` and gets the series of
 * its time range (`core/metricsDashboard`) as typed arrays; while it shows, each burst of changes to the traces, the
 * OTLP metrics or the model-server samples sends them again (debounced), and so does the clock, so the range keeps
 * ending now. A hidden page is destroyed and says `ready` again when shown, so nothing is computed while hidden. The
 * page's range choice is validated here and kept for the panel's life.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { buildDashboard } from '../core/metricsDashboard/dashboard';
import { METRICS_DASHBOARD_VIEW_TYPE } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { webviewHtml, webviewOptions } from '../host/webviewHtml';
import {
  DEFAULT_DASHBOARD_RANGE,
  parseFromDashboardPage,
  type DashboardRange,
  type ToDashboardPage,
} from '../shared/dashboard';
import { describeError } from '../shared/errors';

/** Changes arrive in bursts (a trace's spans, a metrics export, a scrape a second): one refresh per burst. */
const UPDATE_DELAY_MS = 500;
/** Without changes, the range still moves on: the newest bucket is a few seconds wide at the shortest range. */
const CLOCK_MS = 10_000;
const TITLE = 'AI Metrics';
const DATA_ELEMENT_ID = 'ai-trace-lens-dashboard';

export class MetricsDashboardPanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  private ready = false;
  private range: DashboardRange = DEFAULT_DASHBOARD_RANGE;
  private readonly updater = new Debouncer(UPDATE_DELAY_MS, () => this.postData());

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
  ) {
    const { extensionUri } = services.context;
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
    this.disposables.add(
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    const schedule = () => {
      if (this.ready) this.updater.schedule();
    };
    this.disposables.add(services.store.onDidChange(schedule));
    this.disposables.add(services.metrics.onDidChange(schedule));
    this.disposables.add(services.modelServers.onDidChange(schedule));
    this.disposables.add(services.settings.onDidChange('prices', schedule));
    const clock = setInterval(schedule, CLOCK_MS);
    this.disposables.add({ dispose: () => clearInterval(clock) });
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri,
      title: TITLE,
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['dist', 'uPlot.min.css'],
        ['media', 'dashboard.css'],
      ],
      script: ['dist', 'dashboard.js'],
      data: { id: DATA_ELEMENT_ID, value: {} },
    });
  }

  static create(services: Services): MetricsDashboardPanel {
    const panel = vscode.window.createWebviewPanel(METRICS_DASHBOARD_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    return new MetricsDashboardPanel(panel, services);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    this.updater.dispose();
    this.disposables.dispose();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    this.panel.dispose();
  }

  private postData(): void {
    if (!this.ready) return;
    const { store, metrics, modelServers, prices } = this.services;
    const data = buildDashboard(
      { traces: store.traces(), metrics, modelServers, priceOf: (ai) => prices.spanCost(ai) },
      this.range,
      Date.now(),
    );
    const message: ToDashboardPage = { type: 'data', data };
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.services.log.warn(`AI Metrics: the series were not delivered to the page: ${describeError(error)}`);
    });
  }

  private receive(raw: unknown): void {
    const message = parseFromDashboardPage(raw);
    if (message === undefined) {
      this.services.log.warn('AI Metrics: ignored an invalid message from the page.');
      return;
    }
    if (message.type === 'range') this.range = message.range;
    this.ready = true;
    // At once: the page waits for its first series, and a range change should answer without the burst delay.
    this.updater.schedule();
    this.updater.flush();
  }
}

/**
 * The AI Metrics dashboard panel: one per window, in the editor area. The page posts `ready` and gets the series of
 * its time range (`core/metricsDashboard`) as typed arrays; while it shows, each burst of changes to the traces, the
 * OTLP metrics or the model-server samples sends them again (debounced), and so does the clock, so the range keeps
 * ending now. A hidden page is destroyed and says `ready` again when shown, so nothing is computed while hidden. The
 * page's range choice is validated here and kept in the workspace's state, so the dashboard reopens with it.
 */
import type * as vscode from 'vscode';
import { buildDashboard } from '../core/metricsDashboard/dashboard';
import { METRICS_DASHBOARD_VIEW_TYPE } from '../host/contributions';
import type { Services } from '../host/services';
import { createLivePanel, LivePanel, parsePageMessage, postToPage } from '../host/webviewPanel';
import {
  parseFromDashboardPage,
  storedDashboardRange,
  type DashboardRange,
  type ToDashboardPage,
} from '../shared/dashboard';

/** Changes arrive in bursts (a trace's spans, a metrics export, a scrape a second): one refresh per burst. */
const UPDATE_DELAY_MS = 500;
/** Without changes, the range still moves on: the newest bucket is a few seconds wide at the shortest range. */
const CLOCK_MS = 10_000;
const TITLE = 'AI Metrics';
const DATA_ELEMENT_ID = 'ai-trace-lens-dashboard';
/** workspaceState key of the chosen time range, so the dashboard opens as it was left, after a reload too. */
const RANGE_STATE_KEY = 'aiTraceLens.dashboard.range';

export class MetricsDashboardPanel extends LivePanel {
  private range: DashboardRange;

  constructor(panel: vscode.WebviewPanel, services: Services) {
    super(panel, services, {
      title: TITLE,
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['dist', 'uPlot.min.css'],
        ['media', 'dashboard.css'],
      ],
      script: ['dist', 'dashboard.js'],
      data: { id: DATA_ELEMENT_ID, value: {} },
      updateDelayMs: UPDATE_DELAY_MS,
    });
    this.range = storedDashboardRange(services.context.workspaceState.get(RANGE_STATE_KEY));
    const schedule = () => {
      if (this.ready) this.updater.schedule();
    };
    this.disposables.add(services.store.onDidChange(schedule));
    this.disposables.add(services.metrics.onDidChange(schedule));
    this.disposables.add(services.modelServers.onDidChange(schedule));
    this.disposables.add(services.settings.onDidChange('prices', schedule));
    const clock = setInterval(schedule, CLOCK_MS);
    this.disposables.add({ dispose: () => clearInterval(clock) });
  }

  static create(services: Services): MetricsDashboardPanel {
    return new MetricsDashboardPanel(createLivePanel(METRICS_DASHBOARD_VIEW_TYPE, TITLE), services);
  }

  protected update(): void {
    const { store, metrics, modelServers, prices } = this.services;
    const data = buildDashboard(
      { traces: store.traces(), metrics, modelServers, priceOf: (ai) => prices.spanCost(ai) },
      this.range,
      Date.now(),
    );
    const message: ToDashboardPage = { type: 'data', data };
    postToPage(this.panel.webview, message, this.services.log, 'AI Metrics: the series were not delivered to the page');
  }

  protected receive(raw: unknown): void {
    const message = parsePageMessage(raw, parseFromDashboardPage, this.services.log, 'AI Metrics');
    if (message === undefined) return;
    if (message.type === 'range') {
      this.range = message.range;
      void this.services.context.workspaceState.update(RANGE_STATE_KEY, message.range);
    }
    this.ready = true;
    // At once: the page waits for its first series, and a range change should answer without the burst delay.
    this.updater.schedule();
    this.updater.flush();
  }
}

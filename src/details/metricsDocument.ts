/**
 * The read-only metrics document (`ai-trace-lens-metrics:/AI Metrics.yaml`): the AI metrics the receiver kept, per
 * series, re-rendered while it is open as metrics arrive.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { renderMetricsReport } from '../core/metricsReport';
import type { MetricStore } from '../core/store/metricStore';
import { METRICS_SCHEME } from '../host/contributions';
import { METRICS_URI } from '../host/documents';
import type { SettingsService } from '../host/settings';

/** Metrics come in periodic batches (60 s by default in the OTel SDKs); a refresh per batch is plenty. */
const REFRESH_DELAY_MS = 500;

export class MetricsDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.changeEmitter.fire(METRICS_URI));
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly metrics: MetricStore,
    private readonly settings: SettingsService,
  ) {
    this.subscription = metrics.onDidChange(() => {
      if (vscode.workspace.textDocuments.some((document) => document.uri.scheme === METRICS_SCHEME)) {
        this.debouncer.schedule();
      }
    });
  }

  provideTextDocumentContent(): string {
    return renderMetricsReport(this.metrics, this.settings.current.maxMetricPoints);
  }

  dispose(): void {
    this.subscription.dispose();
    this.debouncer.dispose();
    this.changeEmitter.dispose();
  }
}

/**
 * The details feature: a span's attributes, events, resource, logs and conversation as a read-only document beside the
 * code; the AI metrics as the AI Metrics dashboard (charts over time), and as a YAML document.
 */
import * as vscode from 'vscode';
import { parseCommandTarget, targetSpan, warnGone } from '../host/commandTarget';
import { registerCommands } from '../host/commands';
import { Commands, DetailsCommands, METRICS_SCHEME, SPAN_DETAILS_SCHEME } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import { METRICS_URI, showSpanDetails } from '../host/documents';
import { NO_TRACES_MESSAGE, pickSpan } from '../host/pickers';
import type { Services } from '../host/services';
import { SingleLivePanel } from '../host/webviewPanel';
import { MetricsDashboardPanel } from './metricsDashboard';
import { MetricsDocumentProvider } from './metricsDocument';
import { SpanDetailsProvider } from './spanDetails';

export function register(services: Services): vscode.Disposable {
  const { store, logs, metrics, settings, log } = services;
  const disposables = new DisposableStore();
  const spanDetails = disposables.add(new SpanDetailsProvider(store, logs));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(SPAN_DETAILS_SCHEME, spanDetails));
  const metricsDocument = disposables.add(new MetricsDocumentProvider(metrics, settings));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(METRICS_SCHEME, metricsDocument));
  const dashboard = disposables.add(new SingleLivePanel(() => MetricsDashboardPanel.create(services)));
  disposables.add(
    registerCommands(log, DetailsCommands, {
      showSpanDetails: (...args) => showDetails(services, args),
      showMetrics: () => dashboard.show(),
      showMetricsAsYaml: async () => {
        const document = await vscode.workspace.openTextDocument(METRICS_URI);
        await vscode.window.showTextDocument(document, { preview: false });
      },
    }),
  );
  return disposables;
}

/**
 * A span row shows that span; a trace row shows the root span it stands for. From the palette: a span picked from
 * the selected trace, or from the newest.
 */
async function showDetails({ store, tracesView }: Services, args: readonly unknown[]): Promise<void> {
  const target = parseCommandTarget(args);
  if (target.kind === 'rows') {
    const options = args[1];
    const preserveFocus =
      typeof options === 'object' && options !== null && 'preserveFocus' in options && options.preserveFocus === true;
    const node = targetSpan(store, target);
    if (node === undefined || node === 'gone') warnGone('span');
    else await showSpanDetails(node.span.traceId, node.span.spanId, node.span.name, { preserveFocus });
    return;
  }
  const trace = tracesView.currentTrace();
  if (trace === undefined) {
    const send = 'Send a Demo Trace';
    const choice = await vscode.window.showInformationMessage(NO_TRACES_MESSAGE, send);
    if (choice === send) await vscode.commands.executeCommand(Commands.sendDemoTrace);
    return;
  }
  const node = await pickSpan(
    trace,
    `Span details: ${trace.summary.rootName}`,
    'Pick a span to show its attributes, events and resource',
  );
  if (node !== undefined) {
    await showSpanDetails(node.span.traceId, node.span.spanId, node.span.name, { preserveFocus: false });
  }
}

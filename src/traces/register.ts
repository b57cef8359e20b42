/**
 * The traces feature: the Traces view (connected to the other features through the services' link), its commands,
 * and the documents Compare Traces shows.
 */
import * as vscode from 'vscode';
import { COMPARE_SCHEME } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { registerTracesCommands } from './commands';
import { TraceCompareProvider } from './compare';
import { TracesView } from './tracesView';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const view = disposables.add(new TracesView(services));
  disposables.add(services.tracesView.connect(view));
  const comparisons = disposables.add(new TraceCompareProvider(services.store, services.logs, services.prices));
  disposables.add(vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, comparisons));
  disposables.add(registerTracesCommands(services, view));
  return disposables;
}

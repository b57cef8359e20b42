/**
 * The statistics feature: the Statistics view beside Traces, with per model and per tool figures over the traces the
 * Traces view's selection scopes (host/tracesViewLink.ts), each row opening a flame graph through its command.
 */
import * as vscode from 'vscode';
import { STATISTICS_VIEW_ID } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { StatsView } from './statsView';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const view = disposables.add(new StatsView(services));
  disposables.add(vscode.window.registerWebviewViewProvider(STATISTICS_VIEW_ID, view));
  return disposables;
}

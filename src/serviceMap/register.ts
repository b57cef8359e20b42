/**
 * The service map feature: the Show Service Map command, which opens the window's one service map panel or reveals it.
 */
import type * as vscode from 'vscode';
import { registerCommands } from '../host/commands';
import { ServiceMapCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { SingleLivePanel } from '../host/webviewPanel';
import { ServiceMapPanel } from './serviceMapPanel';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const panel = disposables.add(new SingleLivePanel(() => ServiceMapPanel.create(services)));
  disposables.add(registerCommands(services.log, ServiceMapCommands, { showServiceMap: () => panel.show() }));
  return disposables;
}

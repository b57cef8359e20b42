/**
 * The service map feature: the Show Service Map command, which opens the window's one service map panel or reveals it.
 */
import type * as vscode from 'vscode';
import { registerCommands } from '../host/commands';
import { ServiceMapCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { ServiceMapPanel } from './serviceMapPanel';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  let panel: ServiceMapPanel | undefined;
  disposables.add(
    registerCommands(services.log, ServiceMapCommands, {
      showServiceMap: () => {
        if (panel !== undefined) {
          panel.reveal();
          return;
        }
        const opened = ServiceMapPanel.create(services);
        panel = opened;
        opened.onDidDispose(() => {
          if (panel === opened) panel = undefined;
        });
      },
    }),
  );
  disposables.add({ dispose: () => panel?.dispose() });
  return disposables;
}

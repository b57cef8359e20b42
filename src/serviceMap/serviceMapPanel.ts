/**
 * The service map panel: one per window, in the editor area. The page posts `ready` and gets the map of every trace in
 * the store; while it shows, each burst of store changes sends a new map (debounced). A hidden page is destroyed and
 * says `ready` again when shown, so nothing is posted while hidden. Clicking a node (or Enter on it) filters the Traces
 * view by the node's query, looked up by the node id among those the panel last sent: the page never sends a query.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { buildServiceMap } from '../core/serviceMap/serviceMap';
import { parseTraceQL } from '../core/traceql';
import { SERVICE_MAP_VIEW_TYPE } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { webviewHtml, webviewOptions } from '../host/webviewHtml';
import { describeError } from '../shared/errors';
import { parseFromServiceMapPage, type ServiceMapMessage } from '../shared/serviceMap';

const UPDATE_DELAY_MS = 300;
const TITLE = 'Service Map';
/** The element the page's script finds its data in (webview/serviceMap/main.ts). */
const DATA_ELEMENT_ID = 'ai-trace-lens-service-map';

export class ServiceMapPanel implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  private ready = false;
  /** Each node's query, by the id the page knows it by: what the page last got. */
  private queries = new Map<string, string>();
  private readonly updater = new Debouncer(UPDATE_DELAY_MS, () => this.postMap());

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
    this.disposables.add(services.store.onDidChange(() => this.updater.schedule()));
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri,
      title: TITLE,
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['media', 'serviceMap.css'],
      ],
      script: ['dist', 'serviceMap.js'],
      data: { id: DATA_ELEMENT_ID, value: {} },
    });
  }

  static create(services: Services): ServiceMapPanel {
    const panel = vscode.window.createWebviewPanel(SERVICE_MAP_VIEW_TYPE, TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
    });
    return new ServiceMapPanel(panel, services);
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

  private postMap(): void {
    if (!this.ready) return;
    const map = buildServiceMap(this.services.store.traces());
    this.queries = new Map(map.nodes.map((node) => [node.id, node.query]));
    const message: ServiceMapMessage = { type: 'map', map };
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => {
      this.services.log.warn(`Service map: the map was not delivered to the page: ${describeError(error)}`);
    });
  }

  private receive(raw: unknown): void {
    const message = parseFromServiceMapPage(raw);
    if (message === undefined) {
      this.services.log.warn('Service map: ignored an invalid message from the page.');
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
      this.postMap();
      return;
    }
    const query = this.queries.get(message.nodeId);
    if (query === undefined) {
      this.services.log.warn('Service map: ignored a click on a node the page was not sent.');
      return;
    }
    this.services.tracesView.filterBy(parseTraceQL(query)).catch((error: unknown) => {
      this.services.log.error(`Service map: filtering the Traces view failed: ${describeError(error)}`);
    });
  }
}

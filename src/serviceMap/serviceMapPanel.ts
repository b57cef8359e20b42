/**
 * The service map panel: one per window, in the editor area. The page posts `ready` and gets the map of every trace in
 * the store; while it shows, each burst of store changes sends a new map (debounced). A hidden page is destroyed and
 * says `ready` again when shown, so nothing is posted while hidden. Clicking a node (or Enter on it) filters the Traces
 * view by the node's query, looked up by the node id among those the panel last sent: the page never sends a query.
 */
import type * as vscode from 'vscode';
import { buildServiceMap } from '../core/serviceMap/serviceMap';
import { parseTraceQL } from '../core/traceql';
import { SERVICE_MAP_VIEW_TYPE } from '../host/contributions';
import type { Services } from '../host/services';
import { createLivePanel, LivePanel, parsePageMessage, postToPage } from '../host/webviewPanel';
import { describeError } from '../shared/errors';
import { parseFromServiceMapPage, type ServiceMapMessage } from '../shared/serviceMap';

const UPDATE_DELAY_MS = 300;
const TITLE = 'Service Map';
/** The element the page's script finds its data in (webview/serviceMap/main.ts). */
const DATA_ELEMENT_ID = 'ai-trace-lens-service-map';

export class ServiceMapPanel extends LivePanel {
  /** Each node's query, by the id the page knows it by: what the page last got. */
  private queries = new Map<string, string>();

  constructor(panel: vscode.WebviewPanel, services: Services) {
    super(panel, services, {
      title: TITLE,
      styles: [
        ['dist', 'codicons', 'codicon.css'],
        ['media', 'serviceMap.css'],
      ],
      script: ['dist', 'serviceMap.js'],
      data: { id: DATA_ELEMENT_ID, value: {} },
      updateDelayMs: UPDATE_DELAY_MS,
    });
    this.disposables.add(services.store.onDidChange(() => this.updater.schedule()));
  }

  static create(services: Services): ServiceMapPanel {
    return new ServiceMapPanel(createLivePanel(SERVICE_MAP_VIEW_TYPE, TITLE), services);
  }

  protected update(): void {
    const map = buildServiceMap(this.services.store.traces());
    this.queries = new Map(map.nodes.map((node) => [node.id, node.query]));
    const message: ServiceMapMessage = { type: 'map', map };
    postToPage(this.panel.webview, message, this.services.log, 'Service map: the map was not delivered to the page');
  }

  protected receive(raw: unknown): void {
    const message = parsePageMessage(raw, parseFromServiceMapPage, this.services.log, 'Service map');
    if (message === undefined) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.update();
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

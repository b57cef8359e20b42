/**
 * Entry of the service map page (dist/serviceMap.js): tells the host it listens (`ready`), then draws each map the
 * host sends, or says how to get traces when there are none. A node's click or Enter goes back as `filter` with the
 * node's id only; the host holds the queries. The header holds the figures, a hint and the zoom buttons.
 */
import { formatCount, plural } from '../../src/shared/format';
import type { FromServiceMapPage, ServiceMap, ServiceMapMessage } from '../../src/shared/serviceMap';
import { codicon, element } from '../dom';
import type { TextMeasure } from './layout';
import { MapView } from './mapView';

interface VsCodeApi {
  postMessage(message: FromServiceMapPage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** Text widths in the page's font, as the node and edge label boxes draw it (media/serviceMap.css). */
function textMeasure(): TextMeasure {
  const context = document.createElement('canvas').getContext('2d');
  const style = getComputedStyle(document.body);
  return (text, weight = 400) => {
    if (context === null) return text.length * 8;
    context.font = `${weight} ${style.fontSize} ${style.fontFamily}`;
    return context.measureText(text).width;
  };
}

function summary(map: ServiceMap): string {
  const count = (kinds: readonly string[]) => map.nodes.filter((node) => kinds.includes(node.kind)).length;
  return [
    plural(map.traceCount, 'trace'),
    plural(count(['service', 'gateway']), 'service'),
    plural(count(['mcp']), 'MCP server'),
    plural(count(['model']), 'model'),
    `${formatCount(map.edges.reduce((total, edge) => total + edge.calls, 0))} calls`,
  ].join(' · ');
}

function emptyState(): HTMLElement {
  const empty = element('div', 'empty');
  empty.append(
    codicon('type-hierarchy'),
    element('p', undefined, 'No traces yet: the map shows who calls whom once traces arrive.'),
    element(
      'p',
      'hint',
      'Run your app with OpenTelemetry pointed at the receiver, or run "AI Trace Lens: Send Demo Trace".',
    ),
  );
  return empty;
}

const app = document.getElementById('app')!;
const header = element('div', 'header');
const figures = element('span', 'figures');
header.append(
  figures,
  element('span', 'hint', 'Click a node, or press Enter on it, to filter the Traces view to it. Drag to pan.'),
);
const empty = emptyState();
app.append(header, empty);
const view = new MapView(app, textMeasure(), (nodeId) => api.postMessage({ type: 'filter', nodeId }));
header.append(view.zoom.toolbar());

window.addEventListener('message', (event: MessageEvent<ServiceMapMessage>) => {
  if (event.data?.type !== 'map') return;
  const { map } = event.data;
  const hasNodes = map.nodes.length > 0;
  app.classList.toggle('is-empty', !hasNodes);
  figures.textContent = summary(map);
  view.show(map);
});
api.postMessage({ type: 'ready' });

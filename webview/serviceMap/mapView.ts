/**
 * The service map drawn: edges as SVG curves with arrowheads (d3-shape), nodes and edge labels as HTML boxes over
 * them, so they take the theme's fonts, codicons and focus outline. Each node is a button: Tab and the arrow keys move
 * between nodes (left and right along the calls), Enter or Space or a click asks the host to filter the Traces
 * view to the traces through it. Zoom and pan are mapZoom.ts's. Node and service names are set only as text.
 */
import { select, type Selection } from 'd3-selection';
import { curveBasis, line } from 'd3-shape';
import type { Point } from '@dagrejs/dagre';
import { formatCount, plural } from '../../src/shared/format';
import type { ServiceMap, ServiceNode } from '../../src/shared/serviceMap';
import { codicon, element } from '../dom';
import { layoutMap, type MapLayout, type PlacedEdge, type PlacedNode, type TextMeasure } from './layout';
import { MapZoom } from './mapZoom';

const SVG = 'http://www.w3.org/2000/svg';

const ICONS: Record<ServiceNode['kind'], string> = {
  service: 'server-process',
  gateway: 'arrow-swap',
  mcp: 'plug',
  model: 'sparkle',
  external: 'globe',
};

const curve = line<Point>()
  .x((point) => point.x)
  .y((point) => point.y)
  .curve(curveBasis);

type Direction = 'left' | 'right' | 'up' | 'down';
const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export class MapView {
  private readonly viewport = element('div', 'viewport');
  private readonly graph = element('div', 'graph');
  readonly zoom = new MapZoom(this.viewport, this.graph);
  private current: MapLayout | undefined;
  /** The node last activated: marked until it leaves the map. */
  private activeId: string | undefined;

  constructor(
    parent: HTMLElement,
    private readonly measure: TextMeasure,
    private readonly activate: (nodeId: string) => void,
  ) {
    this.viewport.append(this.graph);
    parent.append(this.viewport);
  }

  show(map: ServiceMap): void {
    const focusedId = (document.activeElement as HTMLElement | null)?.dataset.nodeId;
    this.current = layoutMap(map, this.measure);
    this.graph.replaceChildren();
    this.drawEdges(this.current);
    for (const placed of this.current.edges) this.graph.append(edgeLabel(placed));
    const nodes = this.drawNodes(this.current);
    const { width, height } = this.current;
    this.graph.style.width = `${width}px`;
    this.graph.style.height = `${height}px`;
    this.zoom.layout({ width, height });
    if (focusedId !== undefined)
      nodes
        .filter((placed) => placed.node.id === focusedId)
        .node()
        ?.focus();
  }

  private drawEdges(layout: MapLayout): void {
    const svg = select(this.graph)
      .append(() => document.createElementNS(SVG, 'svg'))
      .attr('class', 'edges')
      .attr('width', layout.width)
      .attr('height', layout.height)
      .attr('aria-hidden', 'true');
    const defs = svg.append('defs');
    for (const id of ['arrow', 'arrow-error']) {
      defs
        .append('marker')
        .attr('id', id)
        .attr('class', id)
        .attr('viewBox', '0 0 10 10')
        .attr('refX', 9)
        .attr('refY', 5)
        .attr('markerWidth', 7)
        .attr('markerHeight', 7)
        .attr('orient', 'auto-start-reverse')
        .append('path')
        .attr('d', 'M 0 0 L 10 5 L 0 10 z');
    }
    svg
      .selectAll('path.edge')
      .data(layout.edges)
      .join('path')
      .attr('class', (placed) => (placed.edge.errors > 0 ? 'edge has-errors' : 'edge'))
      .attr('d', (placed) => curve([...placed.points]))
      .attr('marker-end', (placed) => (placed.edge.errors > 0 ? 'url(#arrow-error)' : 'url(#arrow)'));
  }

  /** The nodes in reading order (by column, then top to bottom), so Tab goes the way the map reads. */
  private drawNodes(layout: MapLayout): Selection<HTMLDivElement, PlacedNode, HTMLDivElement, unknown> {
    const ordered = [...layout.nodes].sort((a, b) => a.x - b.x || a.y - b.y);
    const names = new Map(layout.nodes.map((placed) => [placed.node.id, placed.node.label]));
    if (this.activeId !== undefined && !names.has(this.activeId)) this.activeId = undefined;
    return select(this.graph)
      .selectAll<HTMLDivElement, PlacedNode>('div.node')
      .data(ordered)
      .join((enter) => enter.append((placed) => this.nodeBox(placed, layout, names)));
  }

  private nodeBox(placed: PlacedNode, layout: MapLayout, names: ReadonlyMap<string, string>): HTMLDivElement {
    const { node } = placed;
    const box = element('div', `node kind-${node.kind}`);
    box.dataset.nodeId = node.id;
    box.tabIndex = 0;
    box.setAttribute('role', 'button');
    box.setAttribute('aria-label', describeNode(placed, layout, names));
    box.setAttribute('aria-pressed', String(node.id === this.activeId));
    box.title = `${node.label}\n${placed.subtitle}\n${plural(node.traceCount, 'trace')} · ${node.query}`;
    place(box, placed.x, placed.y, placed.width, placed.height);
    const text = element('span', 'text');
    text.append(element('span', 'label', node.label), element('span', 'subtitle', placed.subtitle));
    box.append(codicon(ICONS[node.kind]), text);
    box.addEventListener('click', () => this.choose(node.id));
    box.addEventListener('keydown', (event) => this.onKey(event, placed));
    return box;
  }

  private choose(nodeId: string): void {
    this.activeId = nodeId;
    for (const box of this.graph.querySelectorAll<HTMLElement>('div.node')) {
      box.setAttribute('aria-pressed', String(box.dataset.nodeId === nodeId));
    }
    this.activate(nodeId);
  }

  private onKey(event: KeyboardEvent, from: PlacedNode): void {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.choose(from.node.id);
      return;
    }
    const direction = ARROWS[event.key];
    if (direction === undefined || this.current === undefined) return;
    event.preventDefault();
    const next = nearest(from, this.current, direction);
    if (next !== undefined)
      this.graph.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(next.node.id)}"]`)?.focus();
  }
}

function edgeLabel(placed: PlacedEdge): HTMLElement {
  const label = element('div', 'edge-label', placed.figures);
  label.setAttribute('aria-hidden', 'true');
  if (placed.errors !== undefined) label.append(' · ', element('span', 'errors', placed.errors));
  label.style.left = `${placed.labelX}px`;
  label.style.top = `${placed.labelY}px`;
  return label;
}

function place(box: HTMLElement, x: number, y: number, width: number, height: number): void {
  box.style.left = `${x}px`;
  box.style.top = `${y}px`;
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
}

/** What a screen reader says of a node: its kind, traces, and each call to and from it with its figures. */
function describeNode(placed: PlacedNode, layout: MapLayout, names: ReadonlyMap<string, string>): string {
  const { node } = placed;
  const calls = (edges: readonly PlacedEdge[], word: string, other: (edge: PlacedEdge) => string) =>
    edges.map((edge) => `${word} ${names.get(other(edge))}: ${edge.figures}${edge.errors ? `, ${edge.errors}` : ''}`);
  const outgoing = layout.edges.filter((edge) => edge.edge.from === node.id);
  const incoming = layout.edges.filter((edge) => edge.edge.to === node.id);
  return [
    `${node.label}, ${placed.subtitle}, in ${formatCount(node.traceCount)} of the traces`,
    ...calls(incoming, 'called by', (edge) => edge.edge.from),
    ...calls(outgoing, 'calls', (edge) => edge.edge.to),
    'Enter filters the Traces view to the traces through it',
  ].join('. ');
}

/**
 * The node to move to from `from` in `direction`: left and right follow the calls (to the nearest caller or callee),
 * up and down, and left and right where no call leads, go to the closest node that way, favouring nodes straight that
 * way over those off to the side.
 */
function nearest(from: PlacedNode, layout: MapLayout, direction: Direction): PlacedNode | undefined {
  const linked = new Set(
    layout.edges.flatMap(({ edge }) =>
      direction === 'right' && edge.from === from.node.id
        ? [edge.to]
        : direction === 'left' && edge.to === from.node.id
          ? [edge.from]
          : [],
    ),
  );
  const callees = layout.nodes.filter((placed) => linked.has(placed.node.id));
  return closest(from, callees, direction) ?? closest(from, layout.nodes, direction);
}

function closest(from: PlacedNode, nodes: readonly PlacedNode[], direction: Direction): PlacedNode | undefined {
  const centre = (placed: PlacedNode) => ({ x: placed.x + placed.width / 2, y: placed.y + placed.height / 2 });
  const origin = centre(from);
  let best: { placed: PlacedNode; score: number } | undefined;
  for (const placed of nodes) {
    if (placed === from) continue;
    const { x, y } = centre(placed);
    const dx = x - origin.x;
    const dy = y - origin.y;
    const along = direction === 'left' ? -dx : direction === 'right' ? dx : direction === 'up' ? -dy : dy;
    const across = direction === 'left' || direction === 'right' ? Math.abs(dy) : Math.abs(dx);
    if (along <= 0) continue;
    const score = along + 2 * across;
    if (best === undefined || score < best.score) best = { placed, score };
  }
  return best?.placed;
}

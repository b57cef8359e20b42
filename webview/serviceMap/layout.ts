/**
 * Where each node and edge label of the service map goes: dagre's layered layout, left to right from callers to
 * callees, over boxes sized to their text as the page's font draws it (which is why the layout runs here and not in
 * the host: only the page knows its fonts).
 */
import { Graph, layout, type EdgeLabel, type GraphLabel, type NodeLabel, type Point } from '@dagrejs/dagre';
import { formatCount, formatDuration, plural } from '../../src/shared/format';
import {
  SERVICE_NODE_KIND_LABELS,
  type ServiceEdge,
  type ServiceMap,
  type ServiceNode,
} from '../../src/shared/serviceMap';

const NODE_HEIGHT = 46;
const NODE_MIN_WIDTH = 140;
const NODE_MAX_WIDTH = 300;
/** Borders, padding, icon and gap around a node's text (media/serviceMap.css's `.node`), and a little to spare. */
const NODE_CHROME_WIDTH = 3 + 12 + 16 + 10 + 12 + 1 + 8;
const EDGE_LABEL_HEIGHT = 20;
const EDGE_LABEL_PADDING = 14;
const MARGIN = 24;

export interface PlacedNode {
  readonly node: ServiceNode;
  /** The second line: the kind, and the provider or address. */
  readonly subtitle: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly edge: ServiceEdge;
  /** `3 calls · p50 1.2 s`, and the errors apart, drawn in the error colour. */
  readonly figures: string;
  readonly errors: string | undefined;
  readonly points: readonly Point[];
  /** The label's centre. */
  readonly labelX: number;
  readonly labelY: number;
}

export interface MapLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

export const subtitleOf = (node: ServiceNode): string =>
  SERVICE_NODE_KIND_LABELS[node.kind] + (node.detail === undefined ? '' : ` · ${node.detail}`);

export const figuresOf = (edge: ServiceEdge): string =>
  `${plural(edge.calls, 'call')} · p50 ${formatDuration(edge.p50Ms)}`;

export const errorsOf = (edge: ServiceEdge): string | undefined =>
  edge.errors === 0 ? undefined : edge.errors === 1 ? '1 error' : `${formatCount(edge.errors)} errors`;

/** Measures text in the page's font: `weight` 600 for node names. */
export type TextMeasure = (text: string, weight?: number) => number;

export function layoutMap(map: ServiceMap, measure: TextMeasure): MapLayout {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 56, edgesep: 16, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of map.nodes) {
    const text = Math.max(measure(node.label, 600), measure(subtitleOf(node)));
    const width = Math.min(NODE_MAX_WIDTH, Math.max(NODE_MIN_WIDTH, Math.ceil(text) + NODE_CHROME_WIDTH));
    graph.setNode(node.id, { width, height: NODE_HEIGHT });
  }
  for (const edge of map.edges) {
    const errors = errorsOf(edge);
    const text = figuresOf(edge) + (errors === undefined ? '' : ` · ${errors}`);
    graph.setEdge(edge.from, edge.to, {
      width: Math.ceil(measure(text)) + EDGE_LABEL_PADDING,
      height: EDGE_LABEL_HEIGHT,
      labelpos: 'c',
    });
  }
  layout(graph);
  const nodes = map.nodes.map((node): PlacedNode => {
    const placed = graph.node(node.id);
    return {
      node,
      subtitle: subtitleOf(node),
      // dagre gives centres; the page places boxes by their top left corner.
      x: placed.x! - placed.width / 2,
      y: placed.y! - placed.height / 2,
      width: placed.width,
      height: placed.height,
    };
  });
  const edges = map.edges.map((edge): PlacedEdge => {
    const placed = graph.edge(edge.from, edge.to);
    return {
      edge,
      figures: figuresOf(edge),
      errors: errorsOf(edge),
      points: placed.points ?? [],
      labelX: placed.x ?? 0,
      labelY: placed.y ?? 0,
    };
  });
  // The drawing's size from what it holds: dagre leaves the margin on the top and left only.
  const width = Math.max(0, ...nodes.map((placed) => placed.x + placed.width)) + MARGIN;
  const height = Math.max(0, ...nodes.map((placed) => placed.y + placed.height)) + MARGIN;
  return { nodes, edges, width, height };
}

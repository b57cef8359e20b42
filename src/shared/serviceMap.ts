/**
 * The service map as the host sends it to its page, and the messages the page sends back: browser-safe, so the core
 * that builds the map, the host that validates the page's messages and the page itself share one definition.
 */

/** What a node stands for: an app's service, the AI gateway, an MCP server, a model, or an untraced server. */
export type ServiceNodeKind = 'service' | 'gateway' | 'mcp' | 'model' | 'external';

export const SERVICE_NODE_KIND_LABELS: Record<ServiceNodeKind, string> = {
  service: 'Service',
  gateway: 'AI gateway',
  mcp: 'MCP server',
  model: 'Model',
  external: 'Server',
};

export interface ServiceNode {
  /** Unique in its map, and stable across rebuilds while the node exists (`service:checkout`). */
  readonly id: string;
  readonly kind: ServiceNodeKind;
  readonly label: string;
  /** A second line: a model's provider, an MCP server's address; undefined when there is none. */
  readonly detail: string | undefined;
  /** A TraceQL query selecting the traces through this node: what clicking it filters the Traces view by. */
  readonly query: string;
  /** How many traces of the map pass through it. */
  readonly traceCount: number;
}

export interface ServiceEdge {
  readonly from: string;
  readonly to: string;
  readonly calls: number;
  readonly errors: number;
  /** Median duration of the calls, in milliseconds. */
  readonly p50Ms: number;
}

export interface ServiceMap {
  readonly nodes: readonly ServiceNode[];
  readonly edges: readonly ServiceEdge[];
  /** The traces the map was built from. */
  readonly traceCount: number;
}

/** Host → page: the map to draw (again, whenever the store changed). */
export interface ServiceMapMessage {
  readonly type: 'map';
  readonly map: ServiceMap;
}

/** Page → host: `ready` once it listens, `filter` when a node is clicked or activated with the keyboard. */
export type FromServiceMapPage = { readonly type: 'ready' } | { readonly type: 'filter'; readonly nodeId: string };

/** The page's message, or undefined when it is not exactly one of `FromServiceMapPage`'s shapes. */
export function parseFromServiceMapPage(value: unknown): FromServiceMapPage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const keys = Object.keys(message).sort().join(',');
  if (message.type === 'ready' && keys === 'type') return { type: 'ready' };
  if (message.type === 'filter' && keys === 'nodeId,type' && typeof message.nodeId === 'string') {
    return { type: 'filter', nodeId: message.nodeId };
  }
  return undefined;
}

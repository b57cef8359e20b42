/**
 * Who calls whom across a set of traces: the services, the AI gateway, MCP servers, models and untraced servers as
 * nodes, and as edges the calls between them, with their count, errors and median duration. A call is one span:
 * - a span whose parent ran in another service: a call from the parent's service to the span's (to an MCP server when
 *   the parent is an MCP client's request or the span an MCP server's; not when a server asks its client for sampling);
 *   its duration is the callee's span;
 * - a model call that holds no other model call (the innermost, so an app's LLM span above its SDK's, or above the
 *   gateway's span of the same call, is counted once): from its service to the model;
 * - a gateway span: from the app that made the call (the nearest ancestor not the gateway's, else the client the
 *   gateway named from its User-Agent) to the gateway, and from the gateway to the model;
 * - a client span to a `server.address` that no traced span answered, outside any model call (whose HTTP requests the
 *   model node already stands for): from its service to that server, an MCP server for an MCP request.
 */
import { quantileSorted } from 'd3-array';
import { durationNanos, serviceNameOf, SpanKind, StatusCode, type Span } from '../model';
import { isGatewaySpan } from '../semantics/gateway';
import type { SpanNode, TraceRecord } from '../store/types';
import type { ServiceEdge, ServiceMap, ServiceNode, ServiceNodeKind } from '../../shared/serviceMap';
import { addressQuery, GATEWAY_QUERY, modelQuery, serviceQuery } from './queries';

type NodeRef = Omit<ServiceNode, 'traceCount'>;

interface NodeSamples extends NodeRef {
  readonly traceIds: Set<string>;
}

interface EdgeSamples {
  readonly from: string;
  readonly to: string;
  readonly durations: number[];
  errors: number;
}

/** Nodes are listed in this order of kinds, then by label, so a redraw from the same traces lays out the same. */
const KIND_ORDER: readonly ServiceNodeKind[] = ['service', 'gateway', 'mcp', 'external', 'model'];

export function buildServiceMap(traces: Iterable<TraceRecord>): ServiceMap {
  const builder = new MapBuilder();
  let traceCount = 0;
  for (const trace of traces) {
    builder.addTrace(trace);
    traceCount++;
  }
  return { ...builder.result(), traceCount };
}

class MapBuilder {
  private readonly nodes = new Map<string, NodeSamples>();
  private readonly edges = new Map<string, EdgeSamples>();

  addTrace(trace: TraceRecord): void {
    const traceId = trace.summary.traceId;
    const spans = trace.spans();
    const holdsModelCall = modelCallHolders(spans);
    for (const node of spans) {
      const { span } = node;
      if (isGatewaySpan(span)) {
        const app = appAncestor(node);
        const gateway = this.node(GATEWAY, traceId);
        this.call(this.node(serviceRef((app ?? node).span, 'service'), traceId), gateway, span);
        this.call(gateway, this.node(modelRef(node), traceId), span);
        continue;
      }
      const own = this.node(serviceRef(span, 'service'), traceId);
      const { parent } = node;
      if (parent !== undefined && !isGatewaySpan(parent.span) && serviceNameOf(parent.span) !== serviceNameOf(span)) {
        const kind = isMcpRequest(parent, SpanKind.Client) || isMcpRequest(node, SpanKind.Server) ? 'mcp' : 'service';
        this.call(
          this.node(serviceRef(parent.span, 'service'), traceId),
          this.node(serviceRef(span, kind), traceId),
          span,
        );
      }
      if (isModelCall(node)) {
        if (!holdsModelCall.has(node)) this.call(own, this.node(modelRef(node), traceId), span);
      } else if (span.kind === SpanKind.Client && !insideModelCall(node) && !answered(node)) {
        const server = addressRef(node);
        if (server !== undefined) this.call(own, this.node(server, traceId), span);
      }
    }
  }

  result(): Omit<ServiceMap, 'traceCount'> {
    const nodes = [...this.nodes.values()]
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label))
      .map(({ traceIds, ...node }): ServiceNode => ({ ...node, traceCount: traceIds.size }));
    const edges = [...this.edges.values()]
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
      .map(({ from, to, durations, errors }): ServiceEdge => {
        const sorted = durations.sort((a, b) => a - b);
        return { from, to, calls: sorted.length, errors, p50Ms: quantileSorted(sorted, 0.5)! };
      });
    return { nodes, edges };
  }

  /** The node `ref` names, seen in `traceId`; a service seen once as an MCP server stays one. */
  private node(ref: NodeRef, traceId: string): NodeSamples {
    let samples = this.nodes.get(ref.id);
    if (samples === undefined) {
      samples = { ...ref, traceIds: new Set() };
      this.nodes.set(ref.id, samples);
    } else if (ref.kind === 'mcp' && samples.kind === 'service') {
      samples = { ...samples, kind: 'mcp' };
      this.nodes.set(ref.id, samples);
    }
    samples.traceIds.add(traceId);
    return samples;
  }

  private call(from: NodeRef, to: NodeRef, span: Span): void {
    const key = `${from.id}\u0000${to.id}`;
    let samples = this.edges.get(key);
    if (samples === undefined) {
      samples = { from: from.id, to: to.id, durations: [], errors: 0 };
      this.edges.set(key, samples);
    }
    samples.durations.push(Number(durationNanos(span)) / 1e6);
    if (span.status.code === StatusCode.Error) samples.errors++;
  }
}

const GATEWAY: NodeRef = {
  id: 'gateway',
  kind: 'gateway',
  label: 'AI Trace Lens gateway',
  detail: undefined,
  query: GATEWAY_QUERY,
};

function serviceRef(span: Span, kind: 'service' | 'mcp'): NodeRef {
  const service = serviceNameOf(span);
  return {
    id: `service:${service ?? ''}`,
    kind,
    label: service ?? '(unknown service)',
    detail: undefined,
    query: serviceQuery(service),
  };
}

function modelRef(node: SpanNode): NodeRef {
  const { provider, responseModel, requestModel } = node.ai;
  const model = responseModel ?? requestModel;
  return {
    id: `model:${provider ?? ''}/${model ?? ''}`,
    kind: 'model',
    label: model ?? '(unknown model)',
    detail: provider,
    query: modelQuery(model, provider),
  };
}

/** The server a client span names (`server.address`, with `server.port` when set); undefined when it names none. */
function addressRef(node: SpanNode): NodeRef | undefined {
  const { attributes } = node.span;
  const address = attributes.get('server.address');
  if (typeof address !== 'string' || address === '') return undefined;
  const portValue = attributes.get('server.port');
  const port = typeof portValue === 'number' || typeof portValue === 'bigint' ? Number(portValue) : undefined;
  const label = port === undefined ? address : `${address}:${port}`;
  return {
    id: `server:${label}`,
    kind: node.ai.kind === 'mcp' ? 'mcp' : 'external',
    label,
    detail: undefined,
    query: addressQuery(address, port),
  };
}

/** An MCP request seen from `side`: a client's call makes its callee an MCP server, and so does a server's span. */
const isMcpRequest = (node: SpanNode, side: SpanKind): boolean => node.ai.kind === 'mcp' && node.span.kind === side;

const isModelCall = (node: SpanNode): boolean => node.ai.kind === 'llm' || node.ai.kind === 'embedding';

/** The model calls that hold another model call below them, found bottom-up in one pass over a pre-order list. */
function modelCallHolders(spans: readonly SpanNode[]): Set<SpanNode> {
  const holdsOne = new Set<SpanNode>();
  for (let index = spans.length - 1; index >= 0; index--) {
    const node = spans[index]!;
    if (node.parent !== undefined && (isModelCall(node) || holdsOne.has(node))) holdsOne.add(node.parent);
  }
  return holdsOne;
}

/** The nearest ancestor that is not a gateway span: the app code that made the call. */
function appAncestor(node: SpanNode): SpanNode | undefined {
  let ancestor = node.parent;
  while (ancestor !== undefined && isGatewaySpan(ancestor.span)) ancestor = ancestor.parent;
  return ancestor;
}

function insideModelCall(node: SpanNode): boolean {
  for (let ancestor = node.parent; ancestor !== undefined; ancestor = ancestor.parent) {
    if (isModelCall(ancestor)) return true;
  }
  return false;
}

/** Whether a traced server answered the client span: a child in another service, or the gateway's span. */
function answered(node: SpanNode): boolean {
  const service = serviceNameOf(node.span);
  return node.children.some((child) => isGatewaySpan(child.span) || serviceNameOf(child.span) !== service);
}

/**
 * Models, tools and MCP servers at a glance: per model, its calls, errors, tokens, TTFT and duration percentiles; per
 * tool (and per MCP server and tool), its calls, errors, duration percentiles and result size. Computed over any set
 * of traces (all of them, a session's, one trace's), each row with the slowest and the latest span to open. A model's
 * cost sums the calls priced by the function the caller passes (the PriceBook's, in the editor), the unpriced ones
 * counted beside it, so this stays free of price tables and settings.
 */
import { quantileSorted } from 'd3-array';
import { addCost, noCost, type CostTotals, type SpanCost } from '../../shared/cost';
import type { AiStats, Percentiles, SpanRef } from '../../shared/statsProtocol';
import { SpanKind, StatusCode } from '../model';
import { isHostedGatewayCall } from '../cost/spanCost';
import { toolCallOf } from '../semantics/extract';
import type { AiSpanInfo } from '../semantics/types';
import type { SpanNode, TraceRecord } from '../store/types';

interface Samples {
  durations: number[];
  slowest: { ref: SpanRef; ms: number };
  latest: { ref: SpanRef; start: bigint };
  calls: number;
  errors: number;
}

interface ModelSamples extends Samples {
  model: string;
  provider: string | undefined;
  ttfts: number[];
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cost: CostTotals;
}

interface ToolSamples extends Samples {
  tool: string;
  mcpServer: string | undefined;
  largestResultChars: number | undefined;
}

/** A model call's cost; undefined for a call with nothing to price. */
export type PriceOf = (ai: AiSpanInfo) => SpanCost | undefined;

const NO_PRICES: PriceOf = () => undefined;

/** Without `priceOf`, no call is priced: every model's cost is empty. */
export function aiStats(traces: Iterable<TraceRecord>, priceOf: PriceOf = NO_PRICES): AiStats {
  const models = new Map<string, ModelSamples>();
  const tools = new Map<string, ToolSamples>();
  for (const trace of traces) {
    for (const node of trace.spans()) {
      const counted = countedCall(node);
      if (counted === 'model') addModelCall(models, node, priceOf);
      else if (counted === 'tool') addToolCall(tools, node);
    }
  }
  return {
    models: [...models.values()].sort(byCalls).map((samples) => ({
      model: samples.model,
      provider: samples.provider,
      calls: samples.calls,
      errors: samples.errors,
      inputTokens: samples.inputTokens,
      outputTokens: samples.outputTokens,
      cachedTokens: samples.cachedTokens,
      cost: samples.cost,
      ttftMs: percentiles(samples.ttfts),
      durationMs: percentiles(samples.durations)!,
      slowest: samples.slowest.ref,
      latest: samples.latest.ref,
    })),
    tools: [...tools.values()].sort(byCalls).map((samples) => ({
      tool: samples.tool,
      mcpServer: samples.mcpServer,
      calls: samples.calls,
      errors: samples.errors,
      durationMs: percentiles(samples.durations)!,
      largestResultChars: samples.largestResultChars,
      slowest: samples.slowest.ref,
      latest: samples.latest.ref,
    })),
  };
}

function addModelCall(models: Map<string, ModelSamples>, node: SpanNode, priceOf: PriceOf): void {
  const { ai } = node;
  const model = ai.responseModel ?? ai.requestModel ?? 'unknown model';
  const key = `${ai.provider ?? ''}\u0000${model}`;
  let samples = models.get(key);
  if (samples === undefined) {
    samples = {
      ...firstSamples(node),
      model,
      provider: ai.provider,
      ttfts: [],
      inputTokens: 0,
      outputTokens: 0,
      cachedTokens: 0,
      cost: noCost(),
    };
    models.set(key, samples);
  }
  addCall(samples, node);
  if (ai.ttftMs !== undefined) samples.ttfts.push(ai.ttftMs);
  samples.inputTokens += ai.inputTokens ?? 0;
  samples.outputTokens += ai.outputTokens ?? 0;
  samples.cachedTokens += ai.cachedTokens ?? 0;
  addCost(samples.cost, priceOf(ai));
}

function addToolCall(tools: Map<string, ToolSamples>, node: SpanNode): void {
  const tool = toolNameOf(node);
  const chain = toolCallChain(node, tool);
  // The server's own name when it traced the call (as the service map names it), else the address its client called.
  const mcpServer =
    firstDefined(chain, (link) => (link.span.kind === SpanKind.Server ? mcpServerOf(link) : undefined)) ??
    firstDefined(chain, (link) => (link.ai.kind === 'mcp' ? mcpServerOf(link) : undefined));
  const key = `${mcpServer ?? ''}\u0000${tool}`;
  let samples = tools.get(key);
  if (samples === undefined) {
    samples = { ...firstSamples(node), tool, mcpServer, largestResultChars: undefined };
    tools.set(key, samples);
  }
  addCall(
    samples,
    node,
    chain.some((link) => link.span.status.code === StatusCode.Error),
  );
  for (const link of chain) {
    const result = resultLength(link);
    if (result !== undefined) samples.largestResultChars = Math.max(samples.largestResultChars ?? 0, result);
  }
}

/**
 * What a span counts as: a model call, a tool call, or neither. The gateway's span of a call the app's span already
 * stands for, and the MCP client's and server's spans of a tool call the agent's span stands for, are the same call:
 * counted once, as the store and the costs count (the Statistics view and the dashboard both count this way).
 */
export function countedCall(node: SpanNode): 'model' | 'tool' | undefined {
  const { kind } = node.ai;
  if (kind === 'llm' || kind === 'embedding') return isHostedGatewayCall(node) ? undefined : 'model';
  return isToolCall(node) && !isToolCall(node.parent, toolNameOf(node)) ? 'tool' : undefined;
}

export const toolNameOf = (node: SpanNode): string => node.ai.toolName ?? node.span.name;

/** A tool or MCP span; with `tool`, one of that tool. */
function isToolCall(node: SpanNode | undefined, tool?: string): node is SpanNode {
  if (node === undefined || (node.ai.kind !== 'tool' && node.ai.kind !== 'mcp')) return false;
  return tool === undefined || toolNameOf(node) === tool;
}

/** A tool call as each layer saw it: the agent's tool span, the MCP client's request under it, the server's span. */
function toolCallChain(node: SpanNode, tool: string): SpanNode[] {
  const chain = [node];
  for (let link = node.children.find((child) => isToolCall(child, tool)); link !== undefined;) {
    chain.push(link);
    link = link.children.find((child) => isToolCall(child, tool));
  }
  return chain;
}

function firstDefined<T, R>(items: readonly T[], pick: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const picked = pick(item);
    if (picked !== undefined) return picked;
  }
  return undefined;
}

/** A client span names the server it called; a server span is the server, named by its service. */
function mcpServerOf(node: SpanNode): string | undefined {
  const { attributes, resource } = node.span;
  const address = attributes.get('server.address');
  if (typeof address === 'string' && address !== '') {
    const port = attributes.get('server.port');
    return typeof port === 'number' || typeof port === 'bigint' ? `${address}:${port}` : address;
  }
  const service = resource.attributes.get('service.name');
  return node.span.kind === SpanKind.Server && typeof service === 'string' ? service : undefined;
}

/** The length of a tool call's recorded result, when it is text. */
function resultLength(node: SpanNode): number | undefined {
  const { result } = toolCallOf(node.span.attributes);
  return typeof result === 'string' ? result.length : undefined;
}

function firstSamples(node: SpanNode): Samples {
  const ref = refOf(node);
  return {
    durations: [],
    slowest: { ref, ms: -1 },
    latest: { ref, start: node.span.startTimeUnixNano },
    calls: 0,
    errors: 0,
  };
}

function addCall(samples: Samples, node: SpanNode, failed = node.span.status.code === StatusCode.Error): void {
  const { span } = node;
  const ms = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
  samples.calls++;
  if (failed) samples.errors++;
  samples.durations.push(ms);
  if (ms > samples.slowest.ms) samples.slowest = { ref: refOf(node), ms };
  if (span.startTimeUnixNano >= samples.latest.start) {
    samples.latest = { ref: refOf(node), start: span.startTimeUnixNano };
  }
}

function percentiles(values: number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.sort((a, b) => a - b);
  return { p50: quantileSorted(sorted, 0.5)!, p95: quantileSorted(sorted, 0.95)! };
}

const refOf = (node: SpanNode): SpanRef => ({ traceId: node.span.traceId, spanId: node.span.spanId });

const byCalls = (a: Samples, b: Samples) => b.calls - a.calls;

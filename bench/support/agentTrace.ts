/**
 * A synthetic agent run of an exact number of spans, shaped like real GenAI traces: an agent alternates streamed LLM
 * calls (tokens, cached tokens, TTFT, an HTTP child) with parallel tool calls; some tools are MCP `tools/call` spans
 * with a server span, a retriever or a sub-agent (nested up to five agents deep); one tool call in eighty fails.
 */
import { SpanKind, StatusCode, type AttributeValue, type Span } from '../../src/core/model';

export const AGENT_TRACE_ID = '5c1e7a9b2f4d4e6a8b0c1d2e3f405162';
const EPOCH_MS = 1_767_225_600_000;
const MAX_AGENT_DEPTH = 5;
const MODELS = ['gpt-4o', 'claude-sonnet-4', 'gpt-4o-mini', 'gemini-2.5-pro'];
const TOOLS = ['search_docs', 'read_file', 'run_tests', 'get_weather', 'query_db', 'fetch_url'];

const resource = {
  attributes: new Map<string, AttributeValue>([['service.name', 'bench-agent']]),
  droppedAttributesCount: 0,
};
const scope = { name: 'bench', version: '1', attributes: new Map<string, AttributeValue>(), droppedAttributesCount: 0 };

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const msToNanos = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;

export function generateAgentTrace(count: number): Span[] {
  const random = seeded(count);
  const between = (low: number, high: number) => low + random() * (high - low);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const spans: Span[] = [];
  const room = () => spans.length < count;

  /** Adds a span now (pre-order) and fixes its end once its children are known. */
  const open = (
    name: string,
    kind: SpanKind,
    parent: Span | undefined,
    startMs: number,
    attributes: [string, AttributeValue][],
  ) => {
    const span: Span = {
      traceId: AGENT_TRACE_ID,
      spanId: (spans.length + 1).toString(16).padStart(16, '0'),
      parentSpanId: parent?.spanId,
      traceState: '',
      flags: 1,
      name,
      kind,
      startTimeUnixNano: msToNanos(EPOCH_MS + startMs),
      endTimeUnixNano: msToNanos(EPOCH_MS + startMs),
      attributes: new Map(attributes),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: StatusCode.Unset, message: '' },
      resource,
      scope,
    };
    spans.push(span);
    return span;
  };
  const close = (span: Span, endMs: number) => {
    span.endTimeUnixNano = msToNanos(EPOCH_MS + endMs);
    return endMs;
  };

  const llmCall = (parent: Span, startMs: number): number => {
    const model = pick(MODELS);
    const ttftS = between(0.15, 0.9);
    const input = Math.round(between(300, 30_000));
    const output = Math.round(between(20, 1500));
    const llm = open(`chat ${model}`, SpanKind.Client, parent, startMs, [
      ['gen_ai.operation.name', 'chat'],
      [
        'gen_ai.provider.name',
        model.startsWith('claude') ? 'anthropic' : model.startsWith('gemini') ? 'gcp.gemini' : 'openai',
      ],
      ['gen_ai.request.model', model],
      ['gen_ai.response.model', model],
      ['gen_ai.request.stream', true],
      ['gen_ai.response.time_to_first_chunk', ttftS],
      ['gen_ai.usage.input_tokens', input],
      ['gen_ai.usage.output_tokens', output],
      ['gen_ai.usage.cache_read.input_tokens', random() < 0.5 ? Math.round(input * 0.6) : 0],
    ]);
    const endMs = startMs + ttftS * 1000 + output * between(8, 25);
    if (room()) {
      const http = open('POST', SpanKind.Client, llm, startMs + 2, [['http.request.method', 'POST']]);
      close(http, endMs - 1);
    }
    return close(llm, endMs);
  };

  const toolCall = (parent: Span, startMs: number, agentDepth: number): number => {
    const tool = pick(TOOLS);
    const roll = random();
    if (roll < 0.35) {
      const client = open(`tools/call ${tool}`, SpanKind.Client, parent, startMs, [
        ['mcp.method.name', 'tools/call'],
        ['gen_ai.tool.name', tool],
        ['mcp.session.id', 'bench-session'],
      ]);
      let endMs = startMs + between(5, 40);
      if (room()) {
        const server = open(`tools/call ${tool}`, SpanKind.Server, client, startMs + 2, [
          ['mcp.method.name', 'tools/call'],
          ['gen_ai.tool.name', tool],
        ]);
        const subAgent = agentDepth < MAX_AGENT_DEPTH && random() < 0.5;
        const serverEnd = subAgent
          ? agent(server, startMs + 4, agentDepth + 1, 2 + Math.floor(random() * 4))
          : startMs + between(20, 800);
        endMs = close(server, serverEnd) + between(1, 10);
      }
      return close(client, endMs);
    }
    const span = open(`execute_tool ${tool}`, SpanKind.Internal, parent, startMs, [
      ['gen_ai.operation.name', 'execute_tool'],
      ['gen_ai.tool.name', tool],
    ]);
    let endMs = startMs + between(10, 1200);
    if (roll < 0.5 && room()) {
      const retrieval = open('embeddings text-embedding-3-small', SpanKind.Client, span, startMs + 1, [
        ['gen_ai.operation.name', 'embeddings'],
        ['gen_ai.request.model', 'text-embedding-3-small'],
        ['gen_ai.usage.input_tokens', Math.round(between(10, 400))],
      ]);
      endMs = close(retrieval, startMs + between(20, 200)) + between(5, 300);
    } else if (roll < 0.6 && agentDepth < MAX_AGENT_DEPTH && room()) {
      endMs = agent(span, startMs + 1, agentDepth + 1, 2 + Math.floor(random() * 3)) + 1;
    }
    if (random() < 1 / 80) span.status = { code: StatusCode.Error, message: `${tool} failed: timeout` };
    return close(span, endMs);
  };

  /** An agent's loop: an LLM call, then its tool calls in parallel, for `turns` turns (or until the span budget ends). */
  const agent = (parent: Span | undefined, startMs: number, agentDepth: number, turns: number): number => {
    const name = agentDepth === 0 ? 'planner' : pick(['researcher', 'coder', 'reviewer']);
    const span = open(`invoke_agent ${name}`, SpanKind.Internal, parent, startMs, [
      ['gen_ai.operation.name', 'invoke_agent'],
      ['gen_ai.agent.name', name],
    ]);
    let at = startMs + 1;
    for (let turn = 0; turn < turns && room(); turn++) {
      at = llmCall(span, at) + 1;
      let turnEnd = at;
      const tools = Math.floor(random() * 4);
      for (let t = 0; t < tools && room(); t++) turnEnd = Math.max(turnEnd, toolCall(span, at + t * 2, agentDepth));
      at = turnEnd + 1;
    }
    return close(span, at);
  };

  agent(undefined, 0, 0, Number.POSITIVE_INFINITY);
  return spans;
}

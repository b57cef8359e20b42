/**
 * The classification table: an ordered list of rules, the first one that recognises a span wins.
 *
 * Precedence, highest first, and why:
 *  1. OpenInference `openinference.span.kind` and LangSmith `langsmith.span.kind`: explicit kind attributes. LangSmith
 *     must beat `gen_ai.operation.name` because it maps retriever→"embeddings" and prompt→"chat" on every run.
 *  2. MCP: semconv `mcp.method.name`, then OpenLLMetry's MCP instrumentation (its own scope and span names). Every MCP
 *     span is kind `mcp`, `tools/call` included; the tool name is extracted separately.
 *  3. Vercel AI SDK `ai.operationId`, before `gen_ai.operation.name`: the Traceloop JS SDK rewrites AI SDK spans and
 *     sets `gen_ai.operation.name=chat` on the `ai.generateText` wrapper as well, while keeping `ai.operationId`.
 *     Trusting the op name there would count the wrapper's aggregated usage a second time.
 *  4. OTel GenAI `gen_ai.operation.name` (plus Semantic Kernel's and OpenLLMetry's non-standard values).
 *  5. Traceloop `traceloop.span.kind`, then legacy `llm.request.type`.
 *  6. Heuristics on names and shapes, last.
 *
 * Double counting: totals are summed over `llm` and `embedding` spans only, so every wrapper that repeats its
 * children's usage is classified as something else: Vercel `ai.generateText`/`ai.streamText`/`ai.generateObject`/
 * `ai.streamObject` are `agent` (an agent loop of provider calls and tool calls), `ai.embed`/`ai.embedMany` are
 * `chain`, v7 `invoke_agent` roots are `agent`, v7 `embeddings` wrappers (the ones without usage) are `chain`.
 */
import type { AiKind } from '../../shared/aiKinds';
import type { Span } from '../model';
import { readNonNegative, readString } from './attributes';
import { keyList, readFirstOf } from './keyFamilies';
import type { Convention } from './types';

// Bound once: called for every span (an imported binding is a property read under CommonJS).
const stringOf = readString;
const nonNegativeOf = readNonNegative;
const firstOf = readFirstOf;

export interface Classification {
  kind: AiKind;
  /** Undefined when no rule recognised the span (kind `other`). */
  convention: Convention | undefined;
}

interface ClassificationRule {
  readonly convention: Convention;
  /** The key families (keyFamilies.ts) of which a span must carry one for `match` to recognise it; 0 when `match` may
   * recognise a span by its name or scope alone. Rules are skipped on the spans they cannot recognise. */
  readonly families: number;
  /** The kind this rule recognises, or undefined to let the next rule try; `families` are the span's. */
  match(span: Span, families: number): AiKind | undefined;
}

/** A rule that looks the value of one string attribute up in a table. */
function byAttributeValue(
  convention: Convention,
  key: string,
  kinds: Record<string, AiKind>,
  options: { normalize?: (value: string) => string; unknownValue?: AiKind } = {},
): ClassificationRule {
  // A Map, so that values such as "constructor" do not hit Object.prototype.
  const table = new Map(Object.entries(kinds));
  const { normalize, unknownValue } = options;
  const keys = keyList([key]);
  return {
    convention,
    families: keys.families,
    match(span, families) {
      const value = firstOf(span.attributes, families, keys, stringOf);
      if (value === undefined) return undefined;
      return table.get(normalize ? normalize(value) : value) ?? unknownValue;
    },
  };
}

const toUpper = (value: string): string => value.toUpperCase();
const toLower = (value: string): string => value.toLowerCase();

const openInference = byAttributeValue(
  'openinference',
  'openinference.span.kind',
  {
    LLM: 'llm',
    EMBEDDING: 'embedding',
    AGENT: 'agent',
    TOOL: 'tool',
    RETRIEVER: 'retriever',
    RERANKER: 'retriever',
    CHAIN: 'chain',
    PROMPT: 'chain',
    GUARDRAIL: 'chain',
    EVALUATOR: 'chain',
  },
  // The attribute marks an OpenInference span; newer kinds (e.g. DECISION) are steps of a pipeline.
  { normalize: toUpper, unknownValue: 'chain' },
);

/** LangSmith's OTel exporter writes GenAI semconv attributes, so it is reported as that convention. */
const langSmith = byAttributeValue(
  'otel-genai',
  'langsmith.span.kind',
  {
    llm: 'llm',
    embedding: 'embedding',
    tool: 'tool',
    retriever: 'retriever',
    chain: 'chain',
    parser: 'chain',
    prompt: 'chain',
  },
  { normalize: toLower, unknownValue: 'chain' },
);

const MCP_METHOD = keyList(['mcp.method.name']);

const mcpSemconv: ClassificationRule = {
  convention: 'otel-mcp',
  families: MCP_METHOD.families,
  match: (span, families) =>
    firstOf(span.attributes, families, MCP_METHOD, stringOf) !== undefined ? 'mcp' : undefined,
};

/**
 * OpenLLMetry's MCP instrumentations, with no `mcp.method.name`: Python's tracer
 * `opentelemetry.instrumentation.mcp.instrumentation`, JS's `@traceloop/instrumentation-mcp` (whose `{tool}.tool`
 * spans carry `traceloop.span.kind=tool` and would otherwise be taken for plain tools).
 */
const TRACELOOP_MCP_SCOPE_PREFIXES: readonly string[] = [
  'opentelemetry.instrumentation.mcp',
  '@traceloop/instrumentation-mcp',
];
const TRACELOOP_MCP_SPAN_NAMES: readonly string[] = ['mcp.client.session', 'mcp.server'];

/**
 * The last scope name asked about and its answer: spans come in batches of one scope, whose names (such as
 * `opentelemetry.instrumentation.openai_agents`) share a long start with the prefixes, slow to compare on every span.
 */
let lastScopeName = '';
let lastScopeFromTraceloopMcp = false;

function fromTraceloopMcpScope(scopeName: string): boolean {
  if (scopeName !== lastScopeName) {
    lastScopeName = scopeName;
    lastScopeFromTraceloopMcp = TRACELOOP_MCP_SCOPE_PREFIXES.some((prefix) => scopeName.startsWith(prefix));
  }
  return lastScopeFromTraceloopMcp;
}

const traceloopMcp: ClassificationRule = {
  convention: 'traceloop',
  families: 0,
  match: (span) =>
    fromTraceloopMcpScope(span.scope.name) || TRACELOOP_MCP_SPAN_NAMES.includes(span.name) || span.name.endsWith('.mcp')
      ? 'mcp'
      : undefined,
};

const VERCEL_OPERATIONS = new Map<string, AiKind>([
  ['ai.generateText.doGenerate', 'llm'],
  ['ai.streamText.doStream', 'llm'],
  ['ai.generateObject.doGenerate', 'llm'],
  ['ai.streamObject.doStream', 'llm'],
  ['ai.embed.doEmbed', 'embedding'],
  ['ai.embedMany.doEmbed', 'embedding'],
  ['ai.toolCall', 'tool'],
  ['ai.generateText', 'agent'],
  ['ai.streamText', 'agent'],
  ['ai.generateObject', 'agent'],
  ['ai.streamObject', 'agent'],
  ['ai.embed', 'chain'],
  ['ai.embedMany', 'chain'],
  ['ai.rerank', 'retriever'],
]);

const OPERATION_ID = keyList(['ai.operationId']);

/** The AI SDK operation id: the `ai.operationId` attribute, or the span name of a span from the SDK's `ai` tracer. */
export function vercelOperationId(span: Span, families: number): string | undefined {
  const id = firstOf(span.attributes, families, OPERATION_ID, stringOf);
  if (id !== undefined) return id;
  return span.scope.name === 'ai' && span.name.startsWith('ai.') ? span.name : undefined;
}

const vercelAi: ClassificationRule = {
  convention: 'vercel-ai',
  // The span name of a span from the `ai` tracer suffices.
  families: 0,
  match(span, families) {
    const id = vercelOperationId(span, families);
    if (id === undefined) return undefined;
    const kind = VERCEL_OPERATIONS.get(id);
    if (kind) return kind;
    // Provider calls of operations this table does not list yet.
    if (id.endsWith('.doGenerate') || id.endsWith('.doStream')) return 'llm';
    if (id.endsWith('.doEmbed')) return 'embedding';
    return undefined;
  },
};

/**
 * The AI SDK v7 `OpenTelemetry` integration wraps `embed`/`embedMany` in an `embeddings` span with the same name and
 * operation as the provider calls inside it, but usage only ever on those calls: without usage it is the wrapper, else
 * each embedding would count as two calls. (A failed provider call, which has no usage either, then counts as no call;
 * its error still shows.) Its tracer is `gen_ai` in @ai-sdk/otel 1.0.173, `ai` in earlier v7 builds.
 */
const VERCEL_V7_SCOPES = new Set(['gen_ai', 'ai']);
const OPERATION_NAME = keyList(['gen_ai.operation.name']);

const vercelV7EmbeddingsWrapper: ClassificationRule = {
  convention: 'otel-genai',
  families: OPERATION_NAME.families,
  match: (span, families) =>
    VERCEL_V7_SCOPES.has(span.scope.name) &&
    firstOf(span.attributes, families, OPERATION_NAME, stringOf) === 'embeddings' &&
    !hasUsage(span, families)
      ? 'chain'
      : undefined,
};

const otelGenAi = byAttributeValue('otel-genai', 'gen_ai.operation.name', {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  // Semantic Kernel's non-standard operation names.
  'chat.completions': 'llm',
  'chat.streaming_completions': 'llm',
  'text.completions': 'llm',
  'text.streaming_completions': 'llm',
  embeddings: 'embedding',
  invoke_agent: 'agent',
  create_agent: 'agent',
  execute_tool: 'tool',
  retrieval: 'retriever',
  search_memory: 'retriever',
  // Vercel v7 and OpenLLMetry custom operation names.
  rerank: 'retriever',
  vector_db_retrieve: 'retriever',
  invoke_workflow: 'chain',
  plan: 'chain',
  agent_step: 'chain',
  execute_task: 'chain',
});

const traceloopSpanKind = byAttributeValue('traceloop', 'traceloop.span.kind', {
  workflow: 'chain',
  task: 'chain',
  session: 'chain',
  agent: 'agent',
  tool: 'tool',
  // FastMCP's `mcp.server` span.
  server: 'mcp',
});

const traceloopRequestType = byAttributeValue('traceloop', 'llm.request.type', {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embedding',
  rerank: 'retriever',
});

/** Logfire's MCP spans (`MCP request: tools/call x`, `MCP server handle request: …`) carry JSON-RPC attributes only. */
const RPC_SYSTEM = keyList(['rpc.system']);

const logfireMcp: ClassificationRule = {
  convention: 'heuristic',
  families: RPC_SYSTEM.families,
  match: (span, families) =>
    span.name.startsWith('MCP ') && firstOf(span.attributes, families, RPC_SYSTEM, stringOf) === 'jsonrpc'
      ? 'mcp'
      : undefined,
};

/** Span names of producers that set no kind attribute: Google ADK's `call_llm`, Logfire's client spans. */
const NAME_PREFIXES: readonly (readonly [string, AiKind])[] = [
  ['call_llm', 'llm'],
  ['Chat Completion with ', 'llm'],
  ['Responses API with ', 'llm'],
  ['Completion with ', 'llm'],
  ['Embedding Creation with ', 'embedding'],
];
/** Their first characters: most span names (`GET /users`, `SELECT …`) start with none of them. */
const NAME_PREFIX_STARTS = new Set(NAME_PREFIXES.map(([prefix]) => prefix.charCodeAt(0)));

const knownNames: ClassificationRule = {
  convention: 'heuristic',
  families: 0,
  match(span) {
    if (!NAME_PREFIX_STARTS.has(span.name.charCodeAt(0))) return undefined;
    for (const [prefix, kind] of NAME_PREFIXES) if (span.name.startsWith(prefix)) return kind;
    return undefined;
  },
};

const USAGE_KEYS = keyList([
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
]);

function hasUsage(span: Span, families: number): boolean {
  return firstOf(span.attributes, families, USAGE_KEYS, nonNegativeOf) !== undefined;
}

const MODEL_KEYS = keyList(['gen_ai.request.model', 'gen_ai.response.model']);

/** Pre-1.31 GenAI spans have no operation name: a model plus token usage means a model call. */
const modelWithUsage: ClassificationRule = {
  convention: 'heuristic',
  families: MODEL_KEYS.families,
  match(span, families) {
    const hasModel = firstOf(span.attributes, families, MODEL_KEYS, stringOf) !== undefined;
    return hasModel && hasUsage(span, families) ? 'llm' : undefined;
  },
};

const CLASSIFICATION_RULES: readonly ClassificationRule[] = [
  openInference,
  langSmith,
  mcpSemconv,
  traceloopMcp,
  vercelAi,
  vercelV7EmbeddingsWrapper,
  otelGenAi,
  traceloopSpanKind,
  traceloopRequestType,
  logfireMcp,
  knownNames,
  modelWithUsage,
];

/** Shared: most spans are not AI spans, and extraction only reads it. */
const UNRECOGNISED: Classification = { kind: 'other', convention: undefined };

export function classifySpan(span: Span, families: number): Classification {
  for (const rule of CLASSIFICATION_RULES) {
    if (rule.families !== 0 && (families & rule.families) === 0) continue;
    const kind = rule.match(span, families);
    if (kind !== undefined) return { kind, convention: rule.convention };
  }
  return UNRECOGNISED;
}

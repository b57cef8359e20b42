/**
 * The extraction table: for each field, the attribute names that carry it across conventions, in the order they are
 * tried. Values are read defensively (see attributes.ts).
 *
 * Input tokens are taken as reported and never adjusted for caching: OTel says `gen_ai.usage.input_tokens` includes
 * cached tokens, and the producers that wrap Anthropic (whose raw `input_tokens` excludes them) add the cache counts
 * themselves (OpenInference, OpenLLMetry). `cachedTokens` is cache reads only; cache writes are `cacheWriteTokens`.
 */
import type { AttributeMap, AttributeValue, Span } from '../model';
import { durationNanos, nanosToMillis } from '../model';
import { readBoolean, readFirst, readNonNegative, readString } from './attributes';
import type { Classification } from './classify';
import { vercelOperationId } from './classify';
import { gatewayFiguresOf, isGatewaySpan } from './gateway';
import { familyBit, keyList, readFirstOf } from './keyFamilies';
import type { AiSpanInfo, CodeLocation } from './types';

const INPUT_TOKEN_KEYS = keyList([
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
  'llm.usage.prompt_tokens',
  'ai.usage.inputTokens',
  'ai.usage.promptTokens',
  // Vercel embedding spans.
  'ai.usage.tokens',
]);

const OUTPUT_TOKEN_KEYS = keyList([
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'llm.usage.completion_tokens',
  'ai.usage.outputTokens',
  'ai.usage.completionTokens',
]);

const CACHED_TOKEN_KEYS = keyList([
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
  'ai.usage.inputTokenDetails.cacheReadTokens',
  'ai.usage.cachedInputTokens',
]);

const CACHE_WRITE_TOKEN_KEYS = keyList([
  // The GenAI conventions renamed cache_creation to cache_write; producers send either.
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
  'ai.usage.inputTokenDetails.cacheWriteTokens',
]);

const REASONING_TOKEN_KEYS = keyList([
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
  'ai.usage.outputTokenDetails.reasoningTokens',
  'ai.usage.reasoningTokens',
]);

const REQUEST_MODEL_KEYS = keyList([
  'gen_ai.request.model',
  'llm.request.model_name',
  'embedding.model_name',
  'reranker.model_name',
  'llm.request.model',
  'ai.model.id',
]);

const RESPONSE_MODEL_KEYS = keyList([
  'gen_ai.response.model',
  'llm.response.model_name',
  'llm.response.model',
  'ai.response.model',
  // OpenInference: the model the provider answered with (a dated version); the request's is in the parameters.
  'llm.model_name',
]);

/** `gen_ai.system` values that name a framework, not a model provider (LangSmith, Google ADK, Agent Framework). */
const FRAMEWORK_SYSTEMS = new Set(['langchain', 'gcp.vertex.agent', 'microsoft.agent_framework']);

/** Deprecated `gen_ai.system` members and their `gen_ai.provider.name` spelling. */
const PROVIDER_ALIASES = new Map([
  ['az.ai.inference', 'azure.ai.inference'],
  ['az.ai.openai', 'azure.ai.openai'],
  ['vertex_ai', 'gcp.vertex_ai'],
  ['gemini', 'gcp.gemini'],
  ['xai', 'x_ai'],
]);

const asProvider = (value: string): string | undefined =>
  FRAMEWORK_SYSTEMS.has(value) ? undefined : (PROVIDER_ALIASES.get(value) ?? value);

/** The AI SDK's provider ids carry the API after a dot: `openai.chat`, `anthropic.messages`, `google.vertex.chat`. */
const withoutApiSuffix = (value: string): string => {
  const dot = value.indexOf('.');
  return dot > 0 ? value.slice(0, dot) : value;
};

const PROVIDER_SOURCES: readonly { key: string; bit: number; normalize: (value: string) => string | undefined }[] = [
  { key: 'gen_ai.provider.name', normalize: asProvider },
  // Before `gen_ai.system`, which the AI SDK fills with the same raw `openai.chat` string.
  { key: 'ai.model.provider', normalize: withoutApiSuffix },
  { key: 'gen_ai.system', normalize: asProvider },
  // OpenInference: `llm.provider` is the host, `llm.system` the API shape.
  { key: 'llm.provider', normalize: asProvider },
  { key: 'llm.system', normalize: asProvider },
  { key: 'llm.vendor', normalize: asProvider },
].map((source) => ({ ...source, bit: familyBit(source.key) }));

const STREAMING_FLAG_KEYS = keyList([
  'gen_ai.request.stream',
  'gen_ai.is_streaming',
  'llm.is_streaming',
  'langsmith.request.streaming',
]);

/**
 * OpenInference has no streaming flag: the request's `stream` parameter is inside the JSON text of
 * `llm.invocation_parameters` (the OpenAI instrumentation copies the request body). A substring look-up, not a
 * parse: JavaScript writes it without a space after the colon, Python's json.dumps with one. Only `true` is believed:
 * LangChain writes its model's `streaming` option there, `"stream":false` even for a call made with `.stream()`.
 */
const INVOCATION_PARAMETERS = keyList(['llm.invocation_parameters']);
const STREAM_PARAMETERS = ['"stream":true', '"stream": true'];
/** Cheap test before parsing the parameters for the request's model. */
const MODEL_PARAMETER = '"model"';

/** Semantic Kernel names streaming calls in the operation itself. */
const STREAMING_OPERATIONS = new Set(['chat.streaming_completions', 'text.streaming_completions']);
const OPERATION_NAME = keyList(['gen_ai.operation.name']);

/** TTFT attributes in the order of the field map's section (c), with the factor that turns them into milliseconds. */
const TTFT_ATTRIBUTES: readonly { key: string; bit: number; toMs: number; vercel?: true }[] = [
  { key: 'gen_ai.response.time_to_first_chunk', toMs: 1000 },
  { key: 'gen_ai.client.operation.time_to_first_chunk', toMs: 1000 },
  { key: 'ai.response.msToFirstChunk', toMs: 1, vercel: true as const },
  { key: 'ai.stream.msToFirstChunk', toMs: 1, vercel: true as const },
].map((attribute) => ({ ...attribute, bit: familyBit(attribute.key) }));
const MS_TO_FINISH = keyList(['ai.response.msToFinish']);

/** Span events added when the first chunk arrives (OpenInference, OpenLLMetry now and before 2026-03, AI SDK ≤ v6). */
const FIRST_CHUNK_EVENTS = new Set([
  'First Token Stream Event',
  'gen_ai.content.completion.chunk',
  'llm.content.completion.chunk',
  'ai.stream.firstChunk',
]);

/** OpenInference's openai-agents realtime TTFT, measured from the end of the user's turn, not from the span start. */
const REALTIME_TTFT = keyList(['time_to_first_token_ms']);

const TOOL_NAME_KEYS = keyList(['gen_ai.tool.name', 'tool.name', 'ai.toolCall.name']);
const AGENT_NAME_KEYS = keyList(['gen_ai.agent.name', 'agent.name', /* Pydantic AI format v2 */ 'agent_name']);

/** A tool call's arguments and result: OTel GenAI, OpenInference, OpenLLMetry, AI SDK, Google ADK, Pydantic AI v2. */
export const TOOL_ARGUMENTS_KEYS: readonly string[] = [
  'gen_ai.tool.call.arguments',
  'input.value',
  'traceloop.entity.input',
  'ai.toolCall.args',
  'gcp.vertex.agent.tool_call_args',
  'tool_arguments',
];
export const TOOL_RESULT_KEYS: readonly string[] = [
  'gen_ai.tool.call.result',
  'output.value',
  'traceloop.entity.output',
  'ai.toolCall.result',
  'gcp.vertex.agent.tool_response',
  'tool_response',
];

/** The recorded arguments and result of a tool span, as recorded (usually JSON text, sometimes structured). */
export function toolCallOf(attributes: AttributeMap): {
  arguments: AttributeValue | undefined;
  result: AttributeValue | undefined;
} {
  const first = (keys: readonly string[]) => readFirst(attributes, keys, (map, key) => map.get(key) ?? undefined);
  return { arguments: first(TOOL_ARGUMENTS_KEYS), result: first(TOOL_RESULT_KEYS) };
}

const MCP_TOOL_CALL = 'tools/call ';

const TRACELOOP_SPAN_KIND = keyList(['traceloop.span.kind']);
const TRACELOOP_ENTITY_NAME = keyList(['traceloop.entity.name']);
const FUNCTION_ID = keyList(['ai.telemetry.functionId']);

// Bound once: called for every span (an imported binding is a property read under CommonJS).
const fromGateway = isGatewaySpan;
const figuresOf = gatewayFiguresOf;
const operationIdOf = vercelOperationId;
const stringOf = readString;
const nonNegativeOf = readNonNegative;
const booleanOf = readBoolean;
const firstOf = readFirstOf;

/** `families` are the span's (keyFamilies.ts): keys of other families are not looked up. */
export function extractAiFields(span: Span, { kind, convention }: Classification, families: number): AiSpanInfo {
  const attributes = span.attributes;
  const outputTokens = firstOf(attributes, families, OUTPUT_TOKEN_KEYS, nonNegativeOf);
  // Also when another convention classified the span: OpenInference's AI SDK processor keeps the `ai.*` attributes.
  const operationId = operationIdOf(span, families);
  let streaming = streamingOf(attributes, families, operationId);
  const gateway = fromGateway(span) ? figuresOf(span) : undefined;
  let ttftMs: number | undefined;
  let tpotMs: number | undefined;
  if (kind === 'llm' && streaming !== false) {
    const firstToken = firstTokenOf(span, families);
    if (firstToken) {
      streaming = true;
      ttftMs = firstToken.ttftMs;
      // The gateway timed the first and last content events; the span's end also holds the response's tail.
      tpotMs = gateway?.tpotMs ?? timePerOutputToken(firstToken.decodeMs, outputTokens);
    }
  }
  const inputTokens = firstOf(attributes, families, INPUT_TOKEN_KEYS, nonNegativeOf);
  const source = gateway === undefined ? 'span' : 'gateway';
  const traceloopKind = firstOf(attributes, families, TRACELOOP_SPAN_KIND, stringOf);
  return {
    kind,
    convention,
    provider: providerOf(attributes, families),
    requestModel:
      firstOf(attributes, families, REQUEST_MODEL_KEYS, stringOf) ?? invocationModelOf(attributes, families),
    responseModel: firstOf(attributes, families, RESPONSE_MODEL_KEYS, stringOf),
    inputTokens,
    outputTokens,
    cachedTokens: firstOf(attributes, families, CACHED_TOKEN_KEYS, nonNegativeOf),
    cacheWriteTokens: firstOf(attributes, families, CACHE_WRITE_TOKEN_KEYS, nonNegativeOf),
    reasoningTokens: firstOf(attributes, families, REASONING_TOKEN_KEYS, nonNegativeOf),
    streaming,
    ttftMs,
    tpotMs,
    ttftSource: ttftMs === undefined ? undefined : source,
    tpotSource: tpotMs === undefined ? undefined : source,
    tokensSource: inputTokens === undefined && outputTokens === undefined ? undefined : source,
    tokensEstimated: gateway?.tokensEstimated,
    firstTextMs: gateway?.firstTextMs,
    longestGapMs: gateway?.longestGapMs,
    stalls: gateway?.stalls,
    toolName:
      firstOf(attributes, families, TOOL_NAME_KEYS, stringOf) ??
      (traceloopKind === 'tool' ? firstOf(attributes, families, TRACELOOP_ENTITY_NAME, stringOf) : undefined) ??
      (kind === 'mcp' ? mcpToolFromName(span.name) : undefined),
    agentName:
      firstOf(attributes, families, AGENT_NAME_KEYS, stringOf) ??
      (traceloopKind === 'agent' ? firstOf(attributes, families, TRACELOOP_ENTITY_NAME, stringOf) : undefined) ??
      // The AI SDK's closest thing to an agent name, on its generateText/streamText wrappers.
      (kind === 'agent' && operationId !== undefined
        ? firstOf(attributes, families, FUNCTION_ID, stringOf)
        : undefined),
    code: (families & CODE_KEYS.families) === 0 ? undefined : codeLocationOf(attributes),
  };
}

function providerOf(attributes: AttributeMap, families: number): string | undefined {
  for (const { key, bit, normalize } of PROVIDER_SOURCES) {
    if ((families & bit) === 0) continue;
    const value = stringOf(attributes, key);
    const provider = value === undefined ? undefined : normalize(value);
    if (provider !== undefined) return provider;
  }
  return undefined;
}

function streamingOf(
  attributes: AttributeMap,
  families: number,
  vercelOperation: string | undefined,
): boolean | undefined {
  const flag = firstOf(attributes, families, STREAMING_FLAG_KEYS, booleanOf);
  if (flag !== undefined) return flag;
  const invocationParameters = firstOf(attributes, families, INVOCATION_PARAMETERS, stringOf);
  if (invocationParameters !== undefined && STREAM_PARAMETERS.some((text) => invocationParameters.includes(text))) {
    return true;
  }
  const operation = firstOf(attributes, families, OPERATION_NAME, stringOf);
  if (operation !== undefined && STREAMING_OPERATIONS.has(operation)) return true;
  if (vercelOperation?.startsWith('ai.stream')) return true;
  if (vercelOperation?.startsWith('ai.generate')) return false;
  return undefined;
}

/** OpenInference's request model: the top-level `model` of the request's parameters, as JSON text. */
function invocationModelOf(attributes: AttributeMap, families: number): string | undefined {
  const text = firstOf(attributes, families, INVOCATION_PARAMETERS, stringOf);
  if (text === undefined || !text.includes(MODEL_PARAMETER)) return undefined;
  let parameters: unknown;
  try {
    parameters = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parameters !== 'object' || parameters === null || !('model' in parameters)) return undefined;
  const model = parameters.model;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

interface FirstToken {
  ttftMs: number;
  /** Time from the first token to the last, when this source allows computing it. */
  decodeMs: number | undefined;
}

/** Section (c) of the field map: the first applicable TTFT source wins. */
function firstTokenOf(span: Span, families: number): FirstToken | undefined {
  const attributes = span.attributes;
  for (const { key, bit, toMs, vercel } of TTFT_ATTRIBUTES) {
    if ((families & bit) === 0) continue;
    const value = nonNegativeOf(attributes, key);
    if (value === undefined) continue;
    const ttftMs = value * toMs;
    // The AI SDK measures the finish on the same clock; the span end may include post-processing.
    const msToFinish = vercel ? firstOf(attributes, families, MS_TO_FINISH, nonNegativeOf) : undefined;
    const decodeMs = msToFinish !== undefined ? msToFinish - ttftMs : nanosToMillis(durationNanos(span)) - ttftMs;
    return { ttftMs, decodeMs };
  }
  const firstChunkNanos = firstChunkEventTime(span);
  if (firstChunkNanos !== undefined) {
    return {
      ttftMs: nanosToMillis(firstChunkNanos - span.startTimeUnixNano),
      decodeMs: nanosToMillis(span.endTimeUnixNano - firstChunkNanos),
    };
  }
  const realtimeMs = firstOf(attributes, families, REALTIME_TTFT, nonNegativeOf);
  // Its origin is not the span start, so the span end says nothing about decoding time.
  return realtimeMs === undefined ? undefined : { ttftMs: realtimeMs, decodeMs: undefined };
}

/** The earliest first-chunk event at or after the span start; OpenLLMetry adds one event per chunk. */
function firstChunkEventTime(span: Span): bigint | undefined {
  let earliest: bigint | undefined;
  for (const event of span.events) {
    if (!FIRST_CHUNK_EVENTS.has(event.name) || event.timeUnixNano < span.startTimeUnixNano) continue;
    if (earliest === undefined || event.timeUnixNano < earliest) earliest = event.timeUnixNano;
  }
  return earliest;
}

/** Decode time over the tokens after the first; never derived from the AI SDK's tokens-per-second, which include TTFT. */
function timePerOutputToken(decodeMs: number | undefined, outputTokens: number | undefined): number | undefined {
  if (decodeMs === undefined || decodeMs < 0 || outputTokens === undefined || outputTokens <= 1) return undefined;
  return decodeMs / (outputTokens - 1);
}

/** `tools/call get-weather`, `MCP send tools/call get-weather`, `MCP request: tools/call get-weather` → `get-weather`. */
function mcpToolFromName(name: string): string | undefined {
  const at = name.indexOf(MCP_TOOL_CALL);
  if (at < 0) return undefined;
  const tool = name.slice(at + MCP_TOOL_CALL.length).trim();
  return tool === '' ? undefined : tool;
}

/** The keys `codeLocationOf` reads: a span with none of their families (most spans) has no location. */
const CODE_KEYS = keyList([
  'code.file.path',
  'code.filepath',
  'code.line.number',
  'code.lineno',
  'code.function.name',
  'code.function',
  'code.namespace',
]);

function codeLocationOf(attributes: AttributeMap): CodeLocation | undefined {
  const file = stringOf(attributes, 'code.file.path') ?? stringOf(attributes, 'code.filepath');
  const line = readLine(attributes, 'code.line.number') ?? readLine(attributes, 'code.lineno');
  const fn = stringOf(attributes, 'code.function.name') ?? legacyFunctionName(attributes);
  if (file === undefined && line === undefined && fn === undefined) return undefined;
  return { file, line, function: fn };
}

/** Before v1.33 the class lived in `code.namespace`; `code.function.name` is the two joined. */
function legacyFunctionName(attributes: AttributeMap): string | undefined {
  const fn = stringOf(attributes, 'code.function');
  if (fn === undefined) return undefined;
  const namespace = stringOf(attributes, 'code.namespace');
  return namespace === undefined ? fn : `${namespace}.${fn}`;
}

function readLine(attributes: AttributeMap, key: string): number | undefined {
  const line = nonNegativeOf(attributes, key);
  return line !== undefined && Number.isInteger(line) ? line : undefined;
}

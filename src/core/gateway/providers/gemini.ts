/**
 * The Google Gemini API (generativelanguage.googleapis.com): `models/{model}:generateContent`,
 * `:streamGenerateContent` (SSE with `?alt=sse`, else one JSON array sent an element at a time) and the embedding
 * methods. The model comes from the path. The REST API takes both camelCase and snake_case field names, so requests
 * are read in either. OTel's output tokens include reasoning: Gemini counts thoughts apart, so they are added.
 */
import { decodeUriOrKeep } from '../../../shared/uri';
import type { GenAiMessage, GenAiPart, ModelCall, ProviderWire, ResponseSink, Usage } from '../wire';
import {
  errorBodyReader,
  isSuccess,
  jsonArrayReader,
  jsonObjects,
  sseReader,
  wholeBodyReader,
  type ProviderError,
} from './framing';
import {
  definedOnly,
  isObject,
  modalityOf,
  nonEmpty,
  num,
  obj,
  objects,
  pathOnly,
  str,
  stringList,
  type JsonObject,
} from './jsonFields';

/** `/v1beta/models/gemini-2.5-flash:streamGenerateContent`: the version, the model resource and the method. */
const MODEL_METHOD = /^\/[^/]+\/((?:models|tunedModels)\/[^:]+):([A-Za-z]+)$/;

const METHODS: Readonly<Record<string, { operation: string; stream: boolean }>> = {
  generateContent: { operation: 'generate_content', stream: false },
  streamGenerateContent: { operation: 'generate_content', stream: true },
  embedContent: { operation: 'embeddings', stream: false },
  batchEmbedContents: { operation: 'embeddings', stream: false },
};

/** A field the REST API accepts in camelCase or snake_case. */
function field(object: JsonObject, camel: string, snake: string): unknown {
  return object[camel] ?? object[snake];
}

function fieldObject(object: JsonObject, camel: string, snake: string): JsonObject | undefined {
  const value = field(object, camel, snake);
  return isObject(value) ? value : undefined;
}

function fieldNumber(object: JsonObject, camel: string, snake: string): number | undefined {
  return num(object, camel) ?? num(object, snake);
}

function parseRequest(method: string, path: string, body: unknown): ModelCall | undefined {
  const match = method === 'POST' ? MODEL_METHOD.exec(pathOnly(path)) : null;
  const endpoint = match?.[2] === undefined ? undefined : METHODS[match[2]];
  if (!match || !endpoint) return undefined;
  const request = isObject(body) ? body : {};
  const config = fieldObject(request, 'generationConfig', 'generation_config') ?? {};
  const system = fieldObject(request, 'systemInstruction', 'system_instruction');
  const systemParts = system ? contentParts(system) : [];
  const generates = endpoint.operation === 'generate_content';
  return {
    operation: endpoint.operation,
    model: modelName(match[1] ?? ''),
    stream: endpoint.stream,
    parameters: definedOnly({
      temperature: num(config, 'temperature'),
      topP: fieldNumber(config, 'topP', 'top_p'),
      topK: fieldNumber(config, 'topK', 'top_k'),
      maxTokens: fieldNumber(config, 'maxOutputTokens', 'max_output_tokens'),
      frequencyPenalty: fieldNumber(config, 'frequencyPenalty', 'frequency_penalty'),
      presencePenalty: fieldNumber(config, 'presencePenalty', 'presence_penalty'),
      seed: num(config, 'seed'),
      stopSequences: stringList(field(config, 'stopSequences', 'stop_sequences')),
      choiceCount: fieldNumber(config, 'candidateCount', 'candidate_count'),
    }),
    toolDefinitions: Array.isArray(request.tools) ? request.tools : undefined,
    systemInstructions: systemParts.length > 0 ? systemParts : undefined,
    inputMessages: generates ? objects(request, 'contents').map(message) : [],
    streamWithoutUsage: false,
  };
}

/** `models/gemini-2.5-flash` → `gemini-2.5-flash`; a tuned model keeps its `tunedModels/` prefix. */
function modelName(resource: string): string {
  return decodeUriOrKeep(resource.startsWith('models/') ? resource.slice('models/'.length) : resource);
}

/** Gemini's `model` role is OTel's `assistant`, and its `function` role (tool results) is `tool`. */
function message(content: JsonObject): GenAiMessage {
  const role = str(content, 'role');
  return {
    role: role === 'model' ? 'assistant' : role === 'function' ? 'tool' : (role ?? 'user'),
    parts: contentParts(content),
  };
}

function contentParts(content: JsonObject): GenAiPart[] {
  const parts: GenAiPart[] = [];
  for (const part of objects(content, 'parts')) {
    const converted = contentPart(part);
    if (converted) parts.push(converted);
  }
  return parts;
}

function contentPart(part: JsonObject): GenAiPart | undefined {
  const text = str(part, 'text');
  if (text !== undefined) return { type: part.thought === true ? 'reasoning' : 'text', content: text };
  const call = fieldObject(part, 'functionCall', 'function_call');
  if (call) return { type: 'tool_call', id: str(call, 'id'), name: str(call, 'name') ?? '', arguments: call.args };
  const response = fieldObject(part, 'functionResponse', 'function_response');
  if (response) return { type: 'tool_call_response', id: str(response, 'id'), response: response.response };
  const inline = fieldObject(part, 'inlineData', 'inline_data');
  if (inline) {
    const mimeType = str(inline, 'mimeType') ?? str(inline, 'mime_type');
    return { type: 'blob', modality: modalityOf(mimeType, 'document'), mime_type: mimeType };
  }
  const file = fieldObject(part, 'fileData', 'file_data');
  if (file) {
    const mimeType = str(file, 'mimeType') ?? str(file, 'mime_type');
    return { type: 'uri', modality: modalityOf(mimeType, 'document'), mime_type: mimeType };
  }
  return undefined;
}

/** `{"error": {"code", "message", "status"}}`; `status` (`INVALID_ARGUMENT`) is Google's error type. */
function readError(body: unknown): ProviderError | undefined {
  const error = isObject(body) ? obj(body, 'error') : undefined;
  if (!error) return undefined;
  const code = num(error, 'code');
  return {
    type: str(error, 'status') ?? (code === undefined ? 'error' : String(code)),
    message: str(error, 'message') ?? '',
  };
}

/** One response's reader: each streamed chunk is a whole `GenerateContentResponse`. */
class GeminiReader {
  private id: string | undefined;
  private model: string | undefined;
  /** Function calls seen so far in each candidate: Gemini sends each whole, in one part. */
  private readonly toolCounts: number[] = [];

  constructor(private readonly sink: ResponseSink) {}

  chunk(chunk: JsonObject): void {
    const error = readError(chunk);
    if (error) this.sink.error(error.type, error.message);
    const id = nonEmpty(chunk, 'responseId');
    if (id !== undefined && id !== this.id) this.sink.responseId((this.id = id));
    const model = nonEmpty(chunk, 'modelVersion');
    if (model !== undefined && model !== this.model) this.sink.responseModel((this.model = model));
    const candidates = chunk.candidates;
    if (Array.isArray(candidates)) {
      for (let position = 0; position < candidates.length; position++) {
        const candidate: unknown = candidates[position];
        if (isObject(candidate)) this.candidate(candidate, num(candidate, 'index') ?? position);
      }
    }
    // A prompt blocked by safety settings gets no candidates, only the reason.
    const blocked = str(obj(chunk, 'promptFeedback') ?? {}, 'blockReason');
    if (blocked !== undefined) this.sink.finishReason(blocked);
    const usage = obj(chunk, 'usageMetadata');
    if (usage) this.sink.usage(usageOf(usage));
  }

  private candidate(candidate: JsonObject, index: number): void {
    const parts = obj(candidate, 'content')?.parts;
    if (Array.isArray(parts)) {
      for (const part of parts) if (isObject(part)) this.part(part, index);
    }
    const finish = str(candidate, 'finishReason');
    if (finish !== undefined) this.sink.finishReason(finish, index);
  }

  private part(part: JsonObject, candidate: number): void {
    const text = nonEmpty(part, 'text');
    if (text !== undefined) {
      if (part.thought === true) this.sink.reasoning(text, candidate);
      else this.sink.text(text, candidate);
      return;
    }
    const call = obj(part, 'functionCall');
    if (call) {
      const toolIndex = this.toolCounts[candidate] ?? 0;
      this.toolCounts[candidate] = toolIndex + 1;
      const args = call.args === undefined ? undefined : JSON.stringify(call.args);
      this.sink.toolCall(toolIndex, { id: str(call, 'id'), name: str(call, 'name'), argumentsDelta: args }, candidate);
    }
  }
}

/**
 * `promptTokenCount` already includes cached content and `toolUsePromptTokenCount` is input too; output adds the
 * thoughts that `candidatesTokenCount` leaves out.
 */
function usageOf(usage: JsonObject): Usage {
  const prompt = num(usage, 'promptTokenCount');
  const toolPrompt = num(usage, 'toolUsePromptTokenCount');
  const candidates = num(usage, 'candidatesTokenCount');
  const thoughts = num(usage, 'thoughtsTokenCount');
  return definedOnly({
    inputTokens: prompt === undefined ? undefined : prompt + (toolPrompt ?? 0),
    outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadTokens: num(usage, 'cachedContentTokenCount'),
    reasoningTokens: thoughts,
  });
}

/** Google's canonical status names for the HTTP statuses the gateway answers itself. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export const gemini: ProviderWire = {
  id: 'gemini',
  providerName: 'gcp.gemini',
  defaultUpstream: 'https://generativelanguage.googleapis.com',
  upstreamPath: (path) => path,
  parseRequest,
  responseReader(call, status, mediaType, sink) {
    if (!isSuccess(status)) return errorBodyReader(status, sink, readError);
    const reader = new GeminiReader(sink);
    const onChunk = jsonObjects((chunk) => reader.chunk(chunk));
    if (mediaType.includes('event-stream')) return sseReader(onChunk);
    return call.stream ? jsonArrayReader(onChunk) : wholeBodyReader(onChunk);
  },
  errorBody: (status, message) =>
    JSON.stringify({
      error: {
        code: status,
        message,
        status: STATUS_NAMES[status] ?? (status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL'),
      },
    }),
};

/**
 * Ollama's native API: `/api/chat`, `/api/generate` and the embedding endpoints. Ollama streams unless the request
 * says `"stream": false`, as NDJSON (one JSON object a line); the last line has `done: true`, the finish reason and
 * the token counts. (Its OpenAI-compatible `/v1` goes through openai.ts.)
 */
import type { GenAiMessage, GenAiPart, ModelCall, ProviderWire, ResponseSink } from '../wire';
import { errorBodyReader, isSuccess, jsonObjects, ndjsonReader, wholeBodyReader, type ProviderError } from './framing';
import {
  definedOnly,
  isObject,
  nonEmpty,
  num,
  obj,
  objects,
  pathOnly,
  str,
  stringList,
  type JsonObject,
} from './jsonFields';

const OPERATIONS: Readonly<Record<string, string>> = {
  '/api/chat': 'chat',
  '/api/generate': 'text_completion',
  '/api/embed': 'embeddings',
  '/api/embeddings': 'embeddings',
};

function parseRequest(method: string, path: string, body: unknown): ModelCall | undefined {
  const operation = method === 'POST' ? OPERATIONS[pathOnly(path)] : undefined;
  if (operation === undefined) return undefined;
  const request = isObject(body) ? body : {};
  const options = obj(request, 'options') ?? {};
  const system = nonEmpty(request, 'system');
  return {
    operation,
    model: str(request, 'model'),
    stream: operation !== 'embeddings' && request.stream !== false,
    parameters: definedOnly({
      temperature: num(options, 'temperature'),
      topP: num(options, 'top_p'),
      topK: num(options, 'top_k'),
      maxTokens: num(options, 'num_predict'),
      frequencyPenalty: num(options, 'frequency_penalty'),
      presencePenalty: num(options, 'presence_penalty'),
      seed: num(options, 'seed'),
      stopSequences: stringList(options.stop),
    }),
    toolDefinitions: Array.isArray(request.tools) ? request.tools : undefined,
    systemInstructions:
      operation === 'text_completion' && system !== undefined ? [{ type: 'text', content: system }] : undefined,
    inputMessages: inputMessages(operation, request),
    streamWithoutUsage: false,
  };
}

function inputMessages(operation: string, request: JsonObject): GenAiMessage[] {
  if (operation === 'chat') return objects(request, 'messages').map(chatMessage);
  if (operation !== 'text_completion') return [];
  const parts = images(request);
  const prompt = str(request, 'prompt');
  if (prompt !== undefined) parts.unshift({ type: 'text', content: prompt });
  return parts.length > 0 ? [{ role: 'user', parts }] : [];
}

function chatMessage(message: JsonObject): GenAiMessage {
  const role = str(message, 'role') ?? 'user';
  const content = str(message, 'content');
  if (role === 'tool') return { role, parts: [{ type: 'tool_call_response', response: content }] };
  const parts: GenAiPart[] = [];
  const thinking = nonEmpty(message, 'thinking');
  if (thinking !== undefined) parts.push({ type: 'reasoning', content: thinking });
  if (content) parts.push({ type: 'text', content });
  parts.push(...images(message));
  for (const call of objects(message, 'tool_calls')) {
    const fn = obj(call, 'function') ?? {};
    parts.push({ type: 'tool_call', id: str(call, 'id'), name: str(fn, 'name') ?? '', arguments: fn.arguments });
  }
  return { role, parts };
}

/** Images travel as base64 strings in `images`. */
function images(holder: JsonObject): GenAiPart[] {
  const list = holder.images;
  return Array.isArray(list) ? list.map(() => ({ type: 'blob', modality: 'image' })) : [];
}

/** Ollama's errors are `{"error": "text"}`, with no type: the HTTP status stands for one. */
function errorReader(status: number): (body: unknown) => ProviderError | undefined {
  return (body) => {
    const message = isObject(body) ? str(body, 'error') : undefined;
    return message === undefined ? undefined : { type: String(status), message };
  };
}

class OllamaReader {
  private model: string | undefined;
  /** Tool calls seen so far: Ollama sends each whole, in one line. */
  private toolCount = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** One NDJSON line, or the whole non-streamed body. */
  line(line: JsonObject): void {
    const error = str(line, 'error');
    if (error !== undefined) {
      this.sink.error('error', error);
      return;
    }
    const model = nonEmpty(line, 'model');
    if (model !== undefined && model !== this.model) this.sink.responseModel((this.model = model));
    const message = obj(line, 'message');
    if (message) this.message(message);
    // `/api/generate` puts its text and thinking at the top level.
    const thinking = nonEmpty(line, 'thinking');
    if (thinking !== undefined) this.sink.reasoning(thinking);
    const response = nonEmpty(line, 'response');
    if (response !== undefined) this.sink.text(response);
    if (line.done === true) this.done(line);
    else if (Array.isArray(line.embeddings) || Array.isArray(line.embedding)) this.usage(line);
  }

  private message(message: JsonObject): void {
    const thinking = nonEmpty(message, 'thinking');
    if (thinking !== undefined) this.sink.reasoning(thinking);
    const content = nonEmpty(message, 'content');
    if (content !== undefined) this.sink.text(content);
    for (const call of objects(message, 'tool_calls')) {
      const fn = obj(call, 'function') ?? {};
      const args = fn.arguments === undefined ? undefined : JSON.stringify(fn.arguments);
      this.sink.toolCall(this.toolCount++, { id: str(call, 'id'), name: str(fn, 'name'), argumentsDelta: args });
    }
  }

  private done(line: JsonObject): void {
    const reason = str(line, 'done_reason');
    if (reason !== undefined) this.sink.finishReason(reason);
    this.usage(line);
  }

  private usage(line: JsonObject): void {
    const usage = definedOnly({ inputTokens: num(line, 'prompt_eval_count'), outputTokens: num(line, 'eval_count') });
    if (usage.inputTokens !== undefined || usage.outputTokens !== undefined) this.sink.usage(usage);
  }
}

export const ollama: ProviderWire = {
  id: 'ollama',
  providerName: 'ollama',
  defaultUpstream: 'http://127.0.0.1:11434',
  upstreamPath: (path) => path,
  parseRequest,
  responseReader(call, status, mediaType, sink) {
    if (!isSuccess(status)) return errorBodyReader(status, sink, errorReader(status));
    const reader = new OllamaReader(sink);
    const onLine = jsonObjects((line) => reader.line(line));
    if (mediaType.includes('ndjson') || (call.stream && !mediaType.includes('json'))) return ndjsonReader(onLine);
    return wholeBodyReader(onLine);
  },
  errorBody: (_status, message) => JSON.stringify({ error: message }),
};

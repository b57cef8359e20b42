/**
 * Anthropic's Messages API (`POST /v1/messages`), streamed as SSE (`message_start`, `content_block_*`,
 * `message_delta`, `error`) or answered as one JSON message. Anthropic's `input_tokens` leaves out cached tokens;
 * OTel's input tokens include them, so the reader adds cache reads and writes back in.
 */
import type { GenAiPart, ModelCall, ProviderWire, ResponseSink, Usage } from '../wire';
import { errorBodyReader, isSuccess, jsonObjects, sseReader, wholeBodyReader, type ProviderError } from './framing';
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

function parseRequest(method: string, path: string, body: unknown): ModelCall | undefined {
  // Only Messages itself: `/v1/messages/count_tokens` and `/v1/messages/batches` make no model call to time.
  if (method !== 'POST' || !pathOnly(path).endsWith('/v1/messages')) return undefined;
  const request = isObject(body) ? body : {};
  const system = systemParts(request.system);
  return {
    operation: 'chat',
    model: str(request, 'model'),
    stream: request.stream === true,
    parameters: definedOnly({
      temperature: num(request, 'temperature'),
      topP: num(request, 'top_p'),
      topK: num(request, 'top_k'),
      maxTokens: num(request, 'max_tokens'),
      stopSequences: stringList(request.stop_sequences),
    }),
    toolDefinitions: Array.isArray(request.tools) ? request.tools : undefined,
    systemInstructions: system.length > 0 ? system : undefined,
    inputMessages: objects(request, 'messages').map((message) => ({
      role: str(message, 'role') ?? 'user',
      parts: contentParts(message.content),
    })),
    streamWithoutUsage: false,
  };
}

function systemParts(system: unknown): GenAiPart[] {
  if (typeof system === 'string') return system === '' ? [] : [{ type: 'text', content: system }];
  return contentParts(system);
}

function contentParts(content: unknown): GenAiPart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: GenAiPart[] = [];
  for (const block of content) {
    const part = isObject(block) ? contentPart(block) : undefined;
    if (part) parts.push(part);
  }
  return parts;
}

/** A content block: text, thinking, media, a tool call or a tool's result. */
function contentPart(block: JsonObject): GenAiPart | undefined {
  switch (str(block, 'type')) {
    case 'text': {
      const text = str(block, 'text');
      return text === undefined ? undefined : { type: 'text', content: text };
    }
    case 'thinking': {
      const thinking = str(block, 'thinking');
      return thinking === undefined ? undefined : { type: 'reasoning', content: thinking };
    }
    case 'image':
    case 'document':
      return mediaPart(block);
    case 'tool_use':
      return { type: 'tool_call', id: str(block, 'id'), name: str(block, 'name') ?? '', arguments: block.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: str(block, 'tool_use_id'), response: toolResult(block.content) };
    default:
      return undefined;
  }
}

/** An image or document: base64 data is the media itself, a `url` source a link to it. */
function mediaPart(block: JsonObject): GenAiPart {
  const source = obj(block, 'source') ?? {};
  const modality = str(block, 'type') === 'image' ? 'image' : 'document';
  const mimeType = str(source, 'media_type');
  return { type: str(source, 'type') === 'url' ? 'uri' : 'blob', modality, mime_type: mimeType };
}

/** A tool's result: its text when it is text blocks, else what was sent. */
function toolResult(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter(isObject).map((block) => str(block, 'text'));
  return texts.length === content.length && texts.every((text) => text !== undefined) ? texts.join('') : content;
}

/** The error inside `{"type": "error", "error": {"type", "message"}}`, in an error body or a stream's error event. */
function readError(body: unknown): ProviderError | undefined {
  const error = isObject(body) ? obj(body, 'error') : undefined;
  if (!error) return undefined;
  return { type: str(error, 'type') ?? 'error', message: str(error, 'message') ?? '' };
}

/**
 * One response's reader. `message_start` carries the input tokens and `message_delta` the output; the cache counts
 * seen so far are kept, since OTel's input count is their sum with `input_tokens`.
 */
class AnthropicReader {
  private inputTokens: number | undefined;
  private cacheReadTokens: number | undefined;
  private cacheWriteTokens: number | undefined;
  /** The tool call index of each `tool_use` content block, by the block's index. */
  private toolIndexes: Map<number, number> | undefined;

  constructor(private readonly sink: ResponseSink) {}

  event(event: JsonObject): void {
    switch (event.type) {
      case 'message_start': {
        const message = obj(event, 'message');
        if (message) this.messageStart(message);
        break;
      }
      case 'content_block_start': {
        const block = obj(event, 'content_block');
        if (block) this.block(num(event, 'index') ?? 0, block);
        break;
      }
      case 'content_block_delta': {
        const delta = obj(event, 'delta');
        if (delta) this.delta(num(event, 'index') ?? 0, delta);
        break;
      }
      case 'message_delta': {
        const reason = str(obj(event, 'delta') ?? {}, 'stop_reason');
        if (reason !== undefined) this.sink.finishReason(reason);
        const usage = obj(event, 'usage');
        if (usage) this.usage(usage);
        break;
      }
      case 'error': {
        const error = readError(event);
        if (error) this.sink.error(error.type, error.message);
        break;
      }
    }
  }

  /** A non-streamed message: the same pieces as a stream, all at once. */
  message(message: JsonObject): void {
    const error = readError(message);
    if (error) this.sink.error(error.type, error.message);
    this.messageStart(message);
    const content = message.content;
    if (Array.isArray(content)) {
      for (let index = 0; index < content.length; index++) {
        const block: unknown = content[index];
        if (isObject(block)) this.block(index, block);
      }
    }
    const reason = str(message, 'stop_reason');
    if (reason !== undefined) this.sink.finishReason(reason);
  }

  private messageStart(message: JsonObject): void {
    const id = str(message, 'id');
    if (id !== undefined) this.sink.responseId(id);
    const model = str(message, 'model');
    if (model !== undefined) this.sink.responseModel(model);
    const usage = obj(message, 'usage');
    if (usage) this.usage(usage);
  }

  private block(index: number, block: JsonObject): void {
    switch (block.type) {
      case 'text': {
        const text = nonEmpty(block, 'text');
        if (text !== undefined) this.sink.text(text);
        break;
      }
      case 'thinking': {
        const thinking = nonEmpty(block, 'thinking');
        if (thinking !== undefined) this.sink.reasoning(thinking);
        break;
      }
      case 'tool_use': {
        this.toolIndexes ??= new Map();
        const toolIndex = this.toolIndexes.size;
        this.toolIndexes.set(index, toolIndex);
        this.sink.toolCall(toolIndex, { id: str(block, 'id'), name: str(block, 'name'), argumentsDelta: input(block) });
        break;
      }
    }
  }

  private delta(index: number, delta: JsonObject): void {
    switch (delta.type) {
      case 'text_delta': {
        const text = nonEmpty(delta, 'text');
        if (text !== undefined) this.sink.text(text);
        break;
      }
      case 'thinking_delta': {
        const thinking = nonEmpty(delta, 'thinking');
        if (thinking !== undefined) this.sink.reasoning(thinking);
        break;
      }
      case 'input_json_delta': {
        const toolIndex = this.toolIndexes?.get(index);
        const json = nonEmpty(delta, 'partial_json');
        if (toolIndex !== undefined && json !== undefined) this.sink.toolCall(toolIndex, { argumentsDelta: json });
        break;
      }
    }
  }

  private usage(usage: JsonObject): void {
    const input = num(usage, 'input_tokens');
    const cacheRead = num(usage, 'cache_read_input_tokens');
    const cacheWrite = num(usage, 'cache_creation_input_tokens');
    this.inputTokens = input ?? this.inputTokens;
    this.cacheReadTokens = cacheRead ?? this.cacheReadTokens;
    this.cacheWriteTokens = cacheWrite ?? this.cacheWriteTokens;
    const anyInput = input !== undefined || cacheRead !== undefined || cacheWrite !== undefined;
    const reported: Usage = definedOnly({
      inputTokens: anyInput
        ? (this.inputTokens ?? 0) + (this.cacheReadTokens ?? 0) + (this.cacheWriteTokens ?? 0)
        : undefined,
      outputTokens: num(usage, 'output_tokens'),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    });
    this.sink.usage(reported);
  }
}

/**
 * A non-streamed tool call's input as argument text. In a stream, `content_block_start` holds an empty `input`
 * and the arguments follow as `input_json_delta`.
 */
function input(block: JsonObject): string | undefined {
  const value = block.input;
  if (value === undefined || (isObject(value) && Object.keys(value).length === 0)) return undefined;
  return JSON.stringify(value);
}

/** Anthropic's error types for the errors the gateway answers itself. */
function errorType(status: number): string {
  if (status === 413) return 'request_too_large';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

export const anthropic: ProviderWire = {
  id: 'anthropic',
  providerName: 'anthropic',
  defaultUpstream: 'https://api.anthropic.com',
  // Every Anthropic API path starts with /v1: one without it came from a client whose base URL included it.
  upstreamPath: (path) => (path === '/v1' || path.startsWith('/v1/') ? path : `/v1${path}`),
  parseRequest,
  responseReader(_call, status, mediaType, sink) {
    if (!isSuccess(status)) return errorBodyReader(status, sink, readError);
    const reader = new AnthropicReader(sink);
    if (mediaType.includes('event-stream')) return sseReader(jsonObjects((event) => reader.event(event)));
    return wholeBodyReader(jsonObjects((message) => reader.message(message)));
  },
  errorBody: (status, message) => JSON.stringify({ type: 'error', error: { type: errorType(status), message } }),
};

/**
 * OpenAI's answers, read into a ResponseSink: chat completion chunks (`choices[].delta`), legacy completion chunks
 * (`choices[].text`), Responses API events (`response.output_text.delta`, …) and the non-streamed bodies of all of
 * them and of embeddings. One reader serves every endpoint: the shape of each event says which API sent it, so the
 * reader needs nothing from the request but the sink.
 */
import type { ResponseSink, Usage } from '../wire';
import type { ProviderError } from './framing';
import { definedOnly, isObject, nonEmpty, num, obj, objects, str, type JsonObject } from './jsonFields';

/** A chat or completions choice's content fields, in a delta (streamed) or a message (not streamed). */
function readChoice(sink: ResponseSink, choice: JsonObject, content: JsonObject | undefined, index: number): void {
  const legacyText = nonEmpty(choice, 'text');
  if (legacyText !== undefined) sink.text(legacyText, index);
  if (content) {
    // `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Ollama's /v1, OpenRouter): thinking before the answer.
    const reasoning = nonEmpty(content, 'reasoning_content') ?? nonEmpty(content, 'reasoning');
    if (reasoning !== undefined) sink.reasoning(reasoning, index);
    const text = nonEmpty(content, 'content') ?? nonEmpty(content, 'refusal');
    if (text !== undefined) sink.text(text, index);
    const toolCalls = content.tool_calls;
    if (Array.isArray(toolCalls)) {
      for (let position = 0; position < toolCalls.length; position++) {
        const call: unknown = toolCalls[position];
        if (isObject(call)) readToolCall(sink, call, num(call, 'index') ?? position, index);
      }
    }
  }
  const finish = str(choice, 'finish_reason');
  if (finish !== undefined) sink.finishReason(finish, index);
}

function readToolCall(sink: ResponseSink, call: JsonObject, toolIndex: number, choice: number): void {
  const fn = obj(call, 'function');
  const id = str(call, 'id');
  const name = fn && nonEmpty(fn, 'name');
  const argumentsDelta = fn && nonEmpty(fn, 'arguments');
  if (id !== undefined || name !== undefined || argumentsDelta !== undefined) {
    sink.toolCall(toolIndex, { id, name, argumentsDelta }, choice);
  }
}

/** Chat completions and embeddings usage; `prompt_tokens` already includes cached tokens, as OTel counts them. */
function chatUsage(usage: JsonObject): Usage {
  return definedOnly({
    inputTokens: num(usage, 'prompt_tokens'),
    outputTokens: num(usage, 'completion_tokens'),
    cacheReadTokens: num(obj(usage, 'prompt_tokens_details') ?? {}, 'cached_tokens'),
    reasoningTokens: num(obj(usage, 'completion_tokens_details') ?? {}, 'reasoning_tokens'),
  });
}

function responsesUsage(usage: JsonObject): Usage {
  return definedOnly({
    inputTokens: num(usage, 'input_tokens'),
    outputTokens: num(usage, 'output_tokens'),
    cacheReadTokens: num(obj(usage, 'input_tokens_details') ?? {}, 'cached_tokens'),
    reasoningTokens: num(obj(usage, 'output_tokens_details') ?? {}, 'reasoning_tokens'),
  });
}

/** The error inside an error body or a stream's error chunk: `{"error": {"message", "type", "code"}}`. */
export function readOpenAiError(body: unknown): ProviderError | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  // Some compatible servers answer `{"error": "text"}`, vLLM once answered `{"object": "error", "message", "type"}`.
  if (typeof error === 'string') return { type: 'error', message: error };
  const fields = isObject(error) ? error : str(body, 'object') === 'error' ? body : undefined;
  if (!fields) return undefined;
  const type =
    str(fields, 'type') ?? str(fields, 'code') ?? (typeof fields.code === 'number' ? String(fields.code) : 'error');
  return { type, message: str(fields, 'message') ?? '' };
}

export class OpenAiReader {
  private id: string | undefined;
  private model: string | undefined;
  /** Responses API: the tool call index of each function call output item, by its `output_index`. */
  private toolIndexes: Map<number, number> | undefined;

  constructor(private readonly sink: ResponseSink) {}

  /** One SSE event's JSON. */
  streamEvent(event: JsonObject): void {
    const type = event.type;
    if (typeof type === 'string' && (type.startsWith('response.') || type === 'error'))
      this.responsesEvent(type, event);
    else this.completion(event, 'delta');
  }

  /** A non-streamed body, whichever endpoint answered. */
  body(body: JsonObject): void {
    if (str(body, 'object') === 'response' || Array.isArray(body.output)) {
      this.identify(body);
      for (const item of objects(body, 'output')) this.outputItem(item);
      this.response(body);
      return;
    }
    this.completion(body, 'message');
  }

  private identify(body: JsonObject): void {
    // Azure's first chunk (prompt filter results) has an empty id and model.
    const id = nonEmpty(body, 'id');
    if (id !== undefined && id !== this.id) this.sink.responseId((this.id = id));
    const model = nonEmpty(body, 'model');
    if (model !== undefined && model !== this.model) this.sink.responseModel((this.model = model));
  }

  /**
   * A chat or completions chunk (choices carry a `delta`) or whole answer (a `message`). OpenAI sends the same id and
   * model on every chunk: they are reported once.
   */
  private completion(chunk: JsonObject, content: 'delta' | 'message'): void {
    const error = readOpenAiError(chunk);
    if (error) {
      this.sink.error(error.type, error.message);
      return;
    }
    this.identify(chunk);
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (isObject(choice)) readChoice(this.sink, choice, obj(choice, content), num(choice, 'index') ?? 0);
      }
    }
    const usage = obj(chunk, 'usage');
    if (usage) this.sink.usage(chatUsage(usage));
  }

  private responsesEvent(type: string, event: JsonObject): void {
    switch (type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const delta = nonEmpty(event, 'delta');
        if (delta !== undefined) this.sink.text(delta);
        break;
      }
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        const delta = nonEmpty(event, 'delta');
        if (delta !== undefined) this.sink.reasoning(delta);
        break;
      }
      case 'response.output_item.added': {
        const item = obj(event, 'item');
        if (item && str(item, 'type') === 'function_call') this.functionCall(num(event, 'output_index') ?? 0, item);
        break;
      }
      case 'response.function_call_arguments.delta': {
        const toolIndex = this.toolIndexes?.get(num(event, 'output_index') ?? 0);
        const delta = nonEmpty(event, 'delta');
        if (toolIndex !== undefined && delta !== undefined) this.sink.toolCall(toolIndex, { argumentsDelta: delta });
        break;
      }
      case 'response.created':
      case 'response.in_progress':
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed': {
        const response = obj(event, 'response');
        if (response) this.response(response);
        break;
      }
      case 'error':
        this.sink.error(str(event, 'code') ?? str(obj(event, 'error') ?? {}, 'type') ?? 'error', errorMessage(event));
        break;
    }
  }

  /** A function call output item, streamed or not: its id and name, then any arguments it already holds. */
  private functionCall(outputIndex: number, item: JsonObject): void {
    this.toolIndexes ??= new Map();
    const toolIndex = this.toolIndexes.get(outputIndex) ?? this.toolIndexes.size;
    this.toolIndexes.set(outputIndex, toolIndex);
    const argumentsDelta = nonEmpty(item, 'arguments');
    this.sink.toolCall(toolIndex, { id: str(item, 'call_id'), name: str(item, 'name'), argumentsDelta });
  }

  /** A Responses API `response` object: its id, model, and once it ended, status, usage or error. */
  private response(response: JsonObject): void {
    this.identify(response);
    const status = str(response, 'status');
    if (status === 'completed') this.sink.finishReason(status);
    else if (status === 'incomplete') {
      this.sink.finishReason(str(obj(response, 'incomplete_details') ?? {}, 'reason') ?? status);
    }
    const error = obj(response, 'error');
    if (error) this.sink.error(str(error, 'code') ?? status ?? 'error', str(error, 'message') ?? '');
    const usage = obj(response, 'usage');
    if (usage) this.sink.usage(responsesUsage(usage));
  }

  /** An item of a non-streamed response's `output`. */
  private outputItem(item: JsonObject): void {
    switch (str(item, 'type')) {
      case 'message':
        for (const part of objects(item, 'content')) {
          const text = nonEmpty(part, 'text') ?? nonEmpty(part, 'refusal');
          if (text !== undefined) this.sink.text(text);
        }
        break;
      case 'reasoning':
        for (const text of reasoningTexts(item)) this.sink.reasoning(text);
        break;
      case 'function_call':
        this.functionCall(this.toolIndexes?.size ?? 0, item);
        break;
    }
  }
}

function errorMessage(event: JsonObject): string {
  return str(event, 'message') ?? str(obj(event, 'error') ?? {}, 'message') ?? '';
}

/** A Responses reasoning item's summary and reasoning text, request or response side. */
export function reasoningTexts(item: JsonObject): string[] {
  const texts: string[] = [];
  for (const piece of [...objects(item, 'summary'), ...objects(item, 'content')]) {
    const text = nonEmpty(piece, 'text');
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

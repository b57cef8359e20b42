/**
 * OpenAI's wire format, and every server that speaks it (Azure OpenAI, vLLM, LM Studio, Ollama's `/v1`): chat
 * completions, the Responses API, legacy completions and embeddings. Paths are matched by their end, so Azure's
 * `/deployments/{name}/chat/completions` and a `/v1` left in the client's path work too. This file reads requests;
 * openaiResponse.ts reads the answers.
 */
import { decodeUriOrKeep } from '../../../shared/uri';
import type { GenAiMessage, GenAiPart, ModelCall, ProviderWire, RequestParameters } from '../wire';
import { errorBodyReader, isSuccess, jsonObjects, sseReader, wholeBodyReader } from './framing';
import {
  definedOnly,
  isObject,
  modalityOf,
  nonEmpty,
  num,
  obj,
  objects,
  parsedArguments,
  pathOnly,
  str,
  stringList,
  type JsonObject,
} from './jsonFields';
import { OpenAiReader, readOpenAiError, reasoningTexts } from './openaiResponse';

/** The API a path names, by its last segments; `operation` is OTel's `gen_ai.operation.name`. */
const ENDPOINTS = [
  { suffix: '/chat/completions', api: 'chat', operation: 'chat' },
  { suffix: '/responses', api: 'responses', operation: 'chat' },
  { suffix: '/completions', api: 'completions', operation: 'text_completion' },
  { suffix: '/embeddings', api: 'embeddings', operation: 'embeddings' },
] as const;

const DEPLOYMENT = /\/deployments\/([^/]+)\//;

function parseRequest(method: string, path: string, body: unknown): ModelCall | undefined {
  if (method !== 'POST') return undefined;
  const route = pathOnly(path);
  const endpoint = ENDPOINTS.find((candidate) => route.endsWith(candidate.suffix));
  if (!endpoint) return undefined;
  const request = isObject(body) ? body : {};
  const stream = request.stream === true;
  const call: ModelCall = {
    operation: endpoint.operation,
    model: str(request, 'model') ?? deploymentOf(route),
    stream,
    parameters: parameters(request),
    toolDefinitions: Array.isArray(request.tools) ? request.tools : undefined,
    systemInstructions: undefined,
    inputMessages: [],
    streamWithoutUsage: false,
  };
  switch (endpoint.api) {
    case 'chat':
      call.inputMessages = objects(request, 'messages').map(chatMessage);
      if (!call.toolDefinitions && Array.isArray(request.functions)) call.toolDefinitions = request.functions;
      call.streamWithoutUsage = stream && !includesUsage(request);
      break;
    case 'completions':
      call.inputMessages = promptMessages(request.prompt);
      call.streamWithoutUsage = stream && !includesUsage(request);
      break;
    case 'responses': {
      const instructions = nonEmpty(request, 'instructions');
      call.systemInstructions = instructions === undefined ? undefined : [{ type: 'text', content: instructions }];
      call.inputMessages = responsesInput(request.input);
      break;
    }
    case 'embeddings':
      // Embedding inputs are documents, not a conversation: OTel records no messages for them.
      break;
  }
  return call;
}

/** Azure's deployment name stands for the model when the body names none. */
function deploymentOf(path: string): string | undefined {
  const name = DEPLOYMENT.exec(path)?.[1];
  return name === undefined ? undefined : decodeUriOrKeep(name);
}

function includesUsage(request: JsonObject): boolean {
  const options = obj(request, 'stream_options');
  return options?.include_usage === true;
}

function parameters(request: JsonObject): RequestParameters {
  return definedOnly({
    temperature: num(request, 'temperature'),
    topP: num(request, 'top_p'),
    maxTokens: num(request, 'max_completion_tokens') ?? num(request, 'max_tokens') ?? num(request, 'max_output_tokens'),
    frequencyPenalty: num(request, 'frequency_penalty'),
    presencePenalty: num(request, 'presence_penalty'),
    seed: num(request, 'seed'),
    stopSequences: stringList(request.stop),
    choiceCount: num(request, 'n'),
  });
}

function chatMessage(message: JsonObject): GenAiMessage {
  const role = str(message, 'role') ?? 'user';
  if (role === 'tool' || role === 'function') {
    const id = str(message, 'tool_call_id');
    return { role: 'tool', parts: [{ type: 'tool_call_response', id, response: responseOf(message.content) }] };
  }
  const parts: GenAiPart[] = [];
  const reasoning = nonEmpty(message, 'reasoning_content') ?? nonEmpty(message, 'reasoning');
  if (reasoning !== undefined) parts.push({ type: 'reasoning', content: reasoning });
  parts.push(...contentParts(message.content));
  for (const call of objects(message, 'tool_calls')) {
    const fn = obj(call, 'function') ?? {};
    parts.push(toolCallPart(str(call, 'id'), str(fn, 'name'), fn.arguments));
  }
  const legacyCall = obj(message, 'function_call');
  if (legacyCall) parts.push(toolCallPart(undefined, str(legacyCall, 'name'), legacyCall.arguments));
  return { role, parts };
}

function toolCallPart(id: string | undefined, name: string | undefined, args: unknown): GenAiPart {
  return { type: 'tool_call', id, name: name ?? '', arguments: parsedArguments(args) };
}

/** A tool's answer: its text when it is text parts, else what was sent. */
function responseOf(content: unknown): unknown {
  if (!Array.isArray(content)) return content;
  const texts = content.filter(isObject).map((part) => str(part, 'text'));
  return texts.every((text) => text !== undefined) ? texts.join('') : content;
}

/** Message content: a string, or the parts of chat completions (`text`, `image_url`) or Responses (`input_text`). */
function contentParts(content: unknown): GenAiPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: GenAiPart[] = [];
  for (const part of content) {
    if (!isObject(part)) continue;
    const converted = contentPart(part);
    if (converted) parts.push(converted);
  }
  return parts;
}

function contentPart(part: JsonObject): GenAiPart | undefined {
  switch (str(part, 'type')) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const content = str(part, 'text');
      return content === undefined ? undefined : { type: 'text', content };
    }
    case 'refusal': {
      const content = str(part, 'refusal');
      return content === undefined ? undefined : { type: 'text', content };
    }
    case 'image_url': {
      const url = str(obj(part, 'image_url') ?? {}, 'url');
      return url === undefined ? undefined : mediaPart(url);
    }
    case 'input_image': {
      const url = str(part, 'image_url');
      return url === undefined ? { type: 'blob', modality: 'image' } : mediaPart(url);
    }
    case 'input_audio': {
      const format = str(obj(part, 'input_audio') ?? {}, 'format');
      return { type: 'blob', modality: 'audio', mime_type: format === undefined ? undefined : `audio/${format}` };
    }
    default:
      return undefined;
  }
}

const DATA_URL = /^data:([^;,]+)/;

/** An image given by URL: a `data:` URL is the image itself (a blob), any other a link to it. */
function mediaPart(url: string): GenAiPart {
  const mime = DATA_URL.exec(url)?.[1];
  if (url.startsWith('data:')) return { type: 'blob', modality: modalityOf(mime, 'image'), mime_type: mime };
  return { type: 'uri', modality: 'image' };
}

function promptMessages(prompt: unknown): GenAiMessage[] {
  const prompts = stringList(prompt) ?? [];
  return prompts.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] }));
}

/** The Responses API's `input`: a string, or items (messages, function calls and their outputs, reasoning). */
function responsesInput(input: unknown): GenAiMessage[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return [];
  const messages: GenAiMessage[] = [];
  for (const item of input) {
    if (!isObject(item)) continue;
    switch (str(item, 'type')) {
      case 'function_call':
        messages.push({
          role: 'assistant',
          parts: [toolCallPart(str(item, 'call_id'), str(item, 'name'), item.arguments)],
        });
        break;
      case 'function_call_output':
        messages.push({
          role: 'tool',
          parts: [{ type: 'tool_call_response', id: str(item, 'call_id'), response: responseOf(item.output) }],
        });
        break;
      case 'reasoning':
        messages.push({
          role: 'assistant',
          parts: reasoningTexts(item).map((content) => ({ type: 'reasoning', content })),
        });
        break;
      default:
        if (item.role !== undefined)
          messages.push({ role: str(item, 'role') ?? 'user', parts: contentParts(item.content) });
    }
  }
  return messages;
}

/** OpenAI's error types: `invalid_request_error` for what the client sent, `server_error` for the rest. */
function errorBody(status: number, message: string): string {
  const type = status >= 400 && status < 500 ? 'invalid_request_error' : 'server_error';
  return JSON.stringify({ error: { message, type, param: null, code: null } });
}

export const openai: ProviderWire = {
  id: 'openai',
  providerName: 'openai',
  defaultUpstream: 'https://api.openai.com/v1',
  upstreamPath: (path) => path,
  parseRequest,
  responseReader(_call, status, mediaType, sink) {
    if (!isSuccess(status)) return errorBodyReader(status, sink, readOpenAiError);
    const reader = new OpenAiReader(sink);
    if (mediaType.includes('event-stream')) return sseReader(jsonObjects((event) => reader.streamEvent(event)));
    return wholeBodyReader(jsonObjects((body) => reader.body(body)));
  },
  errorBody,
};

/**
 * A model request as the request its provider's API takes: OpenAI chat completions (also every OpenAI-compatible
 * server), Anthropic messages, Gemini generateContent and Ollama chat, always streamed so the gateway measures the
 * time to first token and the time per output token. The path is relative to the provider's base URL, as the gateway
 * serves it under `/{provider}` (core/gateway/providers/*.ts read these same bodies).
 */
import type { ProviderId } from '../gateway/wire';
import type { ModelRequest, RequestMessage, RequestParameters, RequestTool } from './modelRequest';

export interface WireRequest {
  provider: ProviderId;
  /** After the provider's base URL, with any query: `/chat/completions`. */
  path: string;
  body: Record<string, unknown>;
}

/** Anthropic requires `max_tokens`; this stands in when the recorded call named none. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

export function toWireRequest(request: ModelRequest): WireRequest {
  switch (request.provider) {
    case 'openai':
      return { provider: 'openai', path: '/chat/completions', body: openAiBody(request) };
    case 'anthropic':
      return { provider: 'anthropic', path: '/v1/messages', body: anthropicBody(request) };
    case 'gemini': {
      const path = `/v1beta/models/${encodeURIComponent(request.model)}:streamGenerateContent?alt=sse`;
      return { provider: 'gemini', path, body: geminiBody(request) };
    }
    case 'ollama':
      return { provider: 'ollama', path: '/api/chat', body: ollamaBody(request) };
  }
}

/** Only the keys whose value is set, so the body says no more than the request did. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const nonEmpty = <T>(items: readonly T[]): T[] | undefined => (items.length === 0 ? undefined : [...items]);

/** Arguments are JSON text in the request; APIs other than OpenAI's take them as an object. */
function argumentsObject(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text === '' ? {} : { input: text };
  }
}

function openAiTools(tools: readonly RequestTool[]): unknown[] | undefined {
  return nonEmpty(tools.map((tool) => ({ type: 'function', function: defined({ ...tool }) })));
}

function openAiMessage(message: RequestMessage): Record<string, unknown> {
  const toolCalls = message.tool_calls?.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  return defined({
    role: message.role,
    content: message.content === '' && toolCalls !== undefined ? null : message.content,
    tool_calls: toolCalls,
    tool_call_id: message.tool_call_id,
  });
}

function openAiBody({ model, messages, parameters, tools }: ModelRequest): Record<string, unknown> {
  return defined({
    model,
    messages: messages.map(openAiMessage),
    tools: openAiTools(tools),
    ...parameters,
    stream: true,
    // Usage comes in a last chunk only when asked for: without it the tokens would be estimates.
    stream_options: { include_usage: true },
  });
}

function anthropicContent(message: RequestMessage): unknown[] {
  if (message.role === 'tool') {
    return [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: message.content }];
  }
  const text = message.content === '' ? [] : [{ type: 'text', text: message.content }];
  const calls = (message.tool_calls ?? []).map((call) => ({
    type: 'tool_use',
    id: call.id,
    name: call.name,
    input: argumentsObject(call.arguments),
  }));
  return [...text, ...calls];
}

function anthropicBody({ model, messages, parameters, tools }: ModelRequest): Record<string, unknown> {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  // Tool results are user turns in Anthropic's API.
  const turns = messages
    .filter((message) => message.role !== 'system')
    .map((message) => ({
      role: message.role === 'assistant' ? 'assistant' : 'user',
      content: anthropicContent(message),
    }));
  return defined({
    model,
    system: nonEmpty(system)?.join('\n\n'),
    messages: turns,
    tools: nonEmpty(
      tools.map(({ name, description, parameters: schema }) =>
        defined({ name, description, input_schema: schema ?? { type: 'object' } }),
      ),
    ),
    max_tokens: parameters.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    temperature: parameters.temperature,
    top_p: parameters.top_p,
    top_k: parameters.top_k,
    stop_sequences: parameters.stop,
    stream: true,
  });
}

/** Gemini names a tool result by the function it answers: the name of the call with that id, earlier on. */
function geminiParts(message: RequestMessage, callNames: ReadonlyMap<string, string>): unknown[] {
  if (message.role === 'tool') {
    const name = (message.tool_call_id && callNames.get(message.tool_call_id)) ?? 'tool';
    return [{ functionResponse: { name, response: { result: argumentsObject(message.content) } } }];
  }
  const text = message.content === '' ? [] : [{ text: message.content }];
  const calls = (message.tool_calls ?? []).map((call) => ({
    functionCall: { name: call.name, args: argumentsObject(call.arguments) },
  }));
  return [...text, ...calls];
}

function geminiBody({ messages, parameters, tools }: ModelRequest): Record<string, unknown> {
  const callNames = new Map<string, string>();
  for (const call of messages.flatMap((message) => message.tool_calls ?? [])) {
    if (call.id !== undefined) callNames.set(call.id, call.name);
  }
  const system = messages.filter((message) => message.role === 'system');
  return defined({
    systemInstruction:
      system.length === 0 ? undefined : { parts: system.map((message) => ({ text: message.content })) },
    contents: messages
      .filter((message) => message.role !== 'system')
      .map((message) => ({
        role: message.role === 'assistant' ? 'model' : 'user',
        parts: geminiParts(message, callNames),
      })),
    tools: tools.length === 0 ? undefined : [{ functionDeclarations: tools.map((tool) => defined({ ...tool })) }],
    generationConfig: nonEmptyObject(
      defined({
        temperature: parameters.temperature,
        topP: parameters.top_p,
        topK: parameters.top_k,
        maxOutputTokens: parameters.max_tokens,
        frequencyPenalty: parameters.frequency_penalty,
        presencePenalty: parameters.presence_penalty,
        seed: parameters.seed,
        stopSequences: parameters.stop,
      }),
    ),
  });
}

function ollamaBody({ model, messages, parameters, tools }: ModelRequest): Record<string, unknown> {
  return defined({
    model,
    messages: messages.map((message) =>
      defined({
        role: message.role,
        content: message.content,
        tool_calls: message.tool_calls?.map((call) => ({
          function: { name: call.name, arguments: argumentsObject(call.arguments) },
        })),
      }),
    ),
    tools: openAiTools(tools),
    options: nonEmptyObject(ollamaOptions(parameters)),
    stream: true,
  });
}

function ollamaOptions(parameters: RequestParameters): Record<string, unknown> {
  return defined({
    temperature: parameters.temperature,
    top_p: parameters.top_p,
    top_k: parameters.top_k,
    num_predict: parameters.max_tokens,
    frequency_penalty: parameters.frequency_penalty,
    presence_penalty: parameters.presence_penalty,
    seed: parameters.seed,
    stop: parameters.stop,
  });
}

function nonEmptyObject(object: Record<string, unknown>): Record<string, unknown> | undefined {
  return Object.keys(object).length === 0 ? undefined : object;
}

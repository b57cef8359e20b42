/**
 * What the gateway needs from each provider's wire format, and what a provider's reader reports back. A provider
 * (providers/*.ts) reads a request body into a `ModelCall`, and reads the response, chunk by chunk as it streams, into
 * a `ResponseSink`; the gateway times the sink's calls (meter.ts) and turns the result into a GenAI span (callSpan.ts).
 * Readers never see headers or query strings, so API keys cannot reach a span.
 */

/** The providers the gateway routes, each under its own base path (`/openai`, …). */
export const PROVIDER_IDS = ['openai', 'anthropic', 'gemini', 'ollama'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** A message in the OTel GenAI JSON form (`gen_ai.input.messages`, `gen_ai.output.messages`). */
export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  /** Output messages only. */
  finish_reason?: string;
}

export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: 'blob' | 'uri'; modality: string; mime_type?: string };

/** Request parameters recorded as `gen_ai.request.*`. */
export interface RequestParameters {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  seed?: number;
  stopSequences?: string[];
  choiceCount?: number;
}

/** What a request asks for, read from its path and JSON body. */
export interface ModelCall {
  /** `gen_ai.operation.name`: `chat`, `text_completion`, `embeddings`, `generate_content`. */
  operation: string;
  model: string | undefined;
  /** The client asked for a stream (SSE or NDJSON). */
  stream: boolean;
  parameters: RequestParameters;
  /** The tools offered, as the request sent them. */
  toolDefinitions: unknown[] | undefined;
  /** System prompt parts, when the API keeps them apart from the messages (Anthropic `system`, Gemini). */
  systemInstructions: GenAiPart[] | undefined;
  inputMessages: GenAiMessage[];
  /** OpenAI only: a stream that will carry no usage chunk (no `stream_options.include_usage`), so tokens are counted. */
  streamWithoutUsage: boolean;
}

/** Token counts as the provider reports them; OTel's meaning: input includes cached tokens, output includes reasoning. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/**
 * What a response reader reports. Calls come in wire order, each as soon as its bytes arrived: the meter takes the
 * time of the first content call as the first token.
 */
export interface ResponseSink {
  /** Visible text of choice `choice` (OpenAI `n`); empty deltas and role-only chunks are not reported. */
  text(delta: string, choice?: number): void;
  /** Reasoning ("thinking") text: content for TTFT, not visible text. */
  reasoning(delta: string, choice?: number): void;
  /** A piece of tool call `index` of a choice: its id and name when first seen, then argument text. */
  toolCall(index: number, piece: { id?: string; name?: string; argumentsDelta?: string }, choice?: number): void;
  /** Usage as reported; fields given override earlier ones (Anthropic sends input first, output last). */
  usage(usage: Usage): void;
  responseModel(model: string): void;
  responseId(id: string): void;
  /** A choice's finish reason, in the provider's words (`stop`, `end_turn`, `STOP`, `length`). */
  finishReason(reason: string, choice?: number): void;
  /** An error the provider reported inside a 200 stream (Anthropic `event: error`, an OpenAI `error` chunk). */
  error(type: string, message: string): void;
}

/** Reads one response body, chunk by chunk, into a sink; `end` is called once, after the last byte. */
export interface ResponseReader {
  push(chunk: Uint8Array): void;
  end(): void;
}

export interface ProviderWire {
  readonly id: ProviderId;
  /** `gen_ai.provider.name`. */
  readonly providerName: string;
  /** The upstream used unless a setting or environment variable names another. */
  readonly defaultUpstream: string;
  /**
   * The upstream path for what followed the base path: the path itself, unless clients of one base-URL variable
   * disagree on what it holds (the AI SDK's Anthropic provider takes `ANTHROPIC_BASE_URL` to end in `/v1`, Anthropic's
   * own SDK does not). `parseRequest` reads the path this returns.
   */
  upstreamPath(path: string): string;
  /**
   * The call a request makes: `path` is what follows the base path (`/chat/completions`), `body` the parsed JSON
   * body (undefined when there is none or it is not JSON). Undefined for anything that is not a model call (model
   * lists, files, batches): those pass through unrecorded.
   */
  parseRequest(method: string, path: string, body: unknown): ModelCall | undefined;
  /** A reader for the response to `call`, given its status and media type (`text/event-stream`, JSON, NDJSON). */
  responseReader(call: ModelCall, status: number, mediaType: string, sink: ResponseSink): ResponseReader;
  /** An error body in the provider's own JSON shape, for errors the gateway itself answers (502, 413). */
  errorBody(status: number, message: string): string;
}

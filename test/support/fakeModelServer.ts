/**
 * A fake OpenAI-compatible model server for the producer tests: real instrumentation libraries call it through the
 * real `openai` client (or LangChain, the Vercel ai SDK), so its answers, usage numbers and timings are the known
 * values the tests compare with what the receiver stored.
 *
 * `POST /v1/chat/completions`, streaming (SSE `data:` chunks, a usage chunk when `stream_options.include_usage` is
 * set, `data: [DONE]`) or not; when tools are offered and the conversation has no tool result yet it calls a tool,
 * otherwise it answers with text. `POST /v1/embeddings`. Failures are injected by call number or by a marker in the
 * prompt, with an OpenAI-style error body. Every request is recorded.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
  /** Reported as `prompt_tokens_details.cached_tokens`; included in `promptTokens`, as OpenAI counts it. */
  cachedTokens: number;
}

export interface FakeToolCall {
  name: string;
  /** The JSON text of the arguments, as the model would produce it. */
  arguments: string;
}

export interface FakeFailure {
  /** 1-based number of the call (over chat and embeddings) that fails. */
  call?: number;
  /** Fails every call whose request body contains this text. */
  marker?: string;
  status: 400 | 500;
  message: string;
}

export interface FakeModelServerOptions {
  usage?: FakeUsage;
  /** The model named in chat responses (a dated version, as OpenAI answers); the request's model when unset. Embeddings always echo the request's model. */
  responseModel?: string;
  /** The text answer, streamed as `chunkCount` pieces. */
  answer?: string;
  /** Scripted answers, one per chat call in turn (cycling); `answer` when empty. */
  answers?: string[];
  chunkCount?: number;
  toolCall?: FakeToolCall;
  /** Milliseconds before the first streamed chunk (or before a non-streaming response). */
  firstChunkDelayMs?: number;
  /** Milliseconds between streamed chunks. */
  chunkDelayMs?: number;
  embeddingDimensions?: number;
  failures?: FakeFailure[];
}

export interface RecordedRequest {
  /** 1-based, over every request the server answered. */
  call: number;
  path: string;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export const DEFAULT_USAGE: FakeUsage = { promptTokens: 57, completionTokens: 23, cachedTokens: 16 };
export const DEFAULT_ANSWER = 'The capital of France is Paris.';
export const DEFAULT_TOOL_CALL: FakeToolCall = { name: 'get_weather', arguments: '{"city":"Paris"}' };

interface ChatMessage {
  role?: string;
  content?: unknown;
}

export class FakeModelServer {
  readonly requests: RecordedRequest[] = [];
  readonly options: Required<FakeModelServerOptions>;
  private server: http.Server | undefined;
  private boundPort = 0;
  private created = 1_760_000_000;

  constructor(options: FakeModelServerOptions = {}) {
    this.options = {
      usage: DEFAULT_USAGE,
      responseModel: '',
      answer: DEFAULT_ANSWER,
      answers: [],
      chunkCount: 4,
      toolCall: DEFAULT_TOOL_CALL,
      firstChunkDelayMs: 0,
      chunkDelayMs: 0,
      embeddingDimensions: 8,
      failures: [],
      ...options,
    };
  }

  /** The base URL the `openai` client takes (`baseURL`), ending in `/v1`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.boundPort}/v1`;
  }

  async start(): Promise<string> {
    const server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendError(response, 500, `fake model server: ${String(error)}`, 'server_error');
        else response.destroy();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0]!;
    const text = await readText(request);
    if (request.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/embeddings')) {
      sendError(response, 404, `No route ${request.method} ${path}`, 'invalid_request_error');
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      sendError(response, 400, 'The request body is not JSON.', 'invalid_request_error');
      return;
    }
    const call = this.requests.length + 1;
    this.requests.push({ call, path, body, headers: request.headers });
    const failure = this.options.failures.find(
      (candidate) => candidate.call === call || (candidate.marker !== undefined && text.includes(candidate.marker)),
    );
    if (failure) {
      await sleep(this.options.firstChunkDelayMs);
      const type = failure.status === 400 ? 'invalid_request_error' : 'server_error';
      sendError(response, failure.status, failure.message, type);
      return;
    }
    if (path === '/v1/embeddings') this.embed(body, response);
    else if (body.stream === true) await this.streamChat(body, response);
    else {
      await sleep(this.options.firstChunkDelayMs);
      this.chat(body, response);
    }
  }

  /** The text answer of call `call` (1-based). */
  private answerFor(call: number): string {
    const { answers, answer } = this.options;
    return answers.length === 0 ? answer : answers[(call - 1) % answers.length]!;
  }

  private modelOf(body: Record<string, unknown>): string {
    return this.options.responseModel || String(body.model);
  }

  /** A tool call when tools are offered and no tool result is in the conversation yet. */
  private wantsToolCall(body: Record<string, unknown>): boolean {
    const tools = body.tools;
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    return Array.isArray(tools) && tools.length > 0 && !messages.some((message) => message.role === 'tool');
  }

  private usageJson(): Record<string, unknown> {
    const { promptTokens, completionTokens, cachedTokens } = this.options.usage;
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
  }

  private completionId(call: number): string {
    return `chatcmpl-fake-${call}`;
  }

  private chat(body: Record<string, unknown>, response: http.ServerResponse): void {
    const call = this.requests.length;
    const toolCall = this.wantsToolCall(body);
    const message = toolCall
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: `call_fake_${call}`,
              type: 'function',
              function: { name: this.options.toolCall.name, arguments: this.options.toolCall.arguments },
            },
          ],
        }
      : { role: 'assistant', content: this.answerFor(call) };
    sendJson(response, 200, {
      id: this.completionId(call),
      object: 'chat.completion',
      created: this.created,
      model: this.modelOf(body),
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCall ? 'tool_calls' : 'stop' }],
      usage: this.usageJson(),
    });
  }

  private async streamChat(body: Record<string, unknown>, response: http.ServerResponse): Promise<void> {
    const call = this.requests.length;
    const model = this.modelOf(body);
    const base = { id: this.completionId(call), object: 'chat.completion.chunk', created: this.created, model };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    });
    const toolCall = this.wantsToolCall(body);
    const events: object[] = [];
    if (toolCall) {
      const { name, arguments: args } = this.options.toolCall;
      const half = Math.ceil(args.length / 2);
      events.push(
        chunk(
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                index: 0,
                id: `call_fake_${call}`,
                type: 'function',
                function: { name, arguments: args.slice(0, half) },
              },
            ],
          },
          null,
        ),
        chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }, null),
        chunk({}, 'tool_calls'),
      );
    } else {
      events.push(chunk({ role: 'assistant', content: '' }, null));
      for (const piece of splitInto(this.answerFor(call), this.options.chunkCount)) {
        events.push(chunk({ content: piece }, null));
      }
      events.push(chunk({}, 'stop'));
    }
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage) events.push({ ...base, choices: [], usage: this.usageJson() });

    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.flushHeaders();
    await sleep(this.options.firstChunkDelayMs);
    for (const [index, event] of events.entries()) {
      // The role chunk and the first content piece arrive together, as real servers send them.
      if (index > 1) await sleep(this.options.chunkDelayMs);
      response.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    response.end('data: [DONE]\n\n');
  }

  private embed(body: Record<string, unknown>, response: http.ServerResponse): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dimensions = this.options.embeddingDimensions;
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((_, index) => {
      const vector = Array.from({ length: dimensions }, (__, position) => (index + 1) / (position + 2));
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const { promptTokens } = this.options.usage;
    sendJson(response, 200, {
      object: 'list',
      data,
      model: String(body.model),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }
}

/** `text` cut into `count` consecutive pieces (fewer when the text is shorter). */
export function splitInto(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** Waits `ms` milliseconds (none for 0), as the fake servers pace their answers. */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** A request's whole body as text. */
export function readText(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', reject);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function sendJson(response: http.ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendError(response: http.ServerResponse, status: number, message: string, type: string): void {
  sendJson(response, status, { error: { message, type, param: null, code: null } });
}

/**
 * What a fake upstream answers (the script), what it records of each request, and the timed writer every provider's
 * stream goes through. Kept apart from the providers' wire formats so each provider file is only its format.
 *
 * Timing: frames before the first content (OpenAI's role chunk, Anthropic's message_start and ping, the Responses
 * API's response.created) go out at once with the headers; content chunk i (0-based) goes out at
 * `firstChunkDelayMs + i * chunkIntervalMs`; closing frames (finish reason, usage, `[DONE]`) ride with the last content
 * chunk. So a gateway that took a role-only chunk for the first token would see a TTFT near 0, not the delay.
 */
import type * as http from 'node:http';
import { sleep } from '../fakeModelServer';

/** Token counts in OpenTelemetry's sense: input includes cached tokens, output includes reasoning tokens. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** The arguments as JSON text, as a model writes them. */
  arguments: string;
}

export type FakeErrorStatus = 400 | 401 | 429 | 500;

export interface FakeScript {
  /** The visible text, streamed as `chunkCount` content chunks; empty for a tool call alone. */
  answer: string;
  chunkCount: number;
  firstChunkDelayMs: number;
  chunkIntervalMs: number;
  /** Reported in each provider's fields (see the provider files); an OpenAI chat stream reports it only when asked. */
  usage: FakeUsage;
  /** Reasoning ("thinking") chunks, each one content chunk, streamed before the text. */
  reasoning: string[];
  /** A tool call after the text: an opening chunk (id, name) and `chunkCount` argument pieces where the format streams arguments. */
  toolCall: FakeToolCall | undefined;
  /** Answer with this error status, the provider's error body and headers, instead of a model answer. */
  status: FakeErrorStatus | undefined;
  errorMessage: string;
  /** Sent as `retry-after` with a 429. */
  retryAfterSeconds: number;
  /** Destroy the socket once this many content chunks were written (non-streaming: after half the body). */
  dieAfterChunks: number | undefined;
  /** The model named in answers; the request's model when unset. */
  responseModel: string | undefined;
  embeddingDimensions: number;
}

export const DEFAULT_SCRIPT: FakeScript = {
  answer: 'The capital of France is Paris, a city on the Seine known for the Eiffel Tower, the Louvre and its cafés.',
  chunkCount: 6,
  firstChunkDelayMs: 0,
  chunkIntervalMs: 0,
  usage: { inputTokens: 42, outputTokens: 27, cacheReadTokens: 8, cacheWriteTokens: 4, reasoningTokens: 0 },
  reasoning: [],
  toolCall: undefined,
  status: undefined,
  errorMessage: 'The fake upstream refuses this request.',
  retryAfterSeconds: 7,
  dieAfterChunks: undefined,
  responseModel: undefined,
  embeddingDimensions: 8,
};

export type FakeProviderId = 'openai' | 'anthropic' | 'gemini' | 'ollama';

/** How the exchange ended: answered in full, the client went away first, or the fake cut it (`dieAfterChunks`). */
export type FakeOutcome = 'pending' | 'completed' | 'client-closed' | 'died';

export interface RecordedRequest {
  provider: FakeProviderId;
  method: string;
  /** The path relative to the provider's base URL: `/chat/completions`, `/v1/messages`, `/api/chat`. */
  path: string;
  query: Record<string, string>;
  /** As received (lower-case names), API key headers included, so tests can check what was passed through. */
  headers: http.IncomingHttpHeaders;
  bodyText: string;
  /** The parsed JSON body; undefined when it is empty or not JSON. */
  body: unknown;
  /** `performance.timeOrigin + performance.now()` when the request's body had arrived. */
  receivedAtMs: number;
  /** 0 until the answer's headers are written. */
  status: number;
  /** The answer's body as written so far, one buffer per write (a chunk of a stream goes out in one write). */
  readonly responseChunks: Buffer[];
  /** The chunks joined. */
  readonly responseBody: Buffer;
  outcome: FakeOutcome;
}

/** Collects a stream's frames into the chunks written at each moment (see the header comment for the timing). */
export class Frames {
  private readonly timed: string[] = [];
  private prelude = '';
  private pending = '';

  /** A frame that carries no content: it goes out with the next content chunk (or at once, before any). */
  frame(text: string): void {
    if (this.timed.length === 0) this.prelude += text;
    else this.pending += text;
  }

  /** A content chunk, with any frames pushed since the previous one before it. */
  content(text: string): void {
    this.timed.push(this.pending + text);
    this.pending = '';
  }

  /** The frames written at once, then the content chunks; frames after the last content ride with it. */
  plan(): { prelude: string; chunks: string[] } {
    const chunks = [...this.timed];
    if (chunks.length === 0) return { prelude: '', chunks: [this.prelude + this.pending] };
    chunks[chunks.length - 1] += this.pending;
    return { prelude: this.prelude, chunks };
  }
}

/** Writes one answer and keeps the recorded request's status, body bytes and outcome up to date. */
export class Reply {
  private clientClosed = false;
  /** Settles once the last write reached the socket: a death must not take written chunks with it. */
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly response: http.ServerResponse,
    readonly record: RecordedRequest,
    readonly script: FakeScript,
  ) {
    response.on('close', () => {
      if (!response.writableFinished && record.outcome === 'pending') {
        this.clientClosed = true;
        record.outcome = 'client-closed';
      }
    });
  }

  /** A whole (non-streamed) answer, after the first-chunk delay; cut halfway when the script says die. */
  async answer(body: unknown, headers: Record<string, string> = {}): Promise<void> {
    await sleep(this.script.firstChunkDelayMs);
    if (this.clientClosed) return;
    if (this.script.dieAfterChunks === undefined) return this.json(200, body, headers);
    const text = JSON.stringify(body);
    this.head(200, { 'content-type': 'application/json', ...headers });
    this.write(text.slice(0, text.length >> 1));
    await this.die();
  }

  /** A JSON body at once: errors, and `answer` after its delay. */
  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.head(status, { 'content-type': 'application/json', ...headers });
    this.write(JSON.stringify(body));
    this.finish();
  }

  /** Streams the frames on the script's timing; stops early when the client goes away or `dieAfterChunks` is reached. */
  async stream(contentType: string, frames: Frames, headers: Record<string, string> = {}): Promise<void> {
    const { prelude, chunks } = frames.plan();
    const { firstChunkDelayMs, chunkIntervalMs, dieAfterChunks } = this.script;
    this.head(200, { 'content-type': contentType, 'cache-control': 'no-cache', ...headers });
    if (prelude) this.write(prelude);
    this.response.flushHeaders();
    for (const [index, chunk] of chunks.entries()) {
      if (index === dieAfterChunks) return this.die();
      await sleep(index === 0 ? firstChunkDelayMs : chunkIntervalMs);
      if (this.clientClosed) return;
      this.write(chunk);
    }
    if (dieAfterChunks !== undefined && dieAfterChunks >= chunks.length) return this.die();
    this.finish();
  }

  private head(status: number, headers: Record<string, string>): void {
    this.record.status = status;
    this.response.writeHead(status, headers);
  }

  private write(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.record.responseChunks.push(bytes);
    this.lastWrite = new Promise((resolve) => this.response.write(bytes, () => resolve()));
  }

  private finish(): void {
    this.record.outcome = 'completed';
    this.response.end();
  }

  /** Cuts the connection mid-answer, as an upstream that crashes does: the chunked body never ends. */
  private async die(): Promise<void> {
    this.record.outcome = 'died';
    await this.lastWrite;
    this.response.socket?.destroy();
  }
}

/** `text` cut into `count` consecutive pieces (fewer when the text is shorter; none when it is empty). */
export function splitInto(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** The parsed body as an object, or an empty one, so handlers can read optional fields. */
export function bodyObject(record: RecordedRequest): Record<string, unknown> {
  const body = record.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A deterministic vector per input index, so the same request gets the same bytes. */
export function embeddingVector(index: number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, position) => (index + 1) / (position + 2));
}

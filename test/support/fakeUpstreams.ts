/**
 * Fake model upstreams on loopback for the gateway tests: one HTTP server answering the OpenAI, Anthropic, Gemini and
 * Ollama APIs in each provider's real wire format (test/support/upstreamFormats/*.ts), each under its own path prefix,
 * so real SDKs pointed at `baseUrl(provider)` (directly or through the gateway) parse the answers as they parse the
 * real services'. What it answers is a script (text, chunk timing, usage, reasoning, a tool call, an error status, a
 * mid-stream death); every request is recorded with its headers and body, so tests can check what reached the
 * upstream. The bytes of an answer depend only on the script and the request (no clock, no counter), so the same
 * request answered directly and through the gateway can be compared byte for byte.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { readText } from './fakeModelServer';
import { anthropicError, answerAnthropic } from './upstreamFormats/anthropic';
import { answerGemini, geminiError } from './upstreamFormats/gemini';
import { answerOllama, ollamaError } from './upstreamFormats/ollama';
import { answerOpenAi, openAiError } from './upstreamFormats/openai';
import {
  DEFAULT_SCRIPT,
  Reply,
  type FakeProviderId,
  type FakeScript,
  type RecordedRequest,
} from './upstreamFormats/script';

export {
  DEFAULT_SCRIPT,
  splitInto,
  type FakeErrorStatus,
  type FakeOutcome,
  type FakeProviderId,
  type FakeScript,
  type FakeToolCall,
  type FakeUsage,
  type RecordedRequest,
} from './upstreamFormats/script';

export interface FakeUpstreamsOptions extends Partial<FakeScript> {
  /** Changes to the script for one request (by provider, path or body), e.g. a tool call only while no tool result was sent. */
  scriptFor?: (request: RecordedRequest) => Partial<FakeScript> | undefined;
}

interface Provider {
  /** The path under the server that the provider's base URL ends with. */
  basePath: string;
  /** Answers a request to one of the provider's model routes; false for any other path. */
  answer(reply: Reply): Promise<boolean>;
  /** The provider's own error body and headers. */
  error(reply: Reply, status: number, message: string): void;
}

const PROVIDERS: Record<FakeProviderId, Provider> = {
  // The `openai` SDK's base URL ends in /v1, as https://api.openai.com/v1 does; the others' do not.
  openai: { basePath: '/openai/v1', answer: answerOpenAi, error: openAiError },
  anthropic: { basePath: '/anthropic', answer: answerAnthropic, error: anthropicError },
  gemini: { basePath: '/gemini', answer: answerGemini, error: geminiError },
  ollama: { basePath: '/ollama', answer: answerOllama, error: ollamaError },
};

/** The o200k_base (GPT-4o) token count of `text`: the true count a gateway's estimate is compared with. */
export function trueTokenCount(text: string): number {
  return countTokens(text);
}

export class FakeUpstreams {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** The answer for every request; tests may change it between calls. */
  script: FakeScript;
  private readonly scriptFor: FakeUpstreamsOptions['scriptFor'];
  private readonly server: http.Server;
  private readonly inFlight = new Set<Promise<void>>();
  private port = 0;

  constructor({ scriptFor, ...script }: FakeUpstreamsOptions = {}) {
    this.script = { ...DEFAULT_SCRIPT, ...script };
    this.scriptFor = scriptFor;
    this.server = http.createServer((request, response) => {
      const handled = this.handle(request, response).catch((error: unknown) => {
        if (response.headersSent) response.destroy();
        else response.writeHead(500, { 'content-type': 'text/plain' }).end(`fake upstream failed: ${String(error)}`);
      });
      this.inFlight.add(handled);
      void handled.finally(() => this.inFlight.delete(handled));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * What the provider's SDK takes as its base URL (and the gateway as its upstream): `…/openai/v1`, `…/anthropic`,
   * `…/gemini`, `…/ollama`.
   */
  baseUrl(provider: FakeProviderId): string {
    return `${this.origin}${PROVIDERS[provider].basePath}`;
  }

  /** The environment variables that point each SDK here (the `ollama` package takes OLLAMA_HOST through the apps). */
  sdkEnv(): Record<string, string> {
    return {
      OPENAI_BASE_URL: this.baseUrl('openai'),
      ANTHROPIC_BASE_URL: this.baseUrl('anthropic'),
      GOOGLE_GEMINI_BASE_URL: this.baseUrl('gemini'),
      OLLAMA_HOST: this.baseUrl('ollama'),
    };
  }

  /** The true token count of the scripted answer. */
  answerTokens(): number {
    return trueTokenCount(this.script.answer);
  }

  /** Resolves once every request received so far was answered, cut, or given up by its client. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const bodyText = await readText(request);
    const match = Object.entries(PROVIDERS).find(([, { basePath }]) => url.pathname.startsWith(`${basePath}/`));
    if (!match) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`No fake upstream under ${url.pathname}`);
      return;
    }
    const [id, provider] = match as [FakeProviderId, Provider];
    const responseChunks: Buffer[] = [];
    const record: RecordedRequest = {
      provider: id,
      method: request.method ?? 'GET',
      path: url.pathname.slice(provider.basePath.length),
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      bodyText,
      body: parseJson(bodyText),
      receivedAtMs: performance.timeOrigin + performance.now(),
      status: 0,
      responseChunks,
      // Joined only when read: a long stream would otherwise be copied once per chunk.
      get responseBody() {
        return Buffer.concat(responseChunks);
      },
      outcome: 'pending',
    };
    this.requests.push(record);
    const script = { ...this.script, ...this.scriptFor?.(record) };
    const reply = new Reply(response, record, script);
    if (script.status !== undefined) provider.error(reply, script.status, script.errorMessage);
    else if (!(await provider.answer(reply))) provider.error(reply, 404, `No route ${record.method} ${record.path}`);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

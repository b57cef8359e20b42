/**
 * The AI gateway: a local HTTP server that forwards model API requests (`/openai/…`, `/anthropic/…`, `/gemini/…`,
 * `/ollama/…`) to the real provider and records each call as a GenAI span, with the latency figures measured at the
 * wire. The client gets the upstream's status, headers (less hop-by-hop ones) and body bytes exactly as sent, each
 * chunk written as soon as it arrives; the provider's reader parses a copy of it on the side. Whatever happens to the
 * recording, the passthrough goes on: a reader that fails is dropped for that call and logged.
 *
 * Browsers are kept out (any `Origin` header, or a `Host` that is not this machine, gets 403), so a web page cannot
 * use the gateway or the user's keys through it.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Span } from '../model';
import { describeError } from '../../shared/errors';
import { isLoopbackHost } from '../endpoint';
import { NO_LOG, type ReceiverAddress, type ReceiverLog } from '../receiver/options';
import { callSpan, type CallOutcome, type EstimatedTokens } from './callSpan';
import { CallMeter } from './meter';
import type { GatewayOptions } from './options';
import { PROVIDERS } from './providers';
import { readableAcceptEncoding, ResponseTap } from './responseTap';
import { countPromptTokens, countTextTokens } from './tokenCount';
import { closeServer, listen, readLimited } from '../httpServer';
import { parseTraceparent } from './traceContext';
import { recordedRequestAttributes } from './recordedRequest';
import { endToEndHeaders, UpstreamAgents } from './upstream';
import { PROVIDER_IDS, type ModelCall, type ProviderId, type ProviderWire } from './wire';

/** Set by the upstream request itself. */
const REQUEST_HEADERS_SET_HERE = new Set(['host', 'content-length']);
const NO_HEADERS_OMITTED: ReadonlySet<string> = new Set();

interface Route {
  provider: ProviderWire;
  /** What follows the base path, without the query: `/chat/completions`. */
  path: string;
  upstream: URL;
}

export class AiGateway {
  private server: http.Server | undefined;
  private bound: ReceiverAddress | undefined;
  private readonly agents: UpstreamAgents;
  private readonly log: ReceiverLog;
  /** Calls still being recorded, so `stop()` can wait for their spans. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: GatewayOptions) {
    this.agents = new UpstreamAgents(options.proxy);
    this.log = options.log ?? NO_LOG;
  }

  get address(): ReceiverAddress | undefined {
    return this.bound;
  }

  /** Listens; rejects with the listen error (its `code`, e.g. EADDRINUSE, intact). */
  start(): Promise<ReceiverAddress> {
    if (this.server) return Promise.reject(new Error('The AI gateway is already started.'));
    const server = http.createServer((request, response) => this.track(request, response));
    this.server = server;
    const { host, port } = this.options;
    return listen(server, host, port, (error) => this.log.error(`AI gateway error: ${error.message}`)).then(
      (address) => (this.bound = address),
      (error: unknown) => {
        this.server = undefined;
        throw error;
      },
    );
  }

  /** Closes the listener and every connection (streams in progress end for their clients), then waits for spans. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.bound = undefined;
    await closeServer(server);
    await Promise.all(this.inFlight);
    this.agents.destroy();
  }

  /** Handles a request, and keeps it in `inFlight` until its span is delivered. */
  private track(request: http.IncomingMessage, response: http.ServerResponse): void {
    const handled = this.handle(request, response).catch((error: unknown) => {
      // A bug, not a failure of the call: the request fails, the gateway goes on serving.
      this.log.error(`${request.method} ${request.url?.split('?', 1)[0]}: ${describeError(error)}`);
      if (!response.headersSent) sendJson(response, 500, JSON.stringify({ error: { message: describeError(error) } }));
      else response.destroy();
    });
    this.inFlight.add(handled);
    void handled.finally(() => this.inFlight.delete(handled));
  }

  /** Every expected failure becomes a response or a log line. */
  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const startMs = performance.now();
    const startUnixNano = BigInt(Date.now()) * 1_000_000n;
    const [pathname = '/', query] = splitQuery(request.url ?? '/');
    const refusal = this.refusalOf(request);
    if (refusal !== undefined) {
      this.log.warn(`${request.method} ${pathname}: 403 ${refusal}`);
      sendJson(response, 403, JSON.stringify({ error: { message: refusal } }));
      return;
    }
    const route = this.route(pathname, query);
    if (route === undefined) {
      const bases = PROVIDER_IDS.map((id) => `/${id}`).join(', ');
      const message = `No provider at ${pathname}; the gateway serves ${bases}.`;
      sendJson(response, 404, JSON.stringify({ error: { message } }));
      return;
    }
    const { provider } = route;
    const declared = Number(request.headers['content-length']);
    if (declared > this.options.maxBodyBytes) {
      this.refuseTooLarge(request, response, provider, pathname);
      return;
    }
    let body: Buffer;
    try {
      const read = await readLimited(request, this.options.maxBodyBytes);
      if (read === undefined) {
        this.refuseTooLarge(request, response, provider, pathname);
        return;
      }
      body = read;
    } catch {
      this.log.warn(`${request.method} ${pathname}: the client closed the connection before sending its request`);
      return;
    }
    const call = this.modelCall(provider, request, route.path, body);
    const outcome = await this.forward(request, response, route, body, call, startMs);
    if (call !== undefined) {
      await this.record({ route, call, outcome, request, body, startMs, startUnixNano }).catch((error: unknown) => {
        this.log.error(`${request.method} ${pathname}: the call could not be recorded: ${describeError(error)}`);
      });
    }
  }

  /** Why a request is refused before anything else, or undefined when it may pass. */
  private refusalOf(request: http.IncomingMessage): string | undefined {
    if (request.headers.origin !== undefined) {
      return 'Requests from web pages (with an Origin header) are refused: the gateway serves programs on this machine.';
    }
    const host = hostnameOf(request.headers.host);
    if (host === undefined || !(isLoopbackHost(host) || host === this.bound?.host)) {
      return `Host ${request.headers.host ?? '(none)'} is refused: the gateway answers only to this machine's addresses.`;
    }
    return undefined;
  }

  private route(pathname: string, query: string | undefined): Route | undefined {
    const slash = pathname.indexOf('/', 1);
    const base = slash < 0 ? pathname.slice(1) : pathname.slice(1, slash);
    if (!(PROVIDER_IDS as readonly string[]).includes(base)) return undefined;
    const id = base as ProviderId;
    const provider = PROVIDERS[id];
    const path = provider.upstreamPath(slash < 0 ? '' : pathname.slice(slash));
    const upstreamBase = (this.options.upstreams[id] ?? provider.defaultUpstream).replace(/\/+$/, '');
    const upstream = new URL(upstreamBase + path + (query === undefined ? '' : `?${query}`));
    return { provider, path, upstream };
  }

  private modelCall(
    provider: ProviderWire,
    request: http.IncomingMessage,
    path: string,
    body: Buffer,
  ): ModelCall | undefined {
    let json: unknown;
    if (body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        json = undefined;
      }
    }
    try {
      return provider.parseRequest(request.method ?? 'GET', path, json);
    } catch (error) {
      this.log.warn(
        `${provider.id}${path}: the request could not be read, so it is passed on unrecorded: ${describeError(error)}`,
      );
      return undefined;
    }
  }

  /** Sends the request upstream and the response back; resolves once both sides are done with. */
  private forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    { provider, upstream }: Route,
    body: Buffer,
    call: ModelCall | undefined,
    startMs: number,
  ): Promise<{ outcome: CallOutcome; meter: CallMeter; endMs: number }> {
    const meter = new CallMeter(startMs);
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: CallOutcome, endMs = performance.now()) => {
        if (settled) return;
        settled = true;
        resolve({ outcome, meter, endMs });
      };
      const headers = endToEndHeaders(request.headers, REQUEST_HEADERS_SET_HERE);
      headers['content-length'] = body.length;
      const acceptEncoding =
        call === undefined ? undefined : readableAcceptEncoding(request.headers['accept-encoding']);
      if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
      const upstreamRequest = this.agents.request(upstream, { method: request.method, headers });
      let status: number | undefined;
      // The call ends when its last byte arrives, which the client may act on (and end its own span) before this
      // side's end-of-response handling runs.
      let lastByteMs: number | undefined;

      response.on('close', () => {
        if (response.writableFinished) return;
        upstreamRequest.destroy();
        const message = 'The client closed the connection before the answer ended.';
        settle({ status, failure: { type: 'client_disconnected', message } });
      });

      upstreamRequest.on('error', (error) => {
        if (settled) return;
        if (status !== undefined) return; // the response's own 'error'/'aborted' handling reports it
        const where = `${upstream.origin}${upstream.pathname}`;
        const message = `The AI gateway could not reach ${where}: ${describeError(error)}`;
        this.log.error(`${request.method} /${provider.id}: ${message}`);
        if (!response.headersSent) sendJson(response, 502, provider.errorBody(502, message));
        settle({ status: 502, failure: { type: 'upstream_unreachable', message } });
      });

      upstreamRequest.on('response', (upstreamResponse) => {
        status = upstreamResponse.statusCode ?? 502;
        response.writeHead(
          status,
          upstreamResponse.statusMessage,
          endToEndHeaders(upstreamResponse.headers, NO_HEADERS_OMITTED),
        );
        response.flushHeaders();
        const tap =
          call === undefined
            ? undefined
            : ResponseTap.open(provider, call, status, upstreamResponse.headers, meter, (problem) =>
                this.log.warn(
                  `${request.method} /${provider.id}${upstream.pathname}: ${problem}; the answer still passes`,
                ),
              );
        upstreamResponse.on('data', (chunk: Buffer) => {
          lastByteMs = performance.now();
          if (!response.write(chunk)) {
            upstreamResponse.pause();
            response.once('drain', () => upstreamResponse.resume());
          }
          tap?.push(chunk, lastByteMs);
        });
        upstreamResponse.on('end', () => {
          const endMs = lastByteMs ?? performance.now();
          tap?.end();
          response.end(() => settle({ status, failure: undefined }, endMs));
        });
        upstreamResponse.on('error', () => undefined);
        upstreamResponse.on('close', () => {
          if (upstreamResponse.complete || settled) return;
          // Fail the client the same way: its stream breaks off instead of ending cleanly.
          response.destroy();
          tap?.end();
          const message = 'The upstream closed the connection before the answer ended.';
          settle({ status, failure: { type: 'upstream_disconnected', message } });
        });
      });

      upstreamRequest.end(body);
    });
  }

  private async record(context: {
    route: Route;
    call: ModelCall;
    outcome: { outcome: CallOutcome; meter: CallMeter; endMs: number };
    request: http.IncomingMessage;
    body: Buffer;
    startMs: number;
    startUnixNano: bigint;
  }): Promise<void> {
    const { route, call, request, body, startMs, startUnixNano } = context;
    const { recordContent } = this.options;
    const { outcome, meter, endMs } = context.outcome;
    const estimated = await estimateTokens(call, meter, outcome);
    const span = callSpan({
      provider: route.provider,
      call,
      meter,
      outcome,
      startUnixNano,
      endUnixNano: startUnixNano + BigInt(Math.round((endMs - startMs) * 1e6)),
      endMs,
      upstream: route.upstream,
      userAgent: request.headers['user-agent'],
      parent: parseTraceparent(request.headers.traceparent),
      estimated,
      recordContent,
      recordedRequest: recordContent ? recordedRequestAttributes(route.path, route.upstream.search, body) : [],
    });
    this.deliver(span, route, outcome, endMs - startMs);
  }

  private deliver(span: Span, route: Route, outcome: CallOutcome, durationMs: number): void {
    this.options.onSpan(span);
    const status = outcome.status === undefined ? 'no response' : String(outcome.status);
    const failure = outcome.failure ? `, ${outcome.failure.type}` : '';
    this.log.info(
      `/${route.provider.id}${route.path} → ${status}${failure}: ${span.name}, ${Math.round(durationMs)} ms`,
    );
  }

  private refuseTooLarge(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    provider: ProviderWire,
    pathname: string,
  ): void {
    const message = `The request body is over the AI gateway's limit of ${this.options.maxBodyBytes} bytes (aiTraceLens.gateway.maxBodyBytes).`;
    this.log.warn(`${request.method} ${pathname}: 413 ${message}`);
    response.setHeader('Connection', 'close');
    sendJson(response, 413, provider.errorBody(413, message));
  }
}

/**
 * Counts what the provider did not report: an OpenAI-compatible stream without a usage chunk. Answers that failed
 * before their end are not counted: a partial count would read as the call's size.
 */
async function estimateTokens(call: ModelCall, meter: CallMeter, outcome: CallOutcome): Promise<EstimatedTokens> {
  const usage = meter.usageReported;
  const ok = outcome.status !== undefined && outcome.status < 400 && outcome.failure === undefined;
  if (!ok || !call.streamWithoutUsage) return {};
  const estimated: EstimatedTokens = {};
  if (usage.outputTokens === undefined) estimated.output = await countTextTokens(meter.outputText());
  if (usage.inputTokens === undefined) {
    estimated.input = await countPromptTokens(call.inputMessages, call.systemInstructions, call.toolDefinitions);
  }
  return estimated;
}

function splitQuery(url: string): [string, string | undefined] {
  const at = url.indexOf('?');
  return at < 0 ? [url, undefined] : [url.slice(0, at), url.slice(at + 1)];
}

/** `127.0.0.1:4319` → `127.0.0.1`, `[::1]:4319` → `::1`. */
function hostnameOf(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (header.startsWith('[')) {
    const close = header.indexOf(']');
    return close < 0 ? undefined : header.slice(1, close);
  }
  return header.split(':', 1)[0];
}

function sendJson(response: http.ServerResponse, status: number, body: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

/**
 * Forwarding to a team collector: every OTLP request the receivers accepted is sent on, byte for byte (still
 * compressed), to `{endpoint}/v1/{signal}` over OTLP/HTTP, as OTEL_EXPORTER_OTLP_ENDPOINT is used by SDKs.
 * Receiving must never wait for the collector, so `enqueue` only queues: a bounded queue drops its oldest request when
 * full, a few requests are in flight at a time, and retryable failures (network errors, 429, 502, 503, 504) wait in the
 * queue with exponential backoff or the collector's Retry-After. Failing and recovering are logged once per change, never
 * per request; header values (API keys) are never logged or exposed.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { describeError } from '../../shared/errors';
import { Debouncer } from '../debounce';
import { Emitter, type Event } from '../events';
import { NO_LOG, type ReceiverLog } from '../receiver/options';
import { backoffDelay, DEFAULT_BACKOFF, isRetryableStatus, parseRetryAfter, type BackoffPolicy } from './retry';

export type ForwardedSignal = 'traces' | 'logs' | 'metrics';

export interface ForwardedRequest {
  signal: ForwardedSignal;
  /** The body as received: compressed when `contentEncoding` says so. */
  body: Uint8Array;
  contentType: string;
  contentEncoding: string | undefined;
}

export interface ForwarderOptions {
  /** A base URL, like OTEL_EXPORTER_OTLP_ENDPOINT: `/v1/traces`, `/v1/logs` or `/v1/metrics` is appended. */
  endpoint: string;
  /** Sent with every request (e.g. an API key); their values are never logged. */
  headers: Readonly<Record<string, string>>;
  maxQueuedBytes?: number;
  maxQueuedRequests?: number;
  /** The wait between tries; tests shorten it. */
  backoff?: BackoffPolicy;
  /** A request without a response by then fails (and is retried). */
  requestTimeoutMs?: number;
  log?: ReceiverLog;
}

export interface ForwarderStats {
  forwarded: number;
  /** Requests that will never reach the collector: pushed out of a full queue, refused, or left at `stop()`. */
  dropped: number;
  /** Tries that failed in a way worth trying again. */
  retried: number;
  /** Requests not yet delivered: waiting in the queue or in flight. */
  queued: number;
  /** True from a retryable failure until the next delivery. */
  failing: boolean;
  lastError: string | undefined;
}

export const DEFAULT_MAX_QUEUED_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_QUEUED_REQUESTS = 1000;
export const DEFAULT_STOP_TIMEOUT_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Enough to keep a collector busy without competing with the receivers for this machine. */
const MAX_IN_FLIGHT = 2;
/** A burst of thousands of requests fires a few stats events, not thousands. */
const STATS_DELAY_MS = 250;

type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterMs: number | undefined }
  | { kind: 'refused'; status: number; reason: string };

interface Sending {
  request: ForwardedRequest;
  client: http.ClientRequest | undefined;
}

export class OtlpForwarder {
  /** Where requests go, without credentials or path details, for messages. */
  readonly target: string;
  readonly onDidChangeStats: Event<ForwarderStats>;

  private readonly urls: Readonly<Record<ForwardedSignal, URL>>;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly maxQueuedBytes: number;
  private readonly maxQueuedRequests: number;
  private readonly backoff: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly log: ReceiverLog;
  private readonly statsChanged = new Emitter<ForwarderStats>();
  private readonly statsDebouncer = new Debouncer(STATS_DELAY_MS, () => this.statsChanged.fire(this.stats));

  private readonly queue: ForwardedRequest[] = [];
  private queuedBytes = 0;
  private readonly sending = new Set<Sending>();
  private forwarded = 0;
  private dropped = 0;
  private retried = 0;
  private failing = false;
  private lastError: string | undefined;
  /** Consecutive retryable failures, for the backoff schedule. */
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private overflowReported = false;
  private readonly refusalsReported = new Set<number>();
  private readonly idleWaiters: Array<() => void> = [];

  /** Throws on an endpoint that is not an http(s) URL or an invalid header: configuration errors, found up front. */
  constructor(options: ForwarderOptions) {
    const base = URL.canParse(options.endpoint) ? new URL(options.endpoint) : undefined;
    if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
      throw new Error(`The forwarding endpoint must be an http or https URL, not "${options.endpoint}".`);
    }
    for (const [name, value] of Object.entries(options.headers)) {
      try {
        http.validateHeaderName(name);
        http.validateHeaderValue(name, value);
      } catch {
        throw new Error(`The forwarding header "${name}" has an invalid name or value.`);
      }
    }
    const basePath = base.pathname.replace(/\/+$/, '');
    this.target = `${base.origin}${basePath}`;
    const urlOf = (signal: ForwardedSignal) => {
      const url = new URL(base);
      url.pathname = `${basePath}/v1/${signal}`;
      url.hash = '';
      return url;
    };
    this.urls = { traces: urlOf('traces'), logs: urlOf('logs'), metrics: urlOf('metrics') };
    this.headers = { ...options.headers };
    this.transport = base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
    this.maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.maxQueuedRequests = options.maxQueuedRequests ?? DEFAULT_MAX_QUEUED_REQUESTS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.log = options.log ?? NO_LOG;
    this.onDidChangeStats = this.statsChanged.event;
  }

  get stats(): ForwarderStats {
    return {
      forwarded: this.forwarded,
      dropped: this.dropped,
      retried: this.retried,
      queued: this.queue.length + this.sending.size,
      failing: this.failing,
      lastError: this.lastError,
    };
  }

  /** Queues a request and returns at once; never throws. After `stop()`, the request is dropped and counted. */
  enqueue(request: ForwardedRequest): void {
    if (this.stopped) this.dropped++;
    else {
      this.queue.push(request);
      this.queuedBytes += request.body.length;
      this.enforceBounds();
      this.pump();
    }
    this.statsDebouncer.schedule();
  }

  /**
   * Stops taking requests and tries to deliver what is queued (a pending backoff is cut short) until the queue is
   * empty or `timeoutMs` has passed; whatever is left then, in flight included, is dropped and counted. The final stats
   * event fires before this resolves.
   */
  async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    this.stopped = true;
    this.clearRetryTimer();
    this.pump();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        this.notifyIfIdle();
      }),
      new Promise<void>((resolve) => (deadline = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(deadline);
    this.abandon();
    this.agent.destroy();
    this.statsDebouncer.schedule();
    this.statsDebouncer.flush();
  }

  /** Sends queued requests while there is room in flight and no backoff is pending. */
  private pump(): void {
    while (this.retryTimer === undefined && this.sending.size < MAX_IN_FLIGHT && this.queue.length > 0) {
      const request = this.queue.shift()!;
      this.queuedBytes -= request.body.length;
      void this.send(request);
    }
    this.notifyIfIdle();
  }

  private async send(request: ForwardedRequest): Promise<void> {
    const sending: Sending = { request, client: undefined };
    this.sending.add(sending);
    const outcome = await this.post(sending);
    // Gone from the set: `stop()` abandoned it and counted it already.
    if (!this.sending.delete(sending)) return;
    this.settle(request, outcome);
    this.statsDebouncer.schedule();
    this.pump();
  }

  /** One try; never rejects. */
  private post(sending: Sending): Promise<Outcome> {
    const { request } = sending;
    const headers: Record<string, string> = {
      ...this.headers,
      'Content-Type': request.contentType,
      'Content-Length': String(request.body.length),
    };
    if (request.contentEncoding !== undefined) headers['Content-Encoding'] = request.contentEncoding;
    return new Promise((resolve) => {
      const onResponse = (response: http.IncomingMessage) => {
        // Read and discard the body, so the keep-alive connection is reused.
        response.resume();
        const status = response.statusCode ?? 0;
        const reason = `${status} ${response.statusMessage ?? ''}`.trim();
        if (status >= 200 && status < 300) resolve({ kind: 'delivered' });
        else if (isRetryableStatus(status)) {
          const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
          resolve({ kind: 'retry', reason, retryAfterMs });
        } else resolve({ kind: 'refused', status, reason });
      };
      try {
        const options = { method: 'POST', agent: this.agent, headers, timeout: this.requestTimeoutMs };
        const client = this.transport.request(this.urls[request.signal], options, onResponse);
        sending.client = client;
        client.on('timeout', () => client.destroy(new Error(`no response within ${this.requestTimeoutMs} ms`)));
        client.on('error', (error) =>
          resolve({ kind: 'retry', reason: describeError(error), retryAfterMs: undefined }),
        );
        client.end(request.body);
      } catch (error) {
        resolve({ kind: 'refused', status: 0, reason: describeError(error) });
      }
    });
  }

  private settle(request: ForwardedRequest, outcome: Outcome): void {
    if (outcome.kind === 'delivered') {
      this.forwarded++;
      this.failures = 0;
      // The collector is taking requests again: no reason to wait out a backoff another request started.
      this.clearRetryTimer();
      if (this.failing) {
        this.failing = false;
        this.log.info(`forwarding to ${this.target} recovered`);
      }
    } else if (outcome.kind === 'retry') {
      this.retried++;
      this.lastError = outcome.reason;
      if (!this.failing) {
        this.failing = true;
        this.log.warn(`forwarding to ${this.target} failing: ${outcome.reason}; requests wait in the queue`);
      }
      this.queue.unshift(request);
      this.queuedBytes += request.body.length;
      this.enforceBounds();
      this.scheduleRetry(outcome.retryAfterMs);
    } else {
      this.dropped++;
      this.lastError = outcome.reason;
      // Once per status: a collector refusing every request (e.g. 401, a wrong API key) would flood the log otherwise.
      if (!this.refusalsReported.has(outcome.status)) {
        this.refusalsReported.add(outcome.status);
        this.log.warn(
          `forwarding to ${this.target}: ${request.signal} refused with ${outcome.reason}; dropped, not retried`,
        );
      }
    }
  }

  /** One backoff for all requests: while the collector fails, nothing is sent until it has passed. */
  private scheduleRetry(retryAfterMs: number | undefined): void {
    if (this.retryTimer !== undefined) return;
    this.failures++;
    const delay = retryAfterMs ?? backoffDelay(this.failures, this.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
    // Waiting to retry must not keep a process alive; `stop()` keeps it alive for its flush.
    this.retryTimer.unref();
  }

  private clearRetryTimer(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Drops the oldest queued requests until the queue is within both bounds. */
  private enforceBounds(): void {
    while (
      this.queue.length > 0 &&
      (this.queue.length > this.maxQueuedRequests || this.queuedBytes > this.maxQueuedBytes)
    ) {
      const oldest = this.queue.shift()!;
      this.queuedBytes -= oldest.body.length;
      this.dropped++;
      if (!this.overflowReported) {
        this.overflowReported = true;
        this.log.warn(`forwarding to ${this.target}: the queue is full; the oldest requests are dropped`);
      }
    }
  }

  /** At `stop()`'s deadline: everything not delivered is dropped and counted. */
  private abandon(): void {
    this.clearRetryTimer();
    const left = this.queue.length + this.sending.size;
    for (const { client } of this.sending) client?.destroy();
    this.sending.clear();
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.dropped += left;
    if (left > 0) this.log.warn(`forwarding to ${this.target}: ${left} requests not delivered before stopping`);
  }

  private notifyIfIdle(): void {
    if (this.queue.length > 0) return;
    this.overflowReported = false;
    if (this.sending.size > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/**
 * Scrapes one Prometheus target: every second while spans arrive (the caller calls `active()` for each batch), every
 * 10 s once they stop, never two requests at once, each with a timeout. A failing target (timeout, refused, HTTP
 * error, not Prometheus text) is reported once, then retried quietly until it answers, which is reported too; other
 * targets and everything else go on unaffected.
 */
import { describeError } from '../../shared/errors';
import type { MetricsRequest } from '../otlp/metricModel';
import { ExpositionError, parseExposition, type MetricFamily } from './exposition';
import { knownMetric } from './knownMetrics';
import { scrapeToOtlp } from './scrapeToOtlp';

export const ACTIVE_INTERVAL_MS = 1000;
export const IDLE_INTERVAL_MS = 10_000;
export const SCRAPE_TIMEOUT_MS = 2000;
/** A larger answer is not a model server's metrics. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ACCEPT = 'text/plain;version=0.0.4;q=1, application/openmetrics-text;version=1.0.0;q=0.5, */*;q=0.1';

export interface ScrapeResult {
  readonly url: URL;
  readonly timeUnixNano: bigint;
  readonly families: readonly MetricFamily[];
  /** The known families, as OTLP metrics (`ModelServerStore.add`, `serve --out`). */
  readonly request: MetricsRequest;
}

export interface ScraperLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface ScraperOptions {
  readonly url: string | URL;
  readonly onScrape: (result: ScrapeResult) => void;
  readonly log: ScraperLog;
  readonly activeIntervalMs?: number;
  readonly idleIntervalMs?: number;
  readonly timeoutMs?: number;
  /** Spans count as arriving for this long after the last `active()`. */
  readonly activeForMs?: number;
  readonly now?: () => number;
}

/** One GET of `url`'s metrics, parsed; throws `ScrapeError` saying what went wrong. */
export async function scrapeOnce(url: URL, timeoutMs: number, now: () => number = Date.now): Promise<ScrapeResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: ACCEPT },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new ScrapeError(timedOut ? `timed out after ${timeoutMs} ms` : `cannot be reached (${causeOf(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ScrapeError(`answered HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const text = await boundedText(response, timeoutMs);
  const timeUnixNano = BigInt(now()) * 1_000_000n;
  let families: MetricFamily[];
  try {
    families = parseExposition(text, { openMetrics: response.headers.get('content-type')?.includes('openmetrics') });
  } catch (error) {
    if (!(error instanceof ExpositionError)) throw error;
    throw new ScrapeError(`did not answer in Prometheus text format (${error.message})`);
  }
  if (!families.some((family) => family.samples.length > 0)) throw new ScrapeError('answered with no metrics');
  const request = scrapeToOtlp(families, url, timeUnixNano, (family) => knownMetric(family.name) !== undefined);
  return { url, timeUnixNano, families, request };
}

/** A scrape that failed; the message completes "model server URL …". */
export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
}

export class Scraper {
  readonly url: URL;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = true;
  private lastActiveMs = -Infinity;
  private failing = false;

  constructor(private readonly options: ScraperOptions) {
    this.url = new URL(options.url);
  }

  /** Whether the last scrape failed. */
  get isFailing(): boolean {
    return this.failing;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Spans are arriving: scrape every second from now on (at once, if the next idle scrape is further away). */
  active(): void {
    const wasIdle = !this.isActive();
    this.lastActiveMs = this.now();
    if (wasIdle && !this.running && !this.stopped) this.schedule(0);
  }

  private isActive(): boolean {
    return (
      this.now() - this.lastActiveMs <
      (this.options.activeForMs ?? 2 * (this.options.idleIntervalMs ?? IDLE_INTERVAL_MS))
    );
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.scrape(), delayMs);
    this.timer.unref?.();
  }

  private async scrape(): Promise<void> {
    this.timer = undefined;
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const result = await scrapeOnce(this.url, this.options.timeoutMs ?? SCRAPE_TIMEOUT_MS, this.options.now);
      if (this.failing) this.options.log.info(`model server ${this.url.href}: metrics are back`);
      this.failing = false;
      if (!this.stopped) this.options.onScrape(result);
    } catch (error) {
      if (!this.failing) {
        const problem = error instanceof ScrapeError ? error.message : describeError(error);
        this.options.log.warn(`model server ${this.url.href} ${problem}; retrying quietly until it answers`);
      }
      this.failing = true;
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const active = this.isActive();
    this.schedule(
      active
        ? (this.options.activeIntervalMs ?? ACTIVE_INTERVAL_MS)
        : (this.options.idleIntervalMs ?? IDLE_INTERVAL_MS),
    );
  }
}

/** The body as text, failing past `MAX_BODY_BYTES` or the timeout. */
async function boundedText(response: Response, timeoutMs: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (Date.now() > deadline) {
      await reader.cancel();
      throw new ScrapeError(`timed out after ${timeoutMs} ms`);
    }
    let chunk: { done: boolean; value?: Uint8Array };
    try {
      chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ScrapeError(timedOut ? `timed out after ${timeoutMs} ms` : `broke off its answer (${causeOf(error)})`);
    }
    if (chunk.done || chunk.value === undefined) break;
    bytes += chunk.value.length;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new ScrapeError(`answered more than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

/** fetch wraps network errors as "fetch failed" with the reason in `cause`. */
function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return describeError(cause);
}

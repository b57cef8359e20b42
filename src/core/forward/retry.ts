/**
 * When a forwarded request is sent again, per the OTLP/HTTP spec's "Failures": 429, 502, 503 and 504 (and network
 * errors) are retryable, honouring Retry-After; every other status is final. Between tries the wait doubles, jittered so
 * that many senders recovering together do not hit the collector at once.
 */

/** The statuses the OTLP spec lists as "Retryable Response Codes". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** A Retry-After past this is capped, so a misconfigured collector cannot park the queue for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The wait before try `failures + 1` after `failures` consecutive failures (1 or more): `initialDelayMs` doubling up to
 * `maxDelayMs`, then jittered into its upper half (`random` in [0, 1)), so the wait never drops below half the schedule.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: number = Math.random()): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const scheduled = Math.min(policy.initialDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.round(scheduled / 2 + (scheduled / 2) * random);
}

/**
 * Retry-After (RFC 9110 §10.2.3) in milliseconds from `nowMs`: delay-seconds or an HTTP-date, capped at
 * MAX_RETRY_AFTER_MS; undefined when absent or unreadable (the backoff schedule applies then).
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  const text = header?.trim() ?? '';
  if (text === '') return undefined;
  let delayMs: number;
  if (/^\d+$/.test(text)) delayMs = Number(text) * 1000;
  else {
    // An HTTP-date names its day and month; Date.parse alone would also take "-5" or "1.5" as years.
    const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(date)) return undefined;
    delayMs = Math.max(date - nowMs, 0);
  }
  return Math.min(delayMs, MAX_RETRY_AFTER_MS);
}

/** The forwarder's retry rules: which statuses are retried, the backoff schedule and Retry-After. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
} from '../../src/core/forward/retry';

describe('isRetryableStatus', () => {
  test('retries exactly the OTLP spec’s 429, 502, 503 and 504', () => {
    for (const status of [429, 502, 503, 504]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [200, 400, 401, 403, 404, 408, 413, 415, 500, 501]) {
      assert.equal(isRetryableStatus(status), false, String(status));
    }
  });
});

describe('backoffDelay', () => {
  test('doubles from 0.5 s to 30 s at the top of its jitter', () => {
    const top = [1, 2, 3, 4, 5, 6, 7, 8, 20, 1000].map((failures) => backoffDelay(failures, DEFAULT_BACKOFF, 1));
    assert.deepEqual(top, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  test('jitters into the upper half of the schedule', () => {
    assert.equal(backoffDelay(3, DEFAULT_BACKOFF, 0), 1000);
    assert.equal(backoffDelay(3, DEFAULT_BACKOFF, 0.5), 1500);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(2, { initialDelayMs: 100, maxDelayMs: 1000 });
      assert.ok(delay >= 100 && delay <= 200, String(delay));
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Tue, 01 Jul 2025 12:00:00 GMT');

  test('reads delay-seconds and HTTP-dates', () => {
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Tue, 01 Jul 2025 12:00:03 GMT', now), 3000);
    assert.equal(parseRetryAfter('Tue, 01 Jul 2025 11:59:00 GMT', now), 0, 'a date already past means now');
  });

  test('caps a long wait and ignores what it cannot read', () => {
    assert.equal(parseRetryAfter('86400', now), MAX_RETRY_AFTER_MS);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
    assert.equal(parseRetryAfter('1.5', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

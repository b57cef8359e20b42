import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readableAcceptEncoding } from '../../../src/core/gateway/responseTap';

test('codings the tap can inflate stay as the client sent them', () => {
  assert.equal(readableAcceptEncoding(undefined), undefined);
  assert.equal(readableAcceptEncoding('gzip, deflate, br'), undefined);
  assert.equal(readableAcceptEncoding('gzip;q=1.0, identity; q=0.5, *;q=0'), undefined);
});

test('codings it cannot are dropped; nothing left asks for identity', () => {
  assert.equal(readableAcceptEncoding('gzip, deflate, br, zstd'), 'gzip, deflate, br');
  assert.equal(readableAcceptEncoding('zstd;q=1.0, br;q=0.9'), 'br;q=0.9');
  assert.equal(readableAcceptEncoding('zstd'), 'identity');
});

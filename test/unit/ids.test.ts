import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSpanId, isTraceId, isValidHexId, normalizeHexId, spanIdHexAt } from '../../src/shared/ids';

describe('ids', () => {
  test('a trace or span id is lowercase hex of 16 or 8 bytes, not all zeros', () => {
    assert.ok(isTraceId('5b8efff798038103d269b633813fc60c'));
    assert.ok(isSpanId('eee19b7ec3c1b174'));
    assert.ok(!isTraceId('5B8EFFF798038103D269B633813FC60C'), 'uppercase: the receivers store lowercase');
    assert.ok(!isTraceId('0'.repeat(32)), "W3C's invalid id");
    assert.ok(!isSpanId('eee19b7ec3c1b17'), 'one digit short');
    assert.ok(!isSpanId('eee19b7ec3c1b17g'));
    assert.ok(!isTraceId('eee19b7ec3c1b174'), 'a span id is no trace id');
    assert.ok(!isSpanId(undefined) && !isTraceId(42));
  });

  test('JSON ids are lowercased hex of whole bytes, their length checked apart', () => {
    assert.equal(normalizeHexId('EEE19B7EC3C1B174'), 'eee19b7ec3c1b174');
    assert.equal(normalizeHexId('abc'), undefined);
    assert.equal(normalizeHexId('zz'), undefined);
    assert.ok(isValidHexId('01', 1));
    assert.ok(!isValidHexId('00', 1));
    assert.ok(!isValidHexId('0102', 1));
  });

  test('spanIdHexAt spells the 8 bytes at an offset in lowercase hex', () => {
    const bytes = Uint8Array.from([0xff, 0x00, 0x01, 0xab, 0xcd, 0xef, 0x10, 0x99, 0x7f, 0x80]);
    assert.equal(spanIdHexAt(bytes, 0), 'ff0001abcdef1099');
    assert.equal(spanIdHexAt(bytes, 2), '01abcdef10997f80');
    const every = Uint8Array.from({ length: 256 }, (_, byte) => byte);
    for (let start = 0; start <= 248; start += 8) {
      assert.equal(spanIdHexAt(every, start), Buffer.from(every.subarray(start, start + 8)).toString('hex'));
    }
  });
});

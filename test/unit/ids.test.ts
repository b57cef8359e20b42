import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BYTE_HEX, isSpanId, isTraceId, isValidHexId, normalizeHexId } from '../../src/shared/ids';

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

  test('BYTE_HEX spells every byte in two lowercase digits', () => {
    assert.equal(BYTE_HEX.length, 256);
    assert.equal(BYTE_HEX[0], '00');
    assert.equal(BYTE_HEX[0xab], 'ab');
    assert.equal(BYTE_HEX.join(''), Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)).toString('hex'));
  });
});

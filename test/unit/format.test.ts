import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCount, plural } from '../../src/shared/format';

describe('formatCount', () => {
  test('groups the digits of a whole count in threes, as en-US does', () => {
    for (const count of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, -4321, Number.MAX_SAFE_INTEGER]) {
      assert.equal(formatCount(count), count.toLocaleString('en-US'), String(count));
    }
  });

  test('leaves other numbers to toLocaleString', () => {
    assert.equal(formatCount(1234.5), '1,234.5');
    assert.equal(formatCount(2 ** 60), (2 ** 60).toLocaleString('en-US'));
  });
});

describe('plural', () => {
  test('the noun alone for one, with an s or the plural given for any other count', () => {
    assert.equal(plural(1, 'span'), '1 span');
    assert.equal(plural(0, 'span'), '0 spans');
    assert.equal(plural(1200, 'log record'), '1,200 log records');
    assert.equal(plural(2, 'match', 'matches'), '2 matches');
    assert.equal(plural(1, 'match', 'matches'), '1 match');
  });
});

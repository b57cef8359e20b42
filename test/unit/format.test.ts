import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatCostTotals,
  formatCount,
  formatMeasure,
  formatSpanCost,
  formatUsd,
  plural,
} from '../../src/shared/format';

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

describe('formatUsd', () => {
  for (const [usd, text] of [
    [0, '$0'],
    [0.00004, '<$0.0001'],
    [0.0031, '$0.0031'],
    [0.012, '$0.012'],
    [0.05, '$0.05'],
    [0.42, '$0.42'],
    [0.5, '$0.50'],
    [12.4, '$12.40'],
    [1240.5, '$1,240.50'],
  ] as const) {
    test(`${usd} → ${text}`, () => assert.equal(formatUsd(usd), text));
  }
});

describe('formatSpanCost and formatCostTotals: never a silent $0', () => {
  const totals = (usd: number, pricedCalls: number, unpricedCalls: number, estimated = false) => ({
    usd,
    pricedCalls,
    unpricedCalls,
    estimated,
  });
  test('a call: its cost, ≈ for estimated tokens, or unpriced', () => {
    assert.equal(formatSpanCost({ usd: 0.012, estimated: false }), '$0.012');
    assert.equal(formatSpanCost({ usd: 0.012, estimated: true }), '≈$0.012');
    assert.equal(formatSpanCost('unpriced'), 'unpriced');
    assert.equal(formatSpanCost(undefined), undefined);
  });
  test('totals: the priced sum and the unpriced calls beside it', () => {
    assert.equal(formatCostTotals(totals(0.42, 3, 2)), '$0.42 + 2 unpriced calls');
    assert.equal(formatCostTotals(totals(0.42, 3, 1, true)), '≈$0.42 + 1 unpriced call');
    assert.equal(formatCostTotals(totals(0.42, 3, 0)), '$0.42');
    assert.equal(formatCostTotals(totals(0, 0, 2)), '2 unpriced calls', 'not $0');
    assert.equal(formatCostTotals(totals(0, 1, 0)), '$0', 'a priced free call');
    assert.equal(formatCostTotals(totals(0, 0, 0)), undefined);
  });
});

describe('formatMeasure: a dashboard value in its chart unit', () => {
  for (const [value, unit, text] of [
    [1240, 'ms', '1.24 s'],
    [0.35, 's', '350 ms'],
    [0.42, 'USD/h', '$0.42/h'],
    [12.5, '%', '12.5 %'],
    [0, '%', '0 %'],
    [41.333, 'tokens/s', '41.3 tokens/s'],
    [12_345.6, 'requests', '12,346 requests'],
    [3, '/s', '3/s'],
    [NaN, 'ms', '–'],
  ] as const) {
    test(`${value} ${unit} → ${text}`, () => assert.equal(formatMeasure(value, unit), text));
  }
});

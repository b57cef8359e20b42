/**
 * The AI Metrics dashboard's messages and kept state: the host accepts only the page's exact message shapes, and opens
 * with the range kept in the workspace's state unless that is missing or no longer one of the ranges offered.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DASHBOARD_RANGES,
  DEFAULT_DASHBOARD_RANGE,
  parseFromDashboardPage,
  storedDashboardRange,
} from '../../src/shared/dashboard';

describe('dashboard range state', () => {
  test('every range offered is kept; anything else opens with the default', () => {
    for (const { id } of DASHBOARD_RANGES) assert.equal(storedDashboardRange(id), id);
    for (const stored of [undefined, null, '2h', 3_600_000, { id: '6h' }]) {
      assert.equal(storedDashboardRange(stored), DEFAULT_DASHBOARD_RANGE, JSON.stringify(stored));
    }
  });

  test('the page may post ready or a range it offers, nothing more', () => {
    assert.deepEqual(parseFromDashboardPage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromDashboardPage({ type: 'range', range: '6h' }), { type: 'range', range: '6h' });
    for (const invalid of [
      { type: 'range', range: '2h' },
      { type: 'range', range: '6h', extra: 1 },
      { type: 'ready', range: '6h' },
      ['ready'],
      'ready',
      null,
    ]) {
      assert.equal(parseFromDashboardPage(invalid), undefined, JSON.stringify(invalid));
    }
  });
});

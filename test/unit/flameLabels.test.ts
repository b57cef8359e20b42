import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callLabels } from '../../src/shared/flame/labels';

describe('flame bar labels of a model call', () => {
  test('richest first: name with tokens, TTFT and TPOT, then TTFT outlasting TPOT and tokens', () => {
    assert.deepEqual(callLabels('chat gpt-4o', { tokens: '≈1.2k→345 tok', ttft: 'TTFT 420 ms', tpot: 'TPOT 12 ms' }), [
      'chat gpt-4o · ≈1.2k→345 tok · TTFT 420 ms · TPOT 12 ms',
      'chat gpt-4o · ≈1.2k→345 tok · TTFT 420 ms',
      'chat gpt-4o · TTFT 420 ms',
      'chat gpt-4o · ≈1.2k→345 tok',
      '≈1.2k→345 tok · TTFT 420 ms',
      'TTFT 420 ms',
      '≈1.2k→345 tok',
    ]);
  });

  test('a call without tokens shows its timing, each label once', () => {
    assert.deepEqual(callLabels('chat gpt-4o', { tokens: undefined, ttft: 'TTFT 420 ms', tpot: 'TPOT 12 ms' }), [
      'chat gpt-4o · TTFT 420 ms · TPOT 12 ms',
      'chat gpt-4o · TTFT 420 ms',
      'TTFT 420 ms',
    ]);
  });

  test('a call without TTFT shows its tokens and TPOT, as before TTFT was on the label', () => {
    assert.deepEqual(callLabels('chat', { tokens: '340→120 tok', ttft: undefined, tpot: 'TPOT 9 ms' }), [
      'chat · 340→120 tok · TPOT 9 ms',
      'chat · 340→120 tok',
      '340→120 tok',
    ]);
  });

  test('a call without figures has no labels beyond its name', () => {
    assert.deepEqual(callLabels('chat', { tokens: undefined, ttft: undefined, tpot: undefined }), []);
  });
});

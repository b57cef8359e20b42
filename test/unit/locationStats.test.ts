import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatLocationStats,
  locationCall,
  locationStats,
  median,
  recentCallsMarkdown,
  type LocationCall,
} from '../../src/core/code/locationStats';
import { StatusCode } from '../../src/core/model';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';

function call(overrides: Partial<LocationCall>): LocationCall {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'chat gpt-4o',
    startUnixMs: DEFAULT_START_MS,
    durationMs: 100,
    ttftMs: undefined,
    inputTokens: undefined,
    outputTokens: undefined,
    error: false,
    cost: undefined,
    ...overrides,
  };
}

function ai(overrides: Partial<AiSpanInfo>): AiSpanInfo {
  return { kind: 'other', ...overrides } as AiSpanInfo;
}

describe('median', () => {
  test('is an observed value: the middle one, or the lower middle one for an even count', () => {
    assert.equal(median([300, 100, 200]), 200);
    assert.equal(median([4, 1, 3, 2]), 2);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('locationCall', () => {
  test('takes tokens only from llm and embedding spans, and marks failed spans', () => {
    const span = makeSpan({ durationMs: 1200, status: { code: StatusCode.Error } });
    const llm = locationCall({ span, ai: ai({ kind: 'llm', inputTokens: 300, outputTokens: 40, ttftMs: 210 }) });
    assert.equal(llm.durationMs, 1200);
    assert.equal(llm.inputTokens, 300);
    assert.equal(llm.outputTokens, 40);
    assert.equal(llm.ttftMs, 210);
    assert.equal(llm.error, true);
    assert.equal(llm.startUnixMs, DEFAULT_START_MS);
    const agent = locationCall({ span: makeSpan(), ai: ai({ kind: 'agent', inputTokens: 300, outputTokens: 40 }) });
    assert.equal(agent.inputTokens, undefined);
    assert.equal(agent.error, false);
  });
});

describe('locationStats', () => {
  test('counts calls and errors, sums tokens, takes p50 of durations and of reported TTFTs, finds the latest', () => {
    const calls = [
      call({ spanId: '1'.repeat(16), durationMs: 900, ttftMs: 200, inputTokens: 1000, outputTokens: 100 }),
      call({
        spanId: '2'.repeat(16),
        durationMs: 1500,
        ttftMs: 250,
        inputTokens: 200,
        outputTokens: 100,
        startUnixMs: DEFAULT_START_MS + 5000,
      }),
      call({ spanId: '3'.repeat(16), durationMs: 1200, error: true, startUnixMs: DEFAULT_START_MS + 1000 }),
    ];
    const stats = locationStats(calls)!;
    assert.equal(stats.calls, 3);
    assert.equal(stats.p50DurationMs, 1200);
    assert.equal(stats.tokens, 1400);
    assert.equal(stats.p50TtftMs, 200);
    assert.equal(stats.errors, 1);
    assert.equal(stats.latest.spanId, '2'.repeat(16));
    assert.equal(
      formatLocationStats(stats),
      'AI Trace Lens: 3 calls · p50 1.2 s · 1.4k tok · TTFT p50 200 ms · 1 error',
    );
  });

  test('leaves out what no call reported', () => {
    const stats = locationStats([call({ durationMs: 42 })])!;
    assert.equal(stats.p50TtftMs, undefined);
    assert.equal(stats.tokens, 0);
    assert.equal(formatLocationStats(stats), 'AI Trace Lens: 1 call · p50 42 ms');
  });

  test('is undefined without calls', () => {
    assert.equal(locationStats([]), undefined);
  });
});

describe('recentCallsMarkdown', () => {
  test('lists the newest calls first, up to the limit, with span text escaped', () => {
    const calls = [
      call({ name: 'old', startUnixMs: 1000 }),
      call({ name: '<img src=x> **x**', startUnixMs: 3000, inputTokens: 340, outputTokens: 120, error: true }),
      call({ name: 'middle', startUnixMs: 2000, durationMs: 1500 }),
    ];
    const markdown = recentCallsMarkdown(calls, 2, (ms) => `t${ms}`);
    const lines = markdown.split('\n');
    assert.equal(lines[0], '**AI Trace Lens**: last 2 calls of 3');
    assert.equal(lines[2], '- t3000 · \\<img src\\=x\\> \\*\\*x\\*\\* · 100 ms · 340→120 tok · **error**');
    assert.equal(lines[3], '- t2000 · middle · 1.5 s · ok');
    assert.equal(lines.length, 4);
  });
});

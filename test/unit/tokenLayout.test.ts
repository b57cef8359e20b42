import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlameLayout } from '../../src/core/flame/layout';
import { serializeTrace } from '../../src/core/flame/snapshot';
import type { TraceRecord } from '../../src/core/store/types';
import { LevelCuller } from '../../src/shared/flame/cull';
import { decodeSnapshot } from '../../src/shared/flame/snapshot';
import { ownTokens, tokenLayout } from '../../src/shared/flame/tokenLayout';
import { TOOL, chat, indexOf, names, recordOf, span } from '../support/flameSpans';

const culler = new LevelCuller();

describe('tokenLayout', () => {
  /** The token axis of a record, as the webview builds it from the snapshot. */
  function tokenAxisOf(record: TraceRecord) {
    const { layout, inputTokens, outputTokens } = decodeSnapshot(serializeTrace(record));
    return tokenLayout(layout, ownTokens(layout.kind, inputTokens, outputTokens));
  }

  test('sizes LLM bars by tokens and parents by their descendants, without double-counting wrappers', () => {
    const record = recordOf([
      span('agent', undefined, 0, 1000),
      span('plan', 'agent', 10, 100, chat('gpt-4o', 100, 50)),
      span('tool', 'agent', 200, 300, TOOL),
      span('lookup', 'tool', 210, 50),
      span('summary', 'tool', 300, 100, chat('gpt-4o-mini', 250, 50)),
      // A wrapper reporting the usage of the call inside it, as the Vercel AI SDK does.
      span('gen', 'agent', 600, 300, chat('claude', 150, 50)),
      span('doGen', 'gen', 610, 280, chat('claude', 150, 50)),
    ]);
    const layout = buildFlameLayout(record);
    const tokens = tokenAxisOf(record);
    const at = (label: string) => [tokens.start[indexOf(layout, label)], tokens.duration[indexOf(layout, label)]];
    assert.deepEqual(at('agent'), [0, 650]);
    assert.deepEqual(at('plan'), [0, 150]);
    assert.deepEqual(at('tool'), [150, 300]);
    assert.deepEqual(at('lookup'), [150, 0]);
    assert.deepEqual(at('summary'), [150, 300]);
    assert.deepEqual(at('gen'), [450, 200]);
    assert.deepEqual(at('doGen'), [450, 200]);
    assert.equal(tokens.totalTokens, 650);
    const level2 = [...tokens.levels[2]!].map((index) => names(layout)[index]);
    assert.deepEqual(level2, ['summary', 'doGen'], 'spans without tokens are left out');
  });

  test('places roots side by side and draws through forEachDrawable', () => {
    const tokens = tokenAxisOf(
      recordOf([
        span('first', undefined, 0, 10, chat('m', 30, 10)),
        span('second', undefined, 5, 10, chat('m', 50, 10)),
      ]),
    );
    assert.equal(tokens.totalTokens, 100);
    const rects: number[][] = [];
    culler.forEachDrawable(tokens, 0, 0, 1, 100, (index, x, width) => rects.push([index, x, width]));
    assert.deepEqual(rects, [
      [0, 0, 40],
      [1, 40, 60],
    ]);
  });
});

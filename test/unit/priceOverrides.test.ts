/** `aiTraceLens.prices`: valid entries kept in order, each invalid one dropped with a problem that names it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findOverride, parsePriceOverrides } from '../../src/core/cost/priceOverrides';

describe('parsePriceOverrides', () => {
  test('unset is no overrides and no problem', () => {
    assert.deepEqual(parsePriceOverrides(undefined), { overrides: [], problems: [] });
    assert.deepEqual(parsePriceOverrides(null), { overrides: [], problems: [] });
  });

  test('a value that is not a list is ignored, with a problem', () => {
    const { overrides, problems } = parsePriceOverrides({ model: 'gpt-4o', input: 1, output: 1 });
    assert.deepEqual(overrides, []);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^aiTraceLens\.prices must be a list/);
  });

  test('invalid entries are dropped, each named with what it lacks; valid ones kept in order', () => {
    const { overrides, problems } = parsePriceOverrides([
      { model: 'a-*', input: 1, output: 2 },
      'gpt-4o',
      { input: 1, output: 1 },
      { model: ' ', input: 1, output: 1 },
      { model: 'b', input: -1, output: 1 },
      { model: 'b', input: 1 },
      { model: 'b', input: 1, output: 1, cacheRead: 'cheap' },
      { model: 'b', provider: 3, input: 1, output: 1 },
      { model: 'c', provider: 'openai', input: 0, output: 0, cacheRead: 0.5, cacheWrite: 2 },
    ]);
    assert.deepEqual(
      overrides.map(({ model, provider, input, output, cacheRead, cacheWrite }) => ({
        model,
        provider,
        input,
        output,
        cacheRead,
        cacheWrite,
      })),
      [
        { model: 'a-*', provider: undefined, input: 1, output: 2, cacheRead: undefined, cacheWrite: undefined },
        { model: 'c', provider: 'openai', input: 0, output: 0, cacheRead: 0.5, cacheWrite: 2 },
      ],
    );
    assert.deepEqual(
      problems.map((problem) => /^aiTraceLens\.prices\[(\d)\] ([a-zA-Z ]+)/.exec(problem)?.slice(1)),
      [
        ['1', 'must be an object'],
        ['2', 'needs a model pattern'],
        ['3', 'needs a model pattern'],
        ['4', 'needs input as a price in USD per million tokens '],
        ['5', 'needs output as a price in USD per million tokens '],
        ['6', 'needs cacheRead as a price in USD per million tokens '],
        ['7', 'has a provider that is not a name'],
      ],
    );
  });

  test('a glob matches the whole name, case-insensitively; other regex characters are literal', () => {
    const { overrides } = parsePriceOverrides([{ model: 'gpt-4.1-mini?', input: 1, output: 1 }]);
    const matches = (model: string) => findOverride(overrides, model, undefined) !== undefined;
    assert.deepEqual(
      ['GPT-4.1-mini2', 'gpt-4.1-mini', 'gpt-4x1-mini2', 'my-gpt-4.1-mini2', 'gpt-4.1-mini22'].map(matches),
      [true, false, false, false, false],
    );
  });
});

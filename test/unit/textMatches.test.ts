import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { manualSearchQuery, type SourcePosition } from '../../src/core/code/resolveLocation';
import { collectMatches } from '../../src/core/code/textMatches';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

describe('collectMatches', () => {
  test('finds each occurrence at its 1-based line and column, up to the limit', () => {
    const text = 'def a():\n    search("x")\n\nsearch = 1; search()\n';
    const results: SourcePosition[] = [];
    collectMatches(text, 'search', '/app/a.py', 10, results);
    assert.deepEqual(results, [
      { file: '/app/a.py', line: 2, column: 5 },
      { file: '/app/a.py', line: 4, column: 1 },
      { file: '/app/a.py', line: 4, column: 13 },
    ]);
    const limited: SourcePosition[] = [{ file: '/other', line: 1, column: 1 }];
    collectMatches(text, 'search', '/app/a.py', 2, limited);
    assert.deepEqual(limited.at(-1), { file: '/app/a.py', line: 2, column: 5 });
    assert.equal(limited.length, 2, 'the limit counts what was found before');
  });

  test('matches do not overlap, and a missing literal finds nothing', () => {
    const results: SourcePosition[] = [];
    collectMatches('aaaa', 'aa', 'f', 10, results);
    assert.deepEqual(
      results.map((result) => result.column),
      [1, 3],
    );
    collectMatches('abc', 'zz', 'f', 10, results);
    assert.equal(results.length, 2);
  });
});

describe('manualSearchQuery', () => {
  const queryOf = (attributes: PlainAttributes) => {
    const span = makeSpan({ attributes });
    return manualSearchQuery({ span, ai: analyzeSpan(span) });
  };

  test('the tool name, else the function name, else a distinctive piece of the prompt', () => {
    assert.equal(
      queryOf({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' }),
      'get_weather',
    );
    assert.equal(queryOf({ 'code.function.name': 'agent.tools.Planner.run_tool' }), 'run_tool');
    const prompt = queryOf({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system_instructions': JSON.stringify([
        { type: 'text', content: 'You are a travel planner for the Lisbon office.' },
      ]),
    });
    assert.ok(prompt !== undefined && 'You are a travel planner for the Lisbon office.'.includes(prompt), prompt);
    assert.equal(queryOf({}), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { caretLines, parseTraceQL, TraceQLError } from '../../src/core/traceql';

/** A bad query, the 1-based column and underlined text its error names, and a pattern its message must match. */
type BadCase = readonly [query: string, column: number, underlined: string, message: RegExp];

function parseError(query: string): TraceQLError {
  try {
    parseTraceQL(query);
  } catch (error) {
    assert.ok(error instanceof TraceQLError, `not a TraceQLError: ${String(error)}`);
    return error;
  }
  assert.fail(`"${query}" parsed`);
}

function runBadCases(cases: readonly BadCase[]): void {
  for (const [query, column, underlined, message] of cases) {
    test(query === '' ? '(empty)' : query, () => {
      const error = parseError(query);
      assert.equal(error.from + 1, column, error.message);
      assert.equal(query.slice(error.from, error.to), underlined, error.message);
      assert.match(error.message, new RegExp(`^TraceQL column ${column}: `));
      assert.match(error.message, message);
    });
  }
}

describe('TraceQL syntax errors say where and what was expected', () => {
  runBadCases([
    ['', 1, '', /empty query/],
    ['   ', 1, '', /empty query/],
    ['{ .ai.kind = llm }', 14, 'llm', /unexpected "llm"; expected a value after =.*strings need double quotes: "llm"/],
    ['{ .a = }', 8, '}', /unexpected "}"; expected a value after =/],
    ['{ .a = 1', 9, '', /unexpected the end of the query/],
    ['{ name = "x" && }', 17, '}', /expected a condition after &&/],
    ['{ ai.kind = "llm" }', 3, 'ai', /unexpected "ai"; expected a field.*\.ai\.kind/],
    ['{ .a 1 }', 6, '1', /unexpected "1"; expected an operator/],
    ['{} }', 4, '}', /unexpected "}"; expected the end of the query/],
    ['.a = 1', 1, '.a', /expected a spanset filter/],
    ['{ .a = 1h30m }', 10, '30m', /unexpected "30m"/],
  ]);
});

describe('TraceQL constructs we do not run are refused by name', () => {
  runBadCases([
    [
      '{ .a = 1 } | count() > 2',
      12,
      '| count() > 2',
      /pipelines are not supported: "\| count\(\) > 2" is an aggregate filter/,
    ],
    ['{ .a = 1 } | select(span.b)', 12, '| select(span.b)', /"\| select\(span\.b\)" is select\(…\)/],
    ['{} | rate()', 4, '| rate()', /pipelines are not supported: "\| rate\(\)" is a metrics query/],
    ['{ .a } | { .b }', 8, '| { .b }', /pipelines are not supported/],
    ['{ parent.x = 1 }', 3, 'parent', /the parent scope is not supported/],
    ['{ event.exception = "x" }', 3, 'event', /the event scope is not supported/],
    ['{ .a = $var }', 8, '$var', /a template variable is not supported/],
    ['{ event:name = "x" }', 3, 'event:name', /the intrinsic event:name is not supported/],
    ['{ .x > 10 * 1024 }', 11, '*', /arithmetic \(\*\) is not supported/],
    ['{ -.x = 1 }', 3, '-.x', /negating a field/],
  ]);
});

describe('TraceQL type and meaning errors', () => {
  runBadCases([
    ['{ .ai.kind = "lm" }', 14, '"lm"', /unknown AI kind "lm": one of llm, embedding, agent/],
    ['{ .ai.price > 1 }', 3, '.ai.price', /unknown AI field \.ai\.price: one of \.ai\.kind.*span\.ai\.price/],
    ['{ duration > 5 }', 14, '5', /cannot compare a duration field with the number 5/],
    ['{ name = 1 }', 10, '1', /cannot compare a string field with the number 1/],
    ['{ .ai.ttft > "fast" }', 14, '"fast"', /cannot compare a duration field/],
    ['{ status > ok }', 12, 'ok', /> does not apply to a status field/],
    ['{ .a > nil }', 3, '.a', /nil compares only with = or !=/],
    ['{ name =~ 5 }', 11, '5', /=~ needs a "regular expression" string/],
    ['{ duration =~ "1.*" }', 3, 'duration', /=~ applies to strings/],
    ['{ name =~ "(" }', 11, '"("', /invalid regular expression/],
    ['{ name }', 3, 'name', /name alone is not a condition/],
    ['{ "x" }', 3, '"x"', /is not a condition/],
    ['{ !.a = 1 }', 3, '!.a', /a condition cannot be compared; to negate a comparison write !\(…\)/],
  ]);
});

describe('TraceQL error positions', () => {
  test('a multi-line query names the line, and the caret lines underline the part', () => {
    const query = '{ name = "a" &&\n  status = oops }';
    const error = parseError(query);
    assert.match(error.message, /^TraceQL line 2, column /);
    assert.equal(caretLines(query, error).split('\n')[1]!.trim().length > 0, true);
  });

  test('caretLines draws the query and a caret under the error', () => {
    const query = '{ .ai.kind = llm }';
    assert.equal(caretLines(query, parseError(query)), ['  { .ai.kind = llm }', '               ^^^'].join('\n'));
  });

  test('a valid query with a hint and comments parses', () => {
    assert.doesNotThrow(() => parseTraceQL('{ name = "a" } /* c */ with (most_recent=true)'));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttributeValue } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { readBoolean, readNonNegative, readString } from '../../src/core/semantics/attributes';
import { makeSpan } from '../support/spanBuilder';

const one = (value: AttributeValue) => new Map<string, AttributeValue>([['k', value]]);

describe('readNonNegative', () => {
  const cases: [string, AttributeValue, number | undefined][] = [
    ['an int', 42, 42],
    ['a double', 0.25, 0.25],
    ['zero', 0, 0],
    ['a numeric string', '1200', 1200],
    ['a padded numeric string', ' 12 ', 12],
    ['a bigint beyond the safe range', 9_007_199_254_740_993n, Number(9_007_199_254_740_993n)],
    ['a negative number', -3, undefined],
    ['a negative bigint', -3n, undefined],
    ['a negative string', '-3', undefined],
    ['NaN', Number.NaN, undefined],
    ['Infinity', Number.POSITIVE_INFINITY, undefined],
    ['"Infinity"', 'Infinity', undefined],
    ['a non-numeric string', 'abc', undefined],
    ['an empty string', '', undefined],
    ['a blank string', '   ', undefined],
    ['a boolean', true, undefined],
    ['null', null, undefined],
    ['an array', [1], undefined],
    ['bytes', new Uint8Array([1]), undefined],
  ];
  for (const [title, value, expected] of cases) {
    test(title, () => assert.equal(readNonNegative(one(value), 'k'), expected));
  }

  test('a missing key', () => assert.equal(readNonNegative(new Map(), 'k'), undefined));
});

describe('readBoolean and readString', () => {
  test('booleans, also spelled as strings in any case', () => {
    assert.equal(readBoolean(one(true), 'k'), true);
    assert.equal(readBoolean(one('TRUE'), 'k'), true);
    assert.equal(readBoolean(one(' false '), 'k'), false);
    assert.equal(readBoolean(one('yes'), 'k'), undefined);
    assert.equal(readBoolean(one(1), 'k'), undefined);
  });

  test('non-empty strings only', () => {
    assert.equal(readString(one('gpt-4o'), 'k'), 'gpt-4o');
    assert.equal(readString(one(''), 'k'), undefined);
    assert.equal(readString(one(4), 'k'), undefined);
    assert.equal(readString(one(['gpt-4o']), 'k'), undefined);
  });
});

describe('garbage values in real spans', () => {
  test('token counts as strings and bigint are parsed', () => {
    const info = analyzeSpan(
      makeSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': '1500',
          'gen_ai.usage.output_tokens': 250n,
          'gen_ai.usage.cache_read.input_tokens': 1024.0,
        },
      }),
    );
    assert.equal(info.inputTokens, 1500);
    assert.equal(info.outputTokens, 250);
    assert.equal(info.cachedTokens, 1024);
  });

  test('an unusable value counts as absent, so the next attribute name is used', () => {
    const info = analyzeSpan(
      makeSpan({
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 'n/a',
          'gen_ai.usage.prompt_tokens': 77,
          'gen_ai.usage.output_tokens': -1,
          'gen_ai.usage.reasoning.output_tokens': Number.NaN,
          'gen_ai.request.model': 42,
          'gen_ai.provider.name': '',
          'gen_ai.system': 'openai',
        },
      }),
    );
    assert.equal(info.inputTokens, 77);
    assert.equal(info.outputTokens, undefined);
    assert.equal(info.reasoningTokens, undefined);
    assert.equal(info.requestModel, undefined);
    assert.equal(info.provider, 'openai');
  });

  test('a streaming flag sent as a string', () => {
    const info = analyzeSpan(makeSpan({ attributes: { 'llm.request.type': 'chat', 'llm.is_streaming': 'True' } }));
    assert.equal(info.streaming, true);
  });

  test("OpenInference's stream request parameter, as JavaScript and Python write it, marks a streaming call", () => {
    const streamingOf = (invocationParameters: string) =>
      analyzeSpan(
        makeSpan({
          attributes: { 'openinference.span.kind': 'LLM', 'llm.invocation_parameters': invocationParameters },
        }),
      ).streaming;
    assert.equal(streamingOf('{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true}}'), true);
    assert.equal(streamingOf('{"model": "gpt-4o-mini", "stream": true}'), true);
    // LangChain writes `"stream":false` for its `.stream()` calls too: false says nothing.
    assert.equal(streamingOf('{"model":"gpt-4o-mini","stream":false}'), undefined);
    // Nor does a request without the parameter; `stream_options` alone is not `stream`.
    assert.equal(streamingOf('{"model":"gpt-4o-mini","stream_options":{"include_usage":true}}'), undefined);
  });

  test('a kind attribute that is not a string is ignored', () => {
    const info = analyzeSpan(
      makeSpan({ attributes: { 'openinference.span.kind': 1, 'gen_ai.operation.name': 'embeddings' } }),
    );
    assert.equal(info.kind, 'embedding');
    assert.equal(info.convention, 'otel-genai');
  });

  test('attribute values named like Object.prototype members do not classify', () => {
    const info = analyzeSpan(
      makeSpan({ attributes: { 'gen_ai.operation.name': 'constructor', 'traceloop.span.kind': 'toString' } }),
    );
    assert.equal(info.kind, 'other');
  });
});

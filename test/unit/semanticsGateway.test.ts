import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { SpanKind } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { isGatewaySpan, withGatewayFigures } from '../../src/core/semantics/gateway';
import { makeSpan } from '../support/spanBuilder';
import { gatewaySpan } from './gatewaySpans';

/** Floating-point results of seconds → ms, compared to a nanosecond. */
function assertMs(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined, `expected ${expected} ms, got undefined`);
  assert.ok(Math.abs(actual - expected) < 1e-6, `expected ${expected} ms, got ${actual}`);
}

const call = { trace: 't-gw', id: 'a000000000000001', start: 0, end: 5000 };

describe('a gateway span', () => {
  test('is an OTel GenAI LLM call with its figures marked as measured at the gateway', () => {
    const span = gatewaySpan({ ...call, input: 1200, output: 345, ttft: 0.42, tpot: 0.012 });
    assert.equal(isGatewaySpan(span), true);
    const info = analyzeSpan(span);
    assert.equal(info.kind, 'llm');
    assert.equal(info.convention, 'otel-genai');
    assert.equal(info.provider, 'openai');
    assert.equal(info.requestModel, 'gpt-4o');
    assert.equal(info.responseModel, 'gpt-4o-2024-08-06');
    assert.equal(info.streaming, true);
    assert.equal(info.inputTokens, 1200);
    assert.equal(info.outputTokens, 345);
    assertMs(info.ttftMs, 420);
    assert.equal(info.ttftSource, 'gateway');
    assert.equal(info.tpotSource, 'gateway');
    assert.equal(info.tokensSource, 'gateway');
  });

  test("TPOT is the gateway's own figure, not derived from the span's duration", () => {
    // Derived, it would be (5000 − 420) / 344 ≈ 13.3 ms: the span's end includes the response's tail.
    const info = analyzeSpan(gatewaySpan({ ...call, output: 345, ttft: 0.42, tpot: 0.012 }));
    assertMs(info.tpotMs, 12);
  });

  test('without its TPOT attribute, TPOT is derived as for any span', () => {
    const span = gatewaySpan({ ...call, output: 101, ttft: 1, attributes: {} });
    span.attributes.delete(GatewayAttributes.timePerOutputToken);
    assertMs(analyzeSpan(span).tpotMs, (5000 - 1000) / 100);
  });

  test('the stream figures are read in milliseconds', () => {
    const info = analyzeSpan(
      gatewaySpan({
        ...call,
        attributes: {
          [GatewayAttributes.timeToFirstText]: 1.3,
          [GatewayAttributes.longestChunkGap]: 2.1,
          [GatewayAttributes.stalls]: 3,
        },
      }),
    );
    assertMs(info.firstTextMs, 1300);
    assertMs(info.longestGapMs, 2100);
    assert.equal(info.stalls, 3);
  });

  test('tokens are estimated when either count was counted by a tokenizer', () => {
    const estimated = (input: boolean | undefined, output: boolean | undefined) => {
      const attributes: Record<string, boolean> = {};
      if (input !== undefined) attributes[GatewayAttributes.inputTokensEstimated] = input;
      if (output !== undefined) attributes[GatewayAttributes.outputTokensEstimated] = output;
      return analyzeSpan(gatewaySpan({ ...call, attributes })).tokensEstimated;
    };
    assert.equal(estimated(true, true), true);
    assert.equal(estimated(false, true), true);
    assert.equal(estimated(true, undefined), true);
    assert.equal(estimated(false, false), false);
    assert.equal(estimated(undefined, undefined), undefined);
  });

  test("another span's gateway-named attributes are not the gateway's figures, and its figures are the span's own", () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'chat gpt-4o',
        kind: SpanKind.Client,
        scopeName: '@opentelemetry/instrumentation-openai',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.request.stream': true,
          'gen_ai.response.time_to_first_chunk': 0.2,
          'gen_ai.usage.output_tokens': 11,
          [GatewayAttributes.timePerOutputToken]: 0.5,
          [GatewayAttributes.outputTokensEstimated]: true,
        },
        durationMs: 1200,
      }),
    );
    assertMs(info.tpotMs, (1200 - 200) / 10);
    assert.equal(info.tokensEstimated, undefined);
    assert.equal(info.ttftSource, 'span');
    assert.equal(info.tpotSource, 'span');
    assert.equal(info.tokensSource, 'span');
  });

  test('a span without figures names no source', () => {
    const info = analyzeSpan(makeSpan({ attributes: { 'gen_ai.operation.name': 'chat' } }));
    assert.deepEqual([info.ttftSource, info.tpotSource, info.tokensSource], [undefined, undefined, undefined]);
  });
});

describe('withGatewayFigures', () => {
  const gateway = analyzeSpan(
    gatewaySpan({
      ...call,
      input: 900,
      output: 80,
      ttft: 0.3,
      tpot: 0.02,
      attributes: {
        [GatewayAttributes.outputTokensEstimated]: true,
        [GatewayAttributes.stalls]: 1,
        // As callSpan.ts records an Anthropic answer's cache counts.
        'gen_ai.usage.cache_read.input_tokens': 200,
        'gen_ai.usage.cache_creation.input_tokens': 300,
      },
    }),
  );
  const appCall = (attributes: Record<string, number | boolean>) =>
    analyzeSpan(
      makeSpan({
        name: 'openai.chat',
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...attributes },
      }),
    );

  test('fills what the app span lacks, marked as measured at the gateway', () => {
    const info = withGatewayFigures(appCall({}), gateway);
    assertMs(info.ttftMs, 300);
    assertMs(info.tpotMs, 20);
    assert.deepEqual([info.inputTokens, info.outputTokens, info.tokensEstimated], [900, 80, true]);
    assert.deepEqual([info.cachedTokens, info.cacheWriteTokens], [200, 300]);
    assert.deepEqual([info.ttftSource, info.tpotSource, info.tokensSource], ['gateway', 'gateway', 'gateway']);
    assert.equal(info.stalls, 1);
    assert.equal(info.streaming, true);
  });

  test("keeps the app span's own figures, and its token counts as a whole", () => {
    const own = appCall({ 'gen_ai.usage.input_tokens': 950, 'gen_ai.request.stream': true });
    const info = withGatewayFigures(own, gateway);
    assert.deepEqual([info.inputTokens, info.outputTokens], [950, undefined]);
    assert.deepEqual([info.cachedTokens, info.cacheWriteTokens], [undefined, undefined]);
    assert.equal(info.tokensSource, 'span');
    assert.equal(info.tokensEstimated, undefined);
    assertMs(info.ttftMs, 300);
    assert.equal(info.ttftSource, 'gateway');
  });

  test('does not change the app span it reads', () => {
    const own = appCall({});
    withGatewayFigures(own, gateway);
    assert.equal(own.ttftMs, undefined);
    assert.equal(own.ttftSource, undefined);
  });
});

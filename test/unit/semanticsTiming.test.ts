import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { makeSpan, type PlainAttributes, type SpanInit } from '../support/spanBuilder';

const chat = (attributes: PlainAttributes, init: SpanInit = {}) =>
  analyzeSpan(
    makeSpan({
      name: 'chat gpt-4o',
      kind: SpanKind.Client,
      ...init,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', ...attributes },
    }),
  );

const doStream = (attributes: PlainAttributes, init: SpanInit = {}) =>
  analyzeSpan(
    makeSpan({
      name: 'ai.streamText.doStream',
      scopeName: 'ai',
      ...init,
      attributes: { 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o', ...attributes },
    }),
  );

/** Floating-point results of ms arithmetic, compared to a nanosecond. */
function assertMs(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined, `expected ${expected} ms, got undefined`);
  assert.ok(Math.abs(actual - expected) < 1e-6, `expected ${expected} ms, got ${actual}`);
}

describe('TTFT sources, in the order of section (c)', () => {
  test('gen_ai.response.time_to_first_chunk is in seconds', () => {
    const info = chat({ 'gen_ai.request.stream': true, 'gen_ai.response.time_to_first_chunk': 0.25 });
    assertMs(info.ttftMs, 250);
    assert.equal(info.streaming, true);
  });

  test('gen_ai.client.operation.time_to_first_chunk (Pydantic AI, AI SDK v7) is in seconds', () => {
    const info = chat({ 'gen_ai.client.operation.time_to_first_chunk': 0.4 });
    assertMs(info.ttftMs, 400);
    assert.equal(info.streaming, true);
  });

  test('the response attribute wins over the client one', () => {
    const info = chat({
      'gen_ai.response.time_to_first_chunk': 0.1,
      'gen_ai.client.operation.time_to_first_chunk': 0.9,
    });
    assertMs(info.ttftMs, 100);
  });

  test('ai.response.msToFirstChunk is in milliseconds', () => {
    assertMs(doStream({ 'ai.response.msToFirstChunk': 180.5 }).ttftMs, 180.5);
  });

  test('ai.stream.msToFirstChunk (streamObject) is in milliseconds', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'ai.streamObject.doStream',
        scopeName: 'ai',
        attributes: { 'ai.operationId': 'ai.streamObject.doStream', 'ai.stream.msToFirstChunk': 95 },
      }),
    );
    assertMs(info.ttftMs, 95);
  });

  test('an attribute wins over first-chunk events (AI SDK v7 legacy adds the event at step end)', () => {
    const info = doStream(
      { 'ai.response.msToFirstChunk': 200 },
      { events: [{ name: 'ai.stream.firstChunk', offsetMs: 900 }] },
    );
    assertMs(info.ttftMs, 200);
  });

  test('OpenInference "First Token Stream Event": event time minus span start, to the nanosecond', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'ChatCompletion',
        attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' },
        events: [{ name: 'First Token Stream Event', offsetMs: 123.456789 }],
      }),
    );
    assertMs(info.ttftMs, 123.456789);
    assert.equal(info.streaming, true);
  });

  test('OpenLLMetry chunk events: the earliest one counts, whatever their order', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'openai.chat',
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
        events: [
          { name: 'gen_ai.content.completion.chunk', offsetMs: 310 },
          { name: 'gen_ai.content.completion.chunk', offsetMs: 300 },
          { name: 'gen_ai.content.completion.chunk', offsetMs: 320 },
        ],
      }),
    );
    assertMs(info.ttftMs, 300);
  });

  test('pre-2026 OpenLLMetry chunk event name', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'cohere.chat',
        attributes: { 'llm.request.type': 'chat', 'gen_ai.system': 'Cohere' },
        events: [{ name: 'llm.content.completion.chunk', offsetMs: 75 }],
      }),
    );
    assertMs(info.ttftMs, 75);
  });

  test('AI SDK ≤ v6 ai.stream.firstChunk event without the attribute', () => {
    assertMs(doStream({}, { events: [{ name: 'ai.stream.firstChunk', offsetMs: 42 }] }).ttftMs, 42);
  });

  test('unrelated events and events before the span start are ignored', () => {
    const info = chat(
      {},
      {
        events: [
          { name: 'gen_ai.content.prompt', offsetMs: 1 },
          { name: 'gen_ai.content.completion.chunk', offsetMs: -5 },
          { name: 'gen_ai.content.completion.chunk', offsetMs: 60 },
        ],
      },
    );
    assertMs(info.ttftMs, 60);
  });

  test('a chunk at the span start is a TTFT of zero', () => {
    assert.equal(chat({}, { events: [{ name: 'First Token Stream Event', offsetMs: 0 }] }).ttftMs, 0);
  });

  test('openai-agents realtime time_to_first_token_ms is the last resort, in milliseconds', () => {
    const info = chat({ time_to_first_token_ms: 340, 'gen_ai.usage.output_tokens': 50 });
    assertMs(info.ttftMs, 340);
    // Measured from the user's turn, not the span start: no decoding time can be derived.
    assert.equal(info.tpotMs, undefined);
  });

  test('a garbage TTFT attribute falls through to the next source', () => {
    const info = chat(
      { 'gen_ai.response.time_to_first_chunk': -1, 'gen_ai.client.operation.time_to_first_chunk': 'soon' },
      {
        events: [{ name: 'First Token Stream Event', offsetMs: 80 }],
      },
    );
    assertMs(info.ttftMs, 80);
  });
});

describe('no TTFT', () => {
  test('a non-streaming request keeps no TTFT even if an attribute is present', () => {
    const info = chat({ 'gen_ai.request.stream': false, 'gen_ai.response.time_to_first_chunk': 0.2 });
    assert.equal(info.streaming, false);
    assert.equal(info.ttftMs, undefined);
    assert.equal(info.tpotMs, undefined);
  });

  test('AI SDK doGenerate is not streaming', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'ai.generateText.doGenerate',
        scopeName: 'ai',
        attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.usage.outputTokens': 20 },
      }),
    );
    assert.equal(info.kind, 'llm');
    assert.equal(info.streaming, false);
    assert.equal(info.ttftMs, undefined);
  });

  test('a model call without any TTFT source', () => {
    const info = chat({ 'gen_ai.usage.output_tokens': 20 });
    assert.equal(info.streaming, undefined);
    assert.equal(info.ttftMs, undefined);
    assert.equal(info.tpotMs, undefined);
  });

  test('only model calls get a TTFT: an agent span with the attribute has none', () => {
    const info = analyzeSpan(
      makeSpan({ attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.response.time_to_first_chunk': 0.3 } }),
    );
    assert.equal(info.kind, 'agent');
    assert.equal(info.ttftMs, undefined);
  });

  test('the AI SDK streamText wrapper is streaming but has no TTFT', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'ai.streamText',
        scopeName: 'ai',
        attributes: { 'ai.operationId': 'ai.streamText', 'ai.response.msToFirstChunk': 300 },
      }),
    );
    assert.equal(info.kind, 'agent');
    assert.equal(info.streaming, true);
    assert.equal(info.ttftMs, undefined);
  });
});

describe('TPOT = decode time / (output tokens − 1)', () => {
  test('from a TTFT attribute: span end minus first token', () => {
    const info = chat(
      { 'gen_ai.response.time_to_first_chunk': 0.25, 'gen_ai.usage.output_tokens': 101 },
      { durationMs: 1250 },
    );
    assertMs(info.tpotMs, (1250 - 250) / 100);
  });

  test('from a first-chunk event, using the event time', () => {
    const info = chat(
      { 'gen_ai.usage.output_tokens': 11 },
      { durationMs: 1123.456, events: [{ name: 'First Token Stream Event', offsetMs: 123.456 }] },
    );
    assertMs(info.tpotMs, 1000 / 10);
  });

  test('AI SDK: msToFinish − msToFirstChunk, not the span end', () => {
    const info = doStream(
      { 'ai.response.msToFirstChunk': 180, 'ai.response.msToFinish': 980, 'ai.usage.outputTokens': 41 },
      { durationMs: 1500 },
    );
    assertMs(info.ttftMs, 180);
    assertMs(info.tpotMs, (980 - 180) / 40);
  });

  test('AI SDK without msToFinish falls back to the span end', () => {
    const info = doStream({ 'ai.response.msToFirstChunk': 200, 'ai.usage.outputTokens': 21 }, { durationMs: 1200 });
    assertMs(info.tpotMs, 1000 / 20);
  });

  test('never inverts avgOutputTokensPerSecond, which includes TTFT', () => {
    const info = doStream(
      {
        'ai.response.msToFirstChunk': 200,
        'ai.response.msToFinish': 1200,
        'ai.usage.outputTokens': 21,
        // 1000 · 21 / 1200: inverting it would give 57.1 ms per token.
        'ai.response.avgOutputTokensPerSecond': 17.5,
      },
      { durationMs: 1300 },
    );
    assertMs(info.tpotMs, 50);
  });

  test('one output token has no decode phase', () => {
    assert.equal(
      chat({ 'gen_ai.response.time_to_first_chunk': 0.1, 'gen_ai.usage.output_tokens': 1 }).tpotMs,
      undefined,
    );
  });

  test('unknown output tokens give no TPOT (streams often omit usage)', () => {
    const info = chat({ 'gen_ai.response.time_to_first_chunk': 0.1 });
    assertMs(info.ttftMs, 100);
    assert.equal(info.tpotMs, undefined);
  });

  test('a first token after the finish gives no TPOT', () => {
    const info = doStream({
      'ai.response.msToFirstChunk': 500,
      'ai.response.msToFinish': 400,
      'ai.usage.outputTokens': 10,
    });
    assertMs(info.ttftMs, 500);
    assert.equal(info.tpotMs, undefined);
  });
});

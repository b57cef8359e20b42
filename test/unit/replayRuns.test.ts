/**
 * Replay's wire forms for Gemini and Ollama (a gateway span's request comes back as sent; OpenAI's and Anthropic's
 * are in replayDocument.test.ts), what an OpenAI-compatible endpoint route is sent, and Replay ×N's summary: answers
 * equal but for whitespace are one, most frequent first, with the spread of the runs' figures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderId } from '../../src/core/gateway/wire';
import { buildReplayDocument } from '../../src/core/replay/buildDocument';
import { wireRequestFor } from '../../src/core/modelRoutes/tracedCall';
import { renderRunsSummary, summarizeRuns, type RunOutcome } from '../../src/core/replay/runsSummary';
import { toWireRequest } from '../../src/core/modelRoutes/wireRequest';
import { gatewayCallSpan } from '../support/gatewaySpan';

function roundTrip(provider: ProviderId, path: string, body: Record<string, unknown>) {
  const span = gatewayCallSpan(provider, path, body);
  const built = buildReplayDocument(span);
  assert.ok('document' in built);
  return built.document;
}

const SCHEMA = { type: 'object', properties: { q: { type: 'string' } } };

describe('replay wire forms', () => {
  it('gives back the Gemini request the app sent', () => {
    const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
    const body = {
      systemInstruction: { parts: [{ text: 'Be kind.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      tools: [{ functionDeclarations: [{ name: 'search', description: 'Searches', parameters: SCHEMA }] }],
      generationConfig: { temperature: 0.3, maxOutputTokens: 200 },
    };
    assert.deepEqual(toWireRequest(roundTrip('gemini', path, body)), { provider: 'gemini', path, body });
  });

  it('gives back the Ollama request the app sent', () => {
    const body = {
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hi' },
      ],
      tools: [{ type: 'function', function: { name: 'search', parameters: SCHEMA } }],
      options: { temperature: 0.1, num_predict: 50 },
      stream: true,
    };
    assert.deepEqual(toWireRequest(roundTrip('ollama', '/api/chat', body)), {
      provider: 'ollama',
      path: '/api/chat',
      body,
    });
  });

  it('sends an Anthropic call to an OpenAI-compatible endpoint in OpenAI’s form, with the endpoint’s model', () => {
    const document = roundTrip('anthropic', '/v1/messages', {
      model: 'claude-sonnet-4-5',
      system: 'Be kind.',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 100,
    });
    const route = { kind: 'endpoint', url: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: undefined } as const;
    const request = wireRequestFor(route, document);
    assert.equal(request.path, '/chat/completions');
    assert.equal(request.body.model, 'llama3.2');
    assert.deepEqual(request.body.messages, [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.equal(request.body.max_tokens, 100);
  });
});

function outcome(text: string, durationMs: number, outputTokens: number, error?: string): RunOutcome {
  return { text, error, traceId: 't', durationMs, ttftMs: undefined, inputTokens: 10, outputTokens };
}

describe('Replay ×N summary', () => {
  const outcomes = [
    outcome('Paris.', 300, 3),
    outcome('It is\n  Paris.', 500, 5),
    outcome(' Paris. ', 100, 3),
    outcome('', 50, 0, 'HTTP 429'),
    outcome('It is Paris.', 900, 4),
    outcome('Lyon.', 200, 2),
  ];
  const summary = summarizeRuns(outcomes);

  it('counts answers equal but for whitespace as one, most frequent first, in the order they came', () => {
    assert.deepEqual(
      summary.answers.map((answer) => [answer.text, answer.runs]),
      [
        ['Paris.', [1, 3]],
        ['It is\n  Paris.', [2, 5]],
        ['Lyon.', [6]],
      ],
    );
    assert.deepEqual(summary.failures, [{ run: 4, error: 'HTTP 429' }]);
  });

  it('spreads the answered runs’ figures as min, median and max', () => {
    assert.deepEqual(summary.durationMs, { min: 100, p50: 300, max: 900 });
    assert.deepEqual(summary.outputTokens, { min: 2, p50: 3, max: 5 });
    assert.equal(summary.ttftMs, undefined);
  });

  it('renders the counts and each answer as text', () => {
    const text = renderRunsSummary(summary, 'Replay of chat gpt-4o');
    assert.match(text, /^# Replay of chat gpt-4o: 6 runs/);
    assert.match(text, /3 distinct answers, 1 failed run\./);
    assert.match(text, /## Answer 1: 2 of 6 \(runs 1, 3\)\n\n```text\nParis\.\n```/);
    assert.match(text, /## Run 4 failed\n\n```text\nHTTP 429\n```/);
    assert.doesNotMatch(text, /time to first token/);
  });
});

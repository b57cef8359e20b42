/**
 * No request or response can make a provider throw: bodies come from clients and upstreams the gateway does not
 * control. Random bytes, and realistic events with one field swapped for a value of another type, are read in every
 * framing each provider has.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROVIDERS } from '../../../../src/core/gateway/providers/index';
import { PROVIDER_IDS, type ModelCall } from '../../../../src/core/gateway/wire';
import { readResponse } from './recordingSink';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const ODD_VALUES: unknown[] = [null, 0, -1, 'x', '', true, [], {}, [null, 1, 'y'], { index: 'a', type: 7 }];

/** A copy of `value` with one node, chosen by `next`, replaced by an odd value. */
function mutate(value: unknown, next: () => number): unknown {
  if (next() < 0.2) return ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
  if (Array.isArray(value)) return value.map((item) => mutate(item, next));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mutate(item, next)]));
  }
  return value;
}

const SAMPLES: Record<string, unknown[]> = {
  openai: [
    {
      id: 'c',
      model: 'm',
      choices: [
        {
          index: 0,
          delta: { content: 'a', tool_calls: [{ index: 0, function: { name: 'f', arguments: '{' } }] },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 1, prompt_tokens_details: { cached_tokens: 0 } },
    },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: { type: 'function_call', call_id: 'c', name: 'f', arguments: '' },
    },
    {
      type: 'response.completed',
      response: {
        id: 'r',
        status: 'incomplete',
        incomplete_details: { reason: 'x' },
        output: [{ type: 'reasoning', summary: [{ text: 't' }] }],
        usage: { input_tokens: 1, output_tokens_details: { reasoning_tokens: 1 } },
        error: { code: 'c' },
      },
    },
    { type: 'error', code: 'c', message: 'm', error: { type: 't' } },
  ],
  anthropic: [
    {
      type: 'message_start',
      message: {
        id: 'm',
        model: 'c',
        content: [{ type: 'tool_use', input: { a: 1 } }],
        usage: { input_tokens: 1, cache_read_input_tokens: 2 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'n', input: {} } },
    { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{' } },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
    { type: 'error', error: { type: 'overloaded_error', message: 'o' } },
  ],
  gemini: [
    {
      candidates: [
        {
          index: 0,
          content: { parts: [{ text: 't', thought: true }, { functionCall: { name: 'f', args: {} } }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 1, thoughtsTokenCount: 2 },
      promptFeedback: { blockReason: 'SAFETY' },
      responseId: 'r',
      modelVersion: 'v',
    },
    { error: { code: 500, message: 'm', status: 'INTERNAL' } },
  ],
  ollama: [
    {
      model: 'm',
      message: { content: 'a', thinking: 'b', tool_calls: [{ function: { name: 'f', arguments: {} } }] },
      response: 'r',
      done: true,
      done_reason: 'stop',
      prompt_eval_count: 1,
      eval_count: 2,
    },
    { model: 'm', embeddings: [[1]], prompt_eval_count: 1 },
    { error: 'e' },
  ],
};

const REQUESTS: Record<string, [string, unknown][]> = {
  openai: [
    [
      '/chat/completions',
      {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] },
          { role: 'tool', content: [{ text: 'a' }] },
        ],
        stop: ['a'],
        stream_options: {},
      },
    ],
    [
      '/responses',
      {
        input: [
          { type: 'function_call', arguments: '{' },
          { role: 'user', content: [{ type: 'input_audio', input_audio: {} }] },
        ],
        instructions: 'i',
      },
    ],
  ],
  anthropic: [
    [
      '/v1/messages',
      {
        system: [{ type: 'text', text: 's' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'url' } },
              { type: 'tool_result', content: [{ type: 'text', text: 'a' }] },
            ],
          },
        ],
      },
    ],
  ],
  gemini: [
    [
      '/v1beta/models/m:streamGenerateContent',
      {
        contents: [
          { role: 'model', parts: [{ inlineData: { mimeType: 'x' } }, { fileData: {} }, { functionResponse: {} }] },
        ],
        generationConfig: { stopSequences: 'a' },
        systemInstruction: { parts: [] },
      },
    ],
  ],
  ollama: [
    [
      '/api/chat',
      { messages: [{ role: 'assistant', images: [1], tool_calls: [{ function: {} }] }], options: { stop: 'x' } },
    ],
    ['/api/generate', { prompt: 'p', images: ['i'], system: 's' }],
  ],
};

const FRAMINGS: [string, (events: unknown[]) => string][] = [
  ['text/event-stream', (events) => events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')],
  ['application/x-ndjson', (events) => events.map((event) => JSON.stringify(event) + '\n').join('')],
  ['application/json', (events) => JSON.stringify(events.length === 1 ? events[0] : events)],
];

function calls(id: string, next: () => number): ModelCall[] {
  const wire = PROVIDERS[id as keyof typeof PROVIDERS];
  return (REQUESTS[id] ?? []).flatMap(([path, body]) => {
    const call = wire.parseRequest('POST', path, mutate(body, next));
    return call ? [call, { ...call, stream: !call.stream }] : [];
  });
}

test('PROVIDERS holds each provider under its own id', () => {
  assert.deepEqual(Object.keys(PROVIDERS).sort(), [...PROVIDER_IDS].sort());
  for (const id of PROVIDER_IDS) assert.equal(PROVIDERS[id].id, id);
  assert.deepEqual(
    PROVIDER_IDS.map((id) => PROVIDERS[id].providerName),
    ['openai', 'anthropic', 'gcp.gemini', 'ollama'],
  );
});

test('requests and answers of any shape never make a reader throw', () => {
  const next = random(20240607);
  for (const id of PROVIDER_IDS) {
    const wire = PROVIDERS[id];
    for (let round = 0; round < 150; round++) {
      for (const call of calls(id, next)) {
        const events = (SAMPLES[id] ?? []).map((event) => mutate(event, next));
        const noise = Uint8Array.from({ length: 64 }, () => Math.floor(next() * 256));
        for (const [mediaType, frame] of FRAMINGS) {
          for (const status of [200, 500]) {
            assert.doesNotThrow(
              () => readResponse(wire, call, status, mediaType, [frame(events), noise]),
              `${id} ${mediaType}`,
            );
          }
        }
      }
    }
    for (const [path] of REQUESTS[id] ?? []) {
      for (const body of [undefined, null, 'text', 3, [], { messages: 'x', contents: 1, input: {}, system: 2 }]) {
        assert.ok(wire.parseRequest('POST', path, body), `${id} ${path} is still a model call`);
      }
    }
  }
});

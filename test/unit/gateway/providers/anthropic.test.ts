import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { anthropic } from '../../../../src/core/gateway/providers/anthropic';
import { assertEveryChunking, modelCall, readResponse, sse } from './recordingSink';

const SSE = 'text/event-stream';

describe('anthropic requests', () => {
  test('Messages: system apart, content blocks as parts, parameters and tools', () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }];
    assert.deepEqual(
      anthropic.parseRequest('POST', '/v1/messages', {
        model: 'claude-sonnet-4-20250514',
        max_tokens: 1024,
        stream: true,
        temperature: 1,
        top_p: 0.95,
        top_k: 40,
        stop_sequences: ['\n\nHuman:'],
        tools,
        system: [{ type: 'text', text: 'You are a weather bot.', cache_control: { type: 'ephemeral' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
              { type: 'text', text: 'Weather here?' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Use the tool.', signature: 'EqQB' },
              { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: '21 °C' }] }],
          },
          { role: 'assistant', content: 'It is 21 °C.' },
        ],
      }),
      {
        operation: 'chat',
        model: 'claude-sonnet-4-20250514',
        stream: true,
        parameters: { temperature: 1, topP: 0.95, topK: 40, maxTokens: 1024, stopSequences: ['\n\nHuman:'] },
        toolDefinitions: tools,
        systemInstructions: [{ type: 'text', content: 'You are a weather bot.' }],
        inputMessages: [
          {
            role: 'user',
            parts: [
              { type: 'blob', modality: 'image', mime_type: 'image/jpeg' },
              { type: 'text', content: 'Weather here?' },
            ],
          },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: 'Use the tool.' },
              { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: { location: 'Paris' } },
            ],
          },
          { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_01', response: '21 °C' }] },
          { role: 'assistant', parts: [{ type: 'text', content: 'It is 21 °C.' }] },
        ],
        streamWithoutUsage: false,
      },
    );
    const plain = modelCall(anthropic, '/v1/messages', { model: 'claude-3-5-haiku-latest', system: 'Be brief.' });
    assert.equal(plain.stream, false);
    assert.deepEqual(plain.systemInstructions, [{ type: 'text', content: 'Be brief.' }]);
  });

  test('counting tokens, batches and model lists are not model calls', () => {
    assert.equal(anthropic.parseRequest('POST', '/v1/messages/count_tokens', { model: 'x' }), undefined);
    assert.equal(anthropic.parseRequest('POST', '/v1/messages/batches', {}), undefined);
    assert.equal(anthropic.parseRequest('GET', '/v1/models', undefined), undefined);
    assert.equal(anthropic.parseRequest('GET', '/v1/messages', undefined), undefined);
  });

  test('errorBody is Anthropic’s error shape', () => {
    assert.deepEqual(JSON.parse(anthropic.errorBody(502, 'Could not reach https://api.anthropic.com')), {
      type: 'error',
      error: { type: 'api_error', message: 'Could not reach https://api.anthropic.com' },
    });
    assert.deepEqual(JSON.parse(anthropic.errorBody(413, 'Request too large')), {
      type: 'error',
      error: { type: 'request_too_large', message: 'Request too large' },
    });
  });
});

const call = modelCall(anthropic, '/v1/messages', { model: 'claude-sonnet-4-20250514', stream: true });

function messageStart(usage: object): object {
  return {
    type: 'message_start',
    message: {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-sonnet-4-20250514',
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  };
}

describe('anthropic streams', () => {
  test('thinking, text and a tool call; input tokens include cache reads and writes', () => {
    const body = sse(
      [
        messageStart({
          input_tokens: 25,
          cache_creation_input_tokens: 100,
          cache_read_input_tokens: 2000,
          output_tokens: 1,
        }),
        { type: 'ping' },
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Paris… météo' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBCgIYAhIM' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Voilà ' } },
        { type: 'content_block_stop', index: 1 },
        {
          type: 'content_block_start',
          index: 2,
          content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: {} },
        },
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '' } },
        {
          type: 'content_block_delta',
          index: 2,
          delta: { type: 'input_json_delta', partial_json: '{"location": "Par' },
        },
        { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: 'is"}' } },
        { type: 'content_block_stop', index: 2 },
        {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { output_tokens: 89 },
        },
        { type: 'message_stop' },
      ],
      true,
    );
    assertEveryChunking(anthropic, call, SSE, body, [
      ['responseId', 'msg_01XFDUDYJgAACzvnptvVoYEL'],
      ['responseModel', 'claude-sonnet-4-20250514'],
      ['usage', { inputTokens: 2125, outputTokens: 1, cacheReadTokens: 2000, cacheWriteTokens: 100 }],
      ['reasoning', 'Paris… météo'],
      ['text', 'Voilà '],
      ['toolCall', 0, { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' }],
      ['toolCall', 0, { argumentsDelta: '{"location": "Par' }],
      ['toolCall', 0, { argumentsDelta: 'is"}' }],
      ['finishReason', 'tool_use'],
      ['usage', { outputTokens: 89 }],
    ]);
  });

  test('input counts in message_delta are summed with the cache counts already seen', () => {
    const body = sse([
      messageStart({ input_tokens: 10, cache_read_input_tokens: 500, output_tokens: 1 }),
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 12, output_tokens: 30 } },
      {
        type: 'message_delta',
        delta: {},
        usage: { input_tokens: 12, cache_creation_input_tokens: 40, cache_read_input_tokens: 500, output_tokens: 31 },
      },
    ]);
    assert.deepEqual(readResponse(anthropic, call, 200, SSE, [body]).slice(2), [
      ['usage', { inputTokens: 510, outputTokens: 1, cacheReadTokens: 500 }],
      ['finishReason', 'end_turn'],
      ['usage', { inputTokens: 512, outputTokens: 30 }],
      ['usage', { inputTokens: 552, outputTokens: 31, cacheReadTokens: 500, cacheWriteTokens: 40 }],
    ]);
  });

  test('an error event reports its type; a malformed event is skipped', () => {
    const body =
      sse([{ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }], true) +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_\n\n' +
      sse([{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }], true);
    assert.deepEqual(readResponse(anthropic, call, 200, SSE, [body]), [
      ['text', 'Hi'],
      ['error', 'overloaded_error', 'Overloaded'],
    ]);
  });
});

describe('anthropic whole answers', () => {
  test('a non-streamed message: its blocks, stop reason and usage', () => {
    const body = JSON.stringify({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-haiku-20241022',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_02', name: 'get_weather', input: { location: 'Oslo' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 2095, output_tokens: 503, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    assert.deepEqual(readResponse(anthropic, { ...call, stream: false }, 200, 'application/json', [body]), [
      ['responseId', 'msg_013Zva2CMHLNnXjNJJKqJ2EF'],
      ['responseModel', 'claude-3-5-haiku-20241022'],
      ['usage', { inputTokens: 2095, outputTokens: 503, cacheReadTokens: 0, cacheWriteTokens: 0 }],
      ['text', 'Let me check.'],
      ['toolCall', 0, { id: 'toolu_02', name: 'get_weather', argumentsDelta: '{"location":"Oslo"}' }],
      ['finishReason', 'tool_use'],
    ]);
  });

  test('an error answer reports Anthropic’s error type', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: 'req_011',
    });
    for (const status of [401, 200]) {
      assert.deepEqual(readResponse(anthropic, call, status, 'application/json', [body]), [
        ['error', 'authentication_error', 'invalid x-api-key'],
      ]);
    }
  });
});

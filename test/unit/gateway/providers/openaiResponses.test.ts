import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openai } from '../../../../src/core/gateway/providers/openai';
import { assertEveryChunking, modelCall, readResponse, sse } from './recordingSink';

const call = modelCall(openai, '/responses', { model: 'o4-mini', stream: true, input: 'Weather in Paris?' });

const inProgress = {
  id: 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654',
  object: 'response',
  created_at: 1741290958,
  status: 'in_progress',
  model: 'o4-mini-2025-04-16',
  output: [],
  usage: null,
};

test('a Responses API stream: reasoning summary, a function call by output index, text, then completion', () => {
  const body = sse(
    [
      { type: 'response.created', sequence_number: 0, response: inProgress },
      { type: 'response.in_progress', sequence_number: 1, response: inProgress },
      {
        type: 'response.output_item.added',
        sequence_number: 2,
        output_index: 0,
        item: { id: 'rs_1', type: 'reasoning', summary: [] },
      },
      {
        type: 'response.reasoning_summary_text.delta',
        sequence_number: 3,
        item_id: 'rs_1',
        output_index: 0,
        summary_index: 0,
        delta: '**Looking up** the weather',
      },
      {
        type: 'response.output_item.added',
        sequence_number: 4,
        output_index: 1,
        item: {
          id: 'fc_1',
          type: 'function_call',
          status: 'in_progress',
          arguments: '',
          call_id: 'call_1',
          name: 'get_weather',
        },
      },
      {
        type: 'response.function_call_arguments.delta',
        sequence_number: 5,
        item_id: 'fc_1',
        output_index: 1,
        delta: '{"city":',
      },
      {
        type: 'response.function_call_arguments.delta',
        sequence_number: 6,
        item_id: 'fc_1',
        output_index: 1,
        delta: '"Paris"}',
      },
      {
        type: 'response.output_item.added',
        sequence_number: 7,
        output_index: 2,
        item: { id: 'msg_1', type: 'message', status: 'in_progress', content: [], role: 'assistant' },
      },
      {
        type: 'response.output_text.delta',
        sequence_number: 8,
        item_id: 'msg_1',
        output_index: 2,
        content_index: 0,
        delta: 'Il fait beau à Paris',
        logprobs: [],
      },
      {
        type: 'response.completed',
        sequence_number: 9,
        response: {
          ...inProgress,
          status: 'completed',
          output: [{ id: 'msg_1', type: 'message', content: [{ type: 'output_text', text: 'Il fait beau à Paris' }] }],
          usage: {
            input_tokens: 36,
            input_tokens_details: { cached_tokens: 8 },
            output_tokens: 87,
            output_tokens_details: { reasoning_tokens: 64 },
            total_tokens: 123,
          },
        },
      },
    ],
    true,
  );
  assertEveryChunking(openai, call, 'text/event-stream', body, [
    ['responseId', 'resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654'],
    ['responseModel', 'o4-mini-2025-04-16'],
    ['reasoning', '**Looking up** the weather'],
    ['toolCall', 0, { id: 'call_1', name: 'get_weather' }],
    ['toolCall', 0, { argumentsDelta: '{"city":' }],
    ['toolCall', 0, { argumentsDelta: '"Paris"}' }],
    ['text', 'Il fait beau à Paris'],
    ['finishReason', 'completed'],
    ['usage', { inputTokens: 36, outputTokens: 87, cacheReadTokens: 8, reasoningTokens: 64 }],
  ]);
});

test('an incomplete response reports why; error events and failed responses report errors', () => {
  const body = sse(
    [
      { type: 'error', code: 'rate_limit_exceeded', message: 'Rate limit reached', param: null, sequence_number: 1 },
      {
        type: 'response.failed',
        sequence_number: 2,
        response: { ...inProgress, status: 'failed', error: { code: 'server_error', message: 'Something went wrong' } },
      },
      {
        type: 'response.incomplete',
        sequence_number: 3,
        response: { ...inProgress, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
      },
    ],
    true,
  );
  assert.deepEqual(readResponse(openai, call, 200, 'text/event-stream', [body]), [
    ['error', 'rate_limit_exceeded', 'Rate limit reached'],
    ['responseId', inProgress.id],
    ['responseModel', inProgress.model],
    ['error', 'server_error', 'Something went wrong'],
    ['finishReason', 'max_output_tokens'],
  ]);
});

test('a non-streamed response: its output items in order', () => {
  const body = JSON.stringify({
    ...inProgress,
    status: 'completed',
    output: [
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan' }] },
      { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Sunny.', annotations: [] }],
      },
    ],
    usage: { input_tokens: 10, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 30 },
  });
  assert.deepEqual(readResponse(openai, { ...call, stream: false }, 200, 'application/json', [body]), [
    ['responseId', inProgress.id],
    ['responseModel', inProgress.model],
    ['reasoning', 'Plan'],
    ['toolCall', 0, { id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":"Paris"}' }],
    ['text', 'Sunny.'],
    ['finishReason', 'completed'],
    ['usage', { inputTokens: 10, outputTokens: 20, reasoningTokens: 5 }],
  ]);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ollama } from '../../../../src/core/gateway/providers/ollama';
import { assertEveryChunking, modelCall, readResponse } from './recordingSink';

const NDJSON = 'application/x-ndjson';

describe('ollama requests', () => {
  test('/api/chat streams unless told not to; options are the parameters', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    assert.deepEqual(
      ollama.parseRequest('POST', '/api/chat', {
        model: 'qwen3:0.6b',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'What is in this picture?', images: ['iVBORw0KGgo='] },
          {
            role: 'assistant',
            content: '',
            thinking: 'A tool helps.',
            tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Berlin' } } }],
          },
          { role: 'tool', content: '12 °C', tool_name: 'get_weather' },
        ],
        tools,
        options: { temperature: 0.3, top_p: 0.8, top_k: 20, num_predict: 128, seed: 42, stop: ['\n'] },
      }),
      {
        operation: 'chat',
        model: 'qwen3:0.6b',
        stream: true,
        parameters: { temperature: 0.3, topP: 0.8, topK: 20, maxTokens: 128, seed: 42, stopSequences: ['\n'] },
        toolDefinitions: tools,
        systemInstructions: undefined,
        inputMessages: [
          { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'What is in this picture?' },
              { type: 'blob', modality: 'image' },
            ],
          },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: 'A tool helps.' },
              { type: 'tool_call', id: undefined, name: 'get_weather', arguments: { city: 'Berlin' } },
            ],
          },
          { role: 'tool', parts: [{ type: 'tool_call_response', response: '12 °C' }] },
        ],
        streamWithoutUsage: false,
      },
    );
    assert.equal(modelCall(ollama, '/api/chat', { model: 'llama3.2', stream: false }).stream, false);
  });

  test('/api/generate: prompt and system; embeddings never stream; other paths are not model calls', () => {
    const generate = modelCall(ollama, '/api/generate', { model: 'llama3.2', prompt: 'Why?', system: 'Short.' });
    assert.equal(generate.operation, 'text_completion');
    assert.equal(generate.stream, true);
    assert.deepEqual(generate.systemInstructions, [{ type: 'text', content: 'Short.' }]);
    assert.deepEqual(generate.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'Why?' }] }]);
    const embed = modelCall(ollama, '/api/embed', { model: 'all-minilm', input: ['a', 'b'] });
    assert.deepEqual([embed.operation, embed.stream], ['embeddings', false]);
    assert.equal(modelCall(ollama, '/api/embeddings', { model: 'all-minilm', prompt: 'a' }).operation, 'embeddings');
    assert.equal(ollama.parseRequest('GET', '/api/tags', undefined), undefined);
    assert.equal(ollama.parseRequest('POST', '/api/pull', { model: 'x' }), undefined);
    assert.equal(ollama.parseRequest('POST', '/api/show', { model: 'x' }), undefined);
  });

  test('errorBody is Ollama’s error shape', () => {
    assert.deepEqual(JSON.parse(ollama.errorBody(502, 'Could not reach http://127.0.0.1:11434')), {
      error: 'Could not reach http://127.0.0.1:11434',
    });
  });
});

function line(fields: object): string {
  return JSON.stringify({ model: 'qwen3:0.6b', created_at: '2025-06-01T10:00:00.123456Z', ...fields }) + '\n';
}

describe('ollama answers', () => {
  const chat = modelCall(ollama, '/api/chat', { model: 'qwen3:0.6b' });

  test('an NDJSON chat stream: thinking, text, a tool call, and the done line with the counts', () => {
    const body =
      line({ message: { role: 'assistant', content: '', thinking: 'Hmm' }, done: false }) +
      line({ message: { role: 'assistant', content: 'Grüß dich' }, done: false }) +
      line({
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Berlin' } } }],
        },
        done: false,
      }) +
      line({
        message: { role: 'assistant', content: '' },
        done_reason: 'stop',
        done: true,
        total_duration: 4883583458,
        load_duration: 1334875,
        prompt_eval_count: 26,
        prompt_eval_duration: 342546000,
        eval_count: 42,
        eval_duration: 4535599000,
      });
    assertEveryChunking(ollama, chat, NDJSON, body, [
      ['responseModel', 'qwen3:0.6b'],
      ['reasoning', 'Hmm'],
      ['text', 'Grüß dich'],
      ['toolCall', 0, { name: 'get_weather', argumentsDelta: '{"city":"Berlin"}' }],
      ['finishReason', 'stop'],
      ['usage', { inputTokens: 26, outputTokens: 42 }],
    ]);
  });

  test('a generate stream puts text and thinking at the top level; a malformed line is skipped; an error line', () => {
    const generate = modelCall(ollama, '/api/generate', { model: 'qwen3:0.6b', prompt: 'Hi' });
    const body =
      line({ response: '', thinking: 'Greeting', done: false }) +
      line({ response: 'Hello', done: false }) +
      '{"model":"qwen3:0.6b","response":\n' +
      '{"error":"an error was encountered while running the model: unexpected EOF"}\n';
    assert.deepEqual(readResponse(ollama, generate, 200, NDJSON, [body]), [
      ['responseModel', 'qwen3:0.6b'],
      ['reasoning', 'Greeting'],
      ['text', 'Hello'],
      ['error', 'error', 'an error was encountered while running the model: unexpected EOF'],
    ]);
  });

  test('non-streamed answers: a chat message, and embed with its input count', () => {
    const body = line({
      message: { role: 'assistant', content: 'Hi!' },
      done_reason: 'stop',
      done: true,
      prompt_eval_count: 9,
      eval_count: 3,
    });
    assert.deepEqual(readResponse(ollama, { ...chat, stream: false }, 200, 'application/json; charset=utf-8', [body]), [
      ['responseModel', 'qwen3:0.6b'],
      ['text', 'Hi!'],
      ['finishReason', 'stop'],
      ['usage', { inputTokens: 9, outputTokens: 3 }],
    ]);
    const embed = modelCall(ollama, '/api/embed', { model: 'all-minilm', input: 'x' });
    const embedded = JSON.stringify({ model: 'all-minilm', embeddings: [[0.01, -0.2]], prompt_eval_count: 8 });
    assert.deepEqual(readResponse(ollama, embed, 200, 'application/json', [embedded]), [
      ['responseModel', 'all-minilm'],
      ['usage', { inputTokens: 8 }],
    ]);
  });

  test('an error answer reports its status as the type', () => {
    const body = JSON.stringify({ error: "model 'llama9' not found" });
    assert.deepEqual(readResponse(ollama, chat, 404, 'application/json', [body]), [
      ['error', '404', "model 'llama9' not found"],
    ]);
  });
});

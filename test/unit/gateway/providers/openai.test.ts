import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openai } from '../../../../src/core/gateway/providers/openai';
import { assertEveryChunking, modelCall, readResponse, sse } from './recordingSink';

const SSE = 'text/event-stream';
const JSON_TYPE = 'application/json';

/** A chat completion chunk as OpenAI streams it: the same id, model and fingerprint on every one. */
function chunk(choices: unknown[], usage: unknown = null): object {
  return {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    object: 'chat.completion.chunk',
    created: 1741569952,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: 'fp_06737a9306',
    choices,
    usage,
  };
}

function delta(delta: object, finishReason: string | null = null, index = 0): object {
  return { index, delta, logprobs: null, finish_reason: finishReason };
}

describe('openai requests', () => {
  test('chat completions: messages, parameters, tools, and whether a stream will carry usage', () => {
    const body = {
      model: 'gpt-4o-mini',
      stream: true,
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 512,
      frequency_penalty: 0.5,
      presence_penalty: 0.1,
      seed: 7,
      n: 2,
      stop: 'END',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21 °C' },
      ],
    };
    assert.deepEqual(openai.parseRequest('POST', '/chat/completions', body), {
      operation: 'chat',
      model: 'gpt-4o-mini',
      stream: true,
      parameters: {
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 512,
        frequencyPenalty: 0.5,
        presencePenalty: 0.1,
        seed: 7,
        stopSequences: ['END'],
        choiceCount: 2,
      },
      toolDefinitions: body.tools,
      systemInstructions: undefined,
      inputMessages: [
        { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'What is this?' },
            { type: 'blob', modality: 'image', mime_type: 'image/png' },
            { type: 'uri', modality: 'image' },
          ],
        },
        {
          role: 'assistant',
          parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
        },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'Sunny, 21 °C' }] },
      ],
      streamWithoutUsage: true,
    });
    const withUsage = modelCall(openai, '/chat/completions', { ...body, stream_options: { include_usage: true } });
    assert.equal(withUsage.streamWithoutUsage, false);
    const notStreamed = modelCall(openai, '/chat/completions', { ...body, stream: false });
    assert.equal(notStreamed.stream, false);
    assert.equal(notStreamed.streamWithoutUsage, false);
  });

  test('Azure and /v1 paths match by their end; the deployment names the model when the body does not', () => {
    const azure = modelCall(openai, '/deployments/my-gpt4o/chat/completions?api-version=2024-10-21', {
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(azure.operation, 'chat');
    assert.equal(azure.model, 'my-gpt4o');
    assert.equal(modelCall(openai, '/openai/deployments/d/embeddings', { model: 'ada', input: 'x' }).model, 'ada');
    assert.equal(modelCall(openai, '/v1/chat/completions', { model: 'llama3.2' }).model, 'llama3.2');
  });

  test('the Responses API: instructions apart, items as messages, usage always sent', () => {
    const call = modelCall(openai, '/responses', {
      model: 'o4-mini',
      stream: true,
      instructions: 'You are terse.',
      max_output_tokens: 300,
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need the tool.' }] },
        { type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_9', output: '21 °C' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is 21 °C.' }] },
      ],
    });
    assert.equal(call.operation, 'chat');
    assert.equal(call.streamWithoutUsage, false);
    assert.deepEqual(call.parameters, { maxTokens: 300 });
    assert.deepEqual(call.systemInstructions, [{ type: 'text', content: 'You are terse.' }]);
    assert.deepEqual(call.inputMessages, [
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'Need the tool.' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_9', response: '21 °C' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'It is 21 °C.' }] },
    ]);
    assert.deepEqual(modelCall(openai, '/responses', { model: 'gpt-4.1', input: 'Hi' }).inputMessages, [
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
  });

  test('legacy completions and embeddings', () => {
    const completion = modelCall(openai, '/completions', {
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say this is a test',
      max_tokens: 7,
      stream: true,
    });
    assert.equal(completion.operation, 'text_completion');
    assert.equal(completion.streamWithoutUsage, true);
    assert.deepEqual(completion.inputMessages, [
      { role: 'user', parts: [{ type: 'text', content: 'Say this is a test' }] },
    ]);
    const embeddings = modelCall(openai, '/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] });
    assert.equal(embeddings.operation, 'embeddings');
    assert.equal(embeddings.stream, false);
  });

  test('what is not a model call passes through unrecorded', () => {
    assert.equal(openai.parseRequest('GET', '/models', undefined), undefined);
    assert.equal(openai.parseRequest('POST', '/files', {}), undefined);
    assert.equal(openai.parseRequest('GET', '/responses/resp_1', undefined), undefined);
    assert.equal(openai.parseRequest('POST', '/responses/resp_1/cancel', {}), undefined);
    assert.equal(openai.parseRequest('GET', '/chat/completions', undefined), undefined);
  });

  test('errorBody is OpenAI’s error shape', () => {
    assert.deepEqual(JSON.parse(openai.errorBody(502, 'Could not reach https://api.openai.com/v1')), {
      error: { message: 'Could not reach https://api.openai.com/v1', type: 'server_error', param: null, code: null },
    });
    assert.deepEqual(JSON.parse(openai.errorBody(413, 'too big')), {
      error: { message: 'too big', type: 'invalid_request_error', param: null, code: null },
    });
  });
});

describe('openai chat completion streams', () => {
  const call = modelCall(openai, '/chat/completions', { model: 'gpt-4o-mini', stream: true });

  test('role-only first chunk is not content; text split anywhere, even inside a character; usage chunk', () => {
    const body = sse([
      chunk([delta({ role: 'assistant', content: '', refusal: null })]),
      chunk([delta({ content: 'Héllo' })]),
      chunk([delta({ content: ' 世界 🌍' })]),
      chunk([delta({}, 'stop')]),
      chunk([], {
        prompt_tokens: 1200,
        completion_tokens: 130,
        total_tokens: 1330,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 64, audio_tokens: 0 },
      }),
      '[DONE]',
    ]);
    assertEveryChunking(openai, call, SSE, body, [
      ['responseId', 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT'],
      ['responseModel', 'gpt-4o-mini-2024-07-18'],
      ['text', 'Héllo', 0],
      ['text', ' 世界 🌍', 0],
      ['finishReason', 'stop', 0],
      ['usage', { inputTokens: 1200, outputTokens: 130, cacheReadTokens: 1024, reasoningTokens: 64 }],
    ]);
  });

  test('tool calls: id and name first, then argument pieces, for each index', () => {
    const body = sse([
      chunk([
        delta({
          role: 'assistant',
          content: null,
          tool_calls: [
            { index: 0, id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
          refusal: null,
        }),
      ]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: '{"city"' } }] })]),
      chunk([delta({ tool_calls: [{ index: 0, function: { arguments: ':"Paris"}' } }] })]),
      chunk([delta({ tool_calls: [{ index: 1, id: 'call_def', type: 'function', function: { name: 'now' } }] })]),
      chunk([delta({}, 'tool_calls')]),
      '[DONE]',
    ]);
    assert.deepEqual(readResponse(openai, call, 200, SSE, [body]), [
      ['responseId', 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT'],
      ['responseModel', 'gpt-4o-mini-2024-07-18'],
      ['toolCall', 0, { id: 'call_abc', name: 'get_weather' }, 0],
      ['toolCall', 0, { argumentsDelta: '{"city"' }, 0],
      ['toolCall', 0, { argumentsDelta: ':"Paris"}' }, 0],
      ['toolCall', 1, { id: 'call_def', name: 'now' }, 0],
      ['finishReason', 'tool_calls', 0],
    ]);
  });

  test('reasoning_content (DeepSeek, vLLM) and reasoning (Ollama /v1) are reasoning, not text; choices kept apart', () => {
    const body = sse([
      chunk([delta({ role: 'assistant', content: null, reasoning_content: 'Let me see' })]),
      chunk([delta({ content: null, reasoning: '… yes' })]),
      chunk([delta({ content: 'A' }), delta({ content: 'B' }, null, 1)]),
      chunk([delta({}, 'stop'), delta({}, 'length', 1)]),
    ]);
    const calls = readResponse(openai, call, 200, SSE, [body]).slice(2);
    assert.deepEqual(calls, [
      ['reasoning', 'Let me see', 0],
      ['reasoning', '… yes', 0],
      ['text', 'A', 0],
      ['text', 'B', 1],
      ['finishReason', 'stop', 0],
      ['finishReason', 'length', 1],
    ]);
  });

  test('an error chunk reports an error; a malformed event is skipped and reading goes on', () => {
    const body =
      sse([chunk([delta({ content: 'Hi' })])]) +
      'data: {"id":"chatcmpl-x","choices":[{"delta":\n\n' +
      sse([
        chunk([delta({ content: ' there' })]),
        {
          error: { message: 'The server had an error while processing', type: 'server_error', param: null, code: null },
        },
      ]);
    assert.deepEqual(readResponse(openai, call, 200, SSE, [body]).slice(2), [
      ['text', 'Hi', 0],
      ['text', ' there', 0],
      ['error', 'server_error', 'The server had an error while processing'],
    ]);
  });

  test('a legacy completions stream reports choices[].text', () => {
    const completion = modelCall(openai, '/completions', { model: 'gpt-3.5-turbo-instruct', stream: true });
    const text = (text: string, finish: string | null) => ({
      id: 'cmpl-7',
      object: 'text_completion',
      created: 1,
      model: 'gpt-3.5-turbo-instruct',
      choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
    });
    assert.deepEqual(
      readResponse(openai, completion, 200, SSE, [sse([text('This', null), text('', 'length'), '[DONE]'])]),
      [
        ['responseId', 'cmpl-7'],
        ['responseModel', 'gpt-3.5-turbo-instruct'],
        ['text', 'This', 0],
        ['finishReason', 'length', 0],
      ],
    );
  });
});

describe('openai non-streamed answers and errors', () => {
  const call = modelCall(openai, '/chat/completions', { model: 'gpt-4o' });

  test('a chat completion: message, tool calls, finish reason, usage', () => {
    const body = JSON.stringify({
      id: 'chatcmpl-123',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-2024-08-06',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking.',
            refusal: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    });
    assert.deepEqual(readResponse(openai, call, 200, JSON_TYPE, [body]), [
      ['responseId', 'chatcmpl-123'],
      ['responseModel', 'gpt-4o-2024-08-06'],
      ['text', 'Checking.', 0],
      ['toolCall', 0, { id: 'call_1', name: 'f', argumentsDelta: '{"a":1}' }, 0],
      ['finishReason', 'tool_calls', 0],
      ['usage', { inputTokens: 9, outputTokens: 12 }],
    ]);
  });

  test('embeddings report the model and input tokens', () => {
    const body = JSON.stringify({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.0023, -0.0093] }],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    const embeddings = modelCall(openai, '/embeddings', { model: 'text-embedding-3-small', input: 'x' });
    assert.deepEqual(readResponse(openai, embeddings, 200, JSON_TYPE, [body]), [
      ['responseModel', 'text-embedding-3-small'],
      ['usage', { inputTokens: 8 }],
    ]);
  });

  test('a non-2xx answer reports its error type and message; a body that is not JSON reports the status', () => {
    const unauthorized = JSON.stringify({
      error: {
        message: 'Incorrect API key provided: sk-abc.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    assert.deepEqual(readResponse(openai, call, 401, JSON_TYPE, [unauthorized]), [
      ['error', 'invalid_request_error', 'Incorrect API key provided: sk-abc.'],
    ]);
    const azure = JSON.stringify({ error: { code: 'DeploymentNotFound', message: 'The deployment does not exist.' } });
    assert.deepEqual(readResponse(openai, call, 404, JSON_TYPE, [azure]), [
      ['error', 'DeploymentNotFound', 'The deployment does not exist.'],
    ]);
    // Some compatible servers answer an error with status 200.
    assert.deepEqual(readResponse(openai, call, 200, JSON_TYPE, [azure]), [
      ['error', 'DeploymentNotFound', 'The deployment does not exist.'],
    ]);
    assert.deepEqual(readResponse(openai, call, 502, 'text/html', ['<html>Bad Gateway</html>\n']), [
      ['error', '502', '<html>Bad Gateway</html>'],
    ]);
  });
});

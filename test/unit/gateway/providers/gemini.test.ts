import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gemini } from '../../../../src/core/gateway/providers/gemini';
import { assertEveryChunking, modelCall, readResponse } from './recordingSink';

describe('gemini requests', () => {
  test('generateContent: model from the path, contents as messages, system instruction and generation config', () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' } }] }];
    assert.deepEqual(
      gemini.parseRequest('POST', '/v1beta/models/gemini-2.5-flash:generateContent', {
        contents: [
          {
            role: 'user',
            parts: [{ text: 'Describe this' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }],
          },
          {
            role: 'model',
            parts: [
              { text: 'Need weather.', thought: true },
              { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
            ],
          },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 30 } } }] },
        ],
        systemInstruction: { parts: [{ text: 'Answer in French.' }] },
        generationConfig: {
          temperature: 0.7,
          topP: 0.9,
          topK: 32,
          maxOutputTokens: 800,
          stopSequences: ['END'],
          candidateCount: 1,
          seed: 3,
        },
        tools,
      }),
      {
        operation: 'generate_content',
        model: 'gemini-2.5-flash',
        stream: false,
        parameters: {
          temperature: 0.7,
          topP: 0.9,
          topK: 32,
          maxTokens: 800,
          seed: 3,
          stopSequences: ['END'],
          choiceCount: 1,
        },
        toolDefinitions: tools,
        systemInstructions: [{ type: 'text', content: 'Answer in French.' }],
        inputMessages: [
          {
            role: 'user',
            parts: [
              { type: 'text', content: 'Describe this' },
              { type: 'blob', modality: 'image', mime_type: 'image/png' },
            ],
          },
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: 'Need weather.' },
              { type: 'tool_call', id: undefined, name: 'get_weather', arguments: { city: 'Rome' } },
            ],
          },
          { role: 'user', parts: [{ type: 'tool_call_response', id: undefined, response: { temp: 30 } }] },
        ],
        streamWithoutUsage: false,
      },
    );
  });

  test('streamGenerateContent streams; snake_case fields are read too', () => {
    const call = modelCall(gemini, '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', {
      contents: [{ parts: [{ text: 'Hi' }] }],
      system_instruction: { parts: [{ text: 'Be kind.' }] },
      generation_config: { max_output_tokens: 50, top_p: 0.5 },
    });
    assert.equal(call.stream, true);
    assert.equal(call.model, 'gemini-2.0-flash');
    assert.deepEqual(call.parameters, { topP: 0.5, maxTokens: 50 });
    assert.deepEqual(call.systemInstructions, [{ type: 'text', content: 'Be kind.' }]);
    assert.deepEqual(call.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
  });

  test('embedContent and batchEmbedContents are embeddings; other methods and paths are not model calls', () => {
    const embed = modelCall(gemini, '/v1beta/models/text-embedding-004:embedContent', {
      content: { parts: [{ text: 'x' }] },
    });
    assert.equal(embed.operation, 'embeddings');
    assert.equal(embed.model, 'text-embedding-004');
    assert.equal(modelCall(gemini, '/v1/models/gemini-embedding-001:batchEmbedContents', {}).operation, 'embeddings');
    assert.equal(gemini.parseRequest('POST', '/v1beta/models/gemini-2.5-flash:countTokens', {}), undefined);
    assert.equal(gemini.parseRequest('GET', '/v1beta/models', undefined), undefined);
    assert.equal(gemini.parseRequest('GET', '/v1beta/models/gemini-2.5-flash', undefined), undefined);
    assert.equal(gemini.parseRequest('POST', '/upload/v1beta/files', {}), undefined);
  });

  test('errorBody is Google’s error shape with the canonical status name', () => {
    assert.deepEqual(JSON.parse(gemini.errorBody(502, 'Could not reach the upstream')), {
      error: { code: 502, message: 'Could not reach the upstream', status: 'UNAVAILABLE' },
    });
    assert.deepEqual(JSON.parse(gemini.errorBody(413, 'Too large')), {
      error: { code: 413, message: 'Too large', status: 'INVALID_ARGUMENT' },
    });
  });
});

const streamCall = modelCall(gemini, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', {});

/** Three chunks as Gemini 2.5 streams them: a thought, visible text, then the finish with the final usage. */
const CHUNKS = [
  '{"candidates": [{"content": {"parts": [{"text": "**Planning** the {reply}","thought": true}],"role": "model"},' +
    '"index": 0}],"usageMetadata": {"promptTokenCount": 12,"totalTokenCount": 40,"thoughtsTokenCount": 28},' +
    '"modelVersion": "gemini-2.5-flash","responseId": "mHdvaJ2cDq2Z1MkP"}',
  '{"candidates": [{"content": {"parts": [{"text": "Bonjour, ça va ? \\"oui\\""}],"role": "model"},"index": 0}],' +
    '"usageMetadata": {"promptTokenCount": 12,"totalTokenCount": 44,"thoughtsTokenCount": 28},' +
    '"modelVersion": "gemini-2.5-flash","responseId": "mHdvaJ2cDq2Z1MkP"}',
  '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "get_weather","args": {"city": "Lyon"}}}],' +
    '"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 12,' +
    '"candidatesTokenCount": 9,"totalTokenCount": 49,"cachedContentTokenCount": 4,"thoughtsTokenCount": 28},' +
    '"modelVersion": "gemini-2.5-flash","responseId": "mHdvaJ2cDq2Z1MkP"}',
];

const EXPECTED = [
  ['responseId', 'mHdvaJ2cDq2Z1MkP'],
  ['responseModel', 'gemini-2.5-flash'],
  ['reasoning', '**Planning** the {reply}', 0],
  ['usage', { inputTokens: 12, outputTokens: 28, reasoningTokens: 28 }],
  ['text', 'Bonjour, ça va ? "oui"', 0],
  ['usage', { inputTokens: 12, outputTokens: 28, reasoningTokens: 28 }],
  ['toolCall', 0, { name: 'get_weather', argumentsDelta: '{"city":"Lyon"}' }, 0],
  ['finishReason', 'STOP', 0],
  ['usage', { inputTokens: 12, outputTokens: 37, cacheReadTokens: 4, reasoningTokens: 28 }],
];

describe('gemini streams', () => {
  test('SSE (alt=sse): thoughts are reasoning, output tokens include them, CRLF event ends', () => {
    const body = CHUNKS.map((chunk) => `data: ${chunk}\r\n\r\n`).join('');
    assertEveryChunking(gemini, streamCall, 'text/event-stream', body, EXPECTED);
  });

  test('without alt=sse the answer is one JSON array, read an element at a time', () => {
    const body = `[${CHUNKS.join('\n,\r\n')}\n]`;
    assertEveryChunking(gemini, streamCall, 'application/json', body, EXPECTED);
  });

  test('a malformed event is skipped; an error object in the stream reports an error; a blocked prompt', () => {
    const body = [
      'data: {"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}',
      'data: {"candidates": [{"content": ',
      'data: {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 7}}',
      'data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}',
    ]
      .map((event) => event + '\r\n\r\n')
      .join('');
    assert.deepEqual(readResponse(gemini, streamCall, 200, 'text/event-stream', [body]), [
      ['text', 'Hi', 0],
      ['finishReason', 'SAFETY'],
      ['usage', { inputTokens: 7 }],
      ['error', 'UNAVAILABLE', 'The model is overloaded.'],
    ]);
  });
});

describe('gemini whole answers', () => {
  test('generateContent answers once; candidates keep their index', () => {
    const call = modelCall(gemini, '/v1beta/models/gemini-2.0-flash:generateContent', {});
    const body = JSON.stringify({
      candidates: [
        { content: { parts: [{ text: 'One' }], role: 'model' }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'Two' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
      modelVersion: 'gemini-2.0-flash',
      responseId: 'r1',
    });
    assert.deepEqual(readResponse(gemini, call, 200, 'application/json', [body]), [
      ['responseId', 'r1'],
      ['responseModel', 'gemini-2.0-flash'],
      ['text', 'One', 0],
      ['finishReason', 'STOP', 0],
      ['text', 'Two', 1],
      ['finishReason', 'MAX_TOKENS', 1],
      ['usage', { inputTokens: 5, outputTokens: 2 }],
    ]);
  });

  test('error answers report Google’s status, as an object or inside an array', () => {
    const error = {
      error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' },
    };
    const expected = [['error', 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.']];
    assert.deepEqual(readResponse(gemini, streamCall, 400, 'application/json', [JSON.stringify(error)]), expected);
    assert.deepEqual(readResponse(gemini, streamCall, 400, 'application/json', [JSON.stringify([error])]), expected);
  });
});

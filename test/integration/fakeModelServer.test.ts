/**
 * The fake OpenAI-compatible server the producer tests rely on, checked over real HTTP (fetch): its answers are the
 * known values those tests compare with, so they must be what its options say.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ANSWER, FakeModelServer, splitInto } from '../support/fakeModelServer';

const USAGE = { promptTokens: 40, completionTokens: 12, cachedTokens: 8 };
const TOOLS = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

/** What the tests read of OpenAI's response bodies. */
interface ToolCall {
  function: { name: string; arguments: string };
}
interface ChatCompletion {
  object: string;
  model: string;
  choices: { message: { role: string; content: string | null; tool_calls?: ToolCall[] }; finish_reason: string }[];
  usage: unknown;
}
interface ChatCompletionChunk {
  model: string;
  choices: { delta: { content?: string; tool_calls?: ToolCall[] }; finish_reason: string | null }[];
  usage?: { prompt_tokens_details: { cached_tokens: number } };
}
/** `Vector` is `number[]`, or a base64 string for `encoding_format: 'base64'`. */
interface Embeddings<Vector> {
  model: string;
  data: { embedding: Vector }[];
  usage: unknown;
}
interface ErrorBody {
  error: { type: string };
}

async function post(server: FakeModelServer, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The SSE `data:` payloads of a streamed response, each with the milliseconds since the request was sent. */
async function readEvents(response: Response, sentAt: number): Promise<{ data: string; atMs: number }[]> {
  const events: { data: string; atMs: number }[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of response.body!) {
    buffered += decoder.decode(bytes as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      assert.ok(event.startsWith('data: '), event);
      events.push({ data: event.slice('data: '.length), atMs: performance.now() - sentAt });
    }
  }
  assert.equal(buffered, '');
  return events;
}

describe('fake model server', () => {
  const server = new FakeModelServer({
    usage: USAGE,
    responseModel: 'fake-model-2026-01-01',
    toolCall: { name: 'lookup', arguments: '{"query":"otel"}' },
    firstChunkDelayMs: 120,
    chunkDelayMs: 30,
    chunkCount: 3,
    failures: [
      { marker: 'PLEASE-FAIL', status: 400, message: 'Invalid prompt' },
      { call: 8, status: 500, message: 'The server had an error' },
    ],
  });
  before(() => server.start());
  after(() => server.stop());

  test('answers a chat completion with text, the configured usage and response model, after the first-chunk delay', async () => {
    const sentAt = performance.now();
    const response = await post(server, '/chat/completions', {
      model: 'fake-model',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    const elapsed = performance.now() - sentAt;
    assert.equal(response.status, 200);
    const body = (await response.json()) as ChatCompletion;
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'fake-model-2026-01-01');
    assert.deepEqual(body.choices[0]!.message, { role: 'assistant', content: DEFAULT_ANSWER });
    assert.equal(body.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(body.usage, {
      prompt_tokens: 40,
      completion_tokens: 12,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 8 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.ok(elapsed >= 115, `answered after ${elapsed} ms`);
  });

  test('calls the configured tool when tools are offered and no tool result is in the conversation', async () => {
    const response = await post(server, '/chat/completions', {
      model: 'fake-model',
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Find otel' }],
    });
    const body = (await response.json()) as ChatCompletion;
    assert.equal(body.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(body.choices[0]!.message.content, null);
    assert.deepEqual(
      body.choices[0]!.message.tool_calls!.map((call) => call.function),
      [{ name: 'lookup', arguments: '{"query":"otel"}' }],
    );
  });

  test('answers with text once the conversation holds a tool result', async () => {
    const response = await post(server, '/chat/completions', {
      model: 'fake-model',
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'Find otel' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'found' },
      ],
    });
    const body = (await response.json()) as ChatCompletion;
    assert.equal(body.choices[0]!.message.content, DEFAULT_ANSWER);
  });

  test('streams text chunks with the delays, then a usage chunk when asked, then [DONE]', async () => {
    const sentAt = performance.now();
    const response = await post(server, '/chat/completions', {
      model: 'fake-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = await readEvents(response, sentAt);
    assert.equal(events.at(-1)!.data, '[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data) as ChatCompletionChunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, DEFAULT_ANSWER);
    // role chunk, three pieces, the finish chunk, the usage chunk
    assert.equal(chunks.length, 6);
    assert.deepEqual(
      chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null),
      [null, null, null, null, 'stop', null],
    );
    assert.deepEqual(chunks[5]!.choices, []);
    assert.equal(chunks[5]!.usage!.prompt_tokens_details.cached_tokens, 8);
    assert.ok(chunks.every((chunk) => chunk.model === 'fake-model-2026-01-01'));
    assert.ok(events[0]!.atMs >= 115, `first chunk after ${events[0]!.atMs} ms`);
    // Four 30 ms gaps follow the first content piece.
    const streamMs = events.at(-1)!.atMs - events[0]!.atMs;
    assert.ok(streamMs >= 4 * 30 - 10, `streamed over ${streamMs} ms`);
  });

  test('streams a tool call in argument pieces, without a usage chunk unless asked', async () => {
    const response = await post(server, '/chat/completions', {
      model: 'fake-model',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'Find otel' }],
    });
    const events = await readEvents(response, performance.now());
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data) as ChatCompletionChunk);
    assert.equal(chunks[0]!.choices[0]!.delta.tool_calls![0]!.function.name, 'lookup');
    const args = chunks.map((chunk) => chunk.choices[0]!.delta.tool_calls?.[0]!.function.arguments ?? '').join('');
    assert.equal(args, '{"query":"otel"}');
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(chunks.every((chunk) => chunk.usage === undefined));
  });

  test('answers embeddings, one vector per input, as floats or base64', async () => {
    const floats = (await (
      await post(server, '/embeddings', { model: 'embed', input: ['a', 'b'] })
    ).json()) as Embeddings<number[]>;
    assert.equal(floats.data.length, 2);
    assert.equal(floats.data[1]!.embedding.length, 8);
    assert.deepEqual(floats.usage, { prompt_tokens: 40, total_tokens: 40 });
    // Embeddings echo the request's model; only chat answers name the configured response model.
    assert.equal(floats.model, 'embed');
    const encoded = (await (
      await post(server, '/embeddings', { model: 'embed', input: 'a', encoding_format: 'base64' })
    ).json()) as Embeddings<string>;
    const vector = new Float32Array(Uint8Array.from(Buffer.from(encoded.data[0]!.embedding, 'base64')).buffer);
    assert.equal(vector.length, 8);
    assert.ok(Math.abs(vector[0]! - floats.data[0]!.embedding[0]!) < 1e-6);
  });

  test('fails the configured call number with a 500 and calls matching the marker with a 400, OpenAI-style', async () => {
    // Seven calls so far: the eighth is configured to fail.
    assert.equal(server.requests.length, 7);
    const eighth = await post(server, '/chat/completions', { model: 'fake-model', messages: [] });
    assert.equal(eighth.status, 500);
    assert.deepEqual(await eighth.json(), {
      error: { message: 'The server had an error', type: 'server_error', param: null, code: null },
    });
    const marked = await post(server, '/chat/completions', {
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'PLEASE-FAIL now' }],
    });
    assert.equal(marked.status, 400);
    assert.equal(((await marked.json()) as ErrorBody).error.type, 'invalid_request_error');
    const next = await post(server, '/chat/completions', { model: 'fake-model', messages: [] });
    assert.equal(next.status, 200);
  });

  test('records every request it answered, with its path and parsed body', () => {
    const chat = '/v1/chat/completions';
    const embeddings = '/v1/embeddings';
    assert.deepEqual(
      server.requests.map((request) => request.path),
      [chat, chat, chat, chat, chat, embeddings, embeddings, chat, chat, chat],
    );
    assert.deepEqual(
      server.requests.map((request) => request.call),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(server.requests[8]!.body.stream, true);
    assert.deepEqual(server.requests[5]!.body.input, ['a', 'b']);
  });
});

test('splitInto cuts text into consecutive pieces that join back', () => {
  assert.deepEqual(splitInto('abcdefg', 3), ['abc', 'def', 'g']);
  assert.deepEqual(splitInto('ab', 4), ['a', 'b']);
});

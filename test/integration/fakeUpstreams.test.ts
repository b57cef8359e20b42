/**
 * The fake upstreams' own contract, over real HTTP: the timing the gateway's TTFT and TPOT tests rely on (frames
 * before the first content at once, content on the scripted delay and interval), a client that goes away is recorded
 * as such, the same request always gets the same bytes, error answers carry each provider's headers and body, and
 * every request is recorded as it arrived. That the formats are the providers' real ones is shown by the real SDKs in
 * test/producers/fakeUpstreams.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeUpstreams, splitInto, trueTokenCount, type FakeProviderId } from '../support/fakeUpstreams';

/** A streaming request per provider, as its SDK sends it: path under the base URL and body. */
const STREAMS: { name: string; provider: FakeProviderId; path: string; body: object; prelude: boolean }[] = [
  {
    name: 'OpenAI chat',
    provider: 'openai',
    path: '/chat/completions',
    body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    prelude: true,
  },
  {
    name: 'OpenAI Responses',
    provider: 'openai',
    path: '/responses',
    body: { model: 'gpt-4o-mini', stream: true, input: 'Hi' },
    prelude: true,
  },
  {
    name: 'Anthropic',
    provider: 'anthropic',
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-5', stream: true, max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] },
    prelude: true,
  },
  {
    name: 'Gemini',
    provider: 'gemini',
    path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    prelude: false,
  },
  {
    name: 'Ollama',
    provider: 'ollama',
    path: '/api/chat',
    body: { model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }] },
    prelude: false,
  },
];

function post(fake: FakeUpstreams, provider: FakeProviderId, path: string, body: unknown, init: RequestInit = {}) {
  return fetch(`${fake.baseUrl(provider)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Reads a response body, noting when each piece of it arrived (ms after `start`). */
async function timedBody(response: Response, start: number): Promise<{ at: number; text: string }[]> {
  const reads: { at: number; text: string }[] = [];
  const decoder = new TextDecoder();
  for await (const bytes of response.body as AsyncIterable<Uint8Array>) {
    reads.push({ at: performance.now() - start, text: decoder.decode(bytes, { stream: true }) });
  }
  return reads;
}

/** When the body so far first contained `needle`. */
function arrivalOf(reads: { at: number; text: string }[], needle: string): number {
  let body = '';
  for (const read of reads) {
    body += read.text;
    if (body.includes(needle)) return read.at;
  }
  throw new Error(`"${needle}" never arrived`);
}

describe('stream timing', () => {
  const DELAY_MS = 150;
  const INTERVAL_MS = 40;
  // Pieces that cannot appear in a JSON-escaped form or inside one another.
  const fake = new FakeUpstreams({
    answer: 'alpha bravo charlie delta ',
    chunkCount: 4,
    firstChunkDelayMs: DELAY_MS,
    chunkIntervalMs: INTERVAL_MS,
  });
  before(async () => {
    await fake.start();
    // The process's first fetch loads its HTTP client: not a cost the timed requests should carry.
    await (await fetch(`${fake.origin}/warm-up`)).text();
  });
  after(() => fake.stop());

  for (const stream of STREAMS) {
    test(`${stream.name}: frames before the content at once, content on the scripted delay and interval`, async () => {
      const start = performance.now();
      const response = await post(fake, stream.provider, stream.path, stream.body);
      const reads = await timedBody(response, start);
      const pieces = splitInto(fake.script.answer, 4);
      assert.deepEqual(pieces, ['alpha b', 'ravo ch', 'arlie d', 'elta ']);
      const arrivals = pieces.map((piece) => arrivalOf(reads, piece));
      assert.ok(arrivals[0]! >= DELAY_MS, `first content at ${arrivals[0]} ms, not before ${DELAY_MS}`);
      assert.ok(arrivals[0]! < DELAY_MS + 100, `first content at ${arrivals[0]} ms`);
      for (let index = 1; index < arrivals.length; index++) {
        // Each chunk waits its interval after the one before, and timers never fire early; a read is stamped some
        // time after its bytes came (more on a busy machine), so the check is against the schedule, not the last read.
        const due = DELAY_MS + index * INTERVAL_MS;
        assert.ok(arrivals[index]! >= due - 2, `content chunk ${index} at ${arrivals[index]} ms, due at ${due} ms`);
      }
      if (stream.prelude) assert.ok(reads[0]!.at < DELAY_MS / 2, `the opening frames came at ${reads[0]!.at} ms`);
      else assert.ok(reads[0]!.at >= DELAY_MS, 'nothing comes before the first content');
      // One write for the opening frames, one per content chunk.
      assert.equal(fake.requests.at(-1)!.responseChunks.length, (stream.prelude ? 1 : 0) + pieces.length);
    });
  }
});

describe('recording', () => {
  const fake = new FakeUpstreams({ chunkCount: 6, chunkIntervalMs: 40 });
  before(() => fake.start());
  after(() => fake.stop());

  test('a client that goes away mid-stream is recorded as such, and the fake stops writing', async () => {
    const abort = new AbortController();
    const response = await post(fake, 'ollama', '/api/chat', STREAMS[4]!.body, { signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    abort.abort();
    await fake.idle();
    const record = fake.requests.at(-1)!;
    assert.equal(record.outcome, 'client-closed');
    const lastPiece = splitInto(fake.script.answer, 6).at(-1)!;
    assert.ok(!record.responseBody.toString().includes(lastPiece), 'the last chunk was never written');
  });

  test('the same request gets the same bytes, for every provider', async () => {
    for (const stream of STREAMS) {
      for (let round = 0; round < 2; round++) {
        await (await post(fake, stream.provider, stream.path, stream.body)).arrayBuffer();
      }
      const [first, second] = fake.requests.slice(-2);
      assert.ok(first!.responseBody.length > 0);
      assert.deepEqual(first!.responseBody, second!.responseBody, stream.name);
    }
  });

  test('each request is recorded with its path under the base URL, query, headers and body', async () => {
    const path = '/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-fake-key';
    const body = { contents: [{ parts: [{ text: 'Hi' }] }] };
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await post(fake, 'gemini', path, body, {
      headers: { 'content-type': 'application/json', traceparent },
    });
    const answer = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    assert.equal(answer.candidates[0]?.content.parts[0]?.text, fake.script.answer);
    const record = fake.requests.at(-1)!;
    assert.deepEqual(
      [record.provider, record.method, record.path, record.query, record.body, record.status, record.outcome],
      [
        'gemini',
        'POST',
        '/v1beta/models/gemini-2.5-flash:generateContent',
        { key: 'AIza-fake-key' },
        body,
        200,
        'completed',
      ],
    );
    assert.equal(record.headers.traceparent, traceparent);
    assert.deepEqual(record.responseBody, Buffer.from(JSON.stringify(answer)));
  });

  test('a body that is not JSON is kept as text', async () => {
    await fetch(`${fake.baseUrl('openai')}/chat/completions`, { method: 'POST', body: 'not json' });
    const record = fake.requests.at(-1)!;
    assert.deepEqual([record.bodyText, record.body], ['not json', undefined]);
  });
});

describe('error answers', () => {
  const fake = new FakeUpstreams({ status: 429, errorMessage: 'Slow down', retryAfterSeconds: 3 });
  before(() => fake.start());
  after(() => fake.stop());

  test('OpenAI: its error object, retry-after and x-request-id', async () => {
    const response = await post(fake, 'openai', '/chat/completions', STREAMS[0]!.body);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '3');
    assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
    assert.deepEqual(await response.json(), {
      error: { message: 'Slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' },
    });
  });

  test('Anthropic: its error envelope, retry-after and request-id', async () => {
    const response = await post(fake, 'anthropic', '/v1/messages', STREAMS[2]!.body);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '3');
    const requestId = response.headers.get('request-id');
    assert.deepEqual(await response.json(), {
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Slow down' },
      request_id: requestId,
    });
  });

  test('Gemini: a google.rpc status with RetryInfo; Ollama: {error}', async () => {
    const gemini = await post(fake, 'gemini', STREAMS[3]!.path, STREAMS[3]!.body);
    const details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }];
    assert.deepEqual(await gemini.json(), {
      error: { code: 429, message: 'Slow down', status: 'RESOURCE_EXHAUSTED', details },
    });
    const ollama = await post(fake, 'ollama', '/api/chat', STREAMS[4]!.body);
    assert.deepEqual([ollama.status, await ollama.json()], [429, { error: 'Slow down' }]);
  });

  test('a path no provider serves gets a 404 in the provider shape; one outside every provider a plain 404', async () => {
    fake.script = { ...fake.script, status: undefined };
    const unknown = await post(fake, 'openai', '/no/such/route', {});
    const body = (await unknown.json()) as { error: { code: string; message: string } };
    assert.deepEqual([unknown.status, body.error.code], [404, 'unknown_url']);
    const outside = await fetch(`${fake.origin}/elsewhere/v1/chat`, { method: 'POST' });
    assert.equal(outside.status, 404);
    assert.match(await outside.text(), /No fake upstream under \/elsewhere/);
  });
});

test('the true token count is o200k_base’s', () => {
  // "Hello", ",", " world", "!" in GPT-4o's encoding.
  assert.equal(trueTokenCount('Hello, world!'), 4);
  const fake = new FakeUpstreams({ answer: 'Hello, world! Hello, world!' });
  assert.equal(fake.answerTokens(), 8);
});

/**
 * The fake upstreams speak each provider's real wire format: the real SDKs (`openai`, `@anthropic-ai/sdk`,
 * `@google/genai`, `ollama`, and the `ai` SDK with its OpenAI and Anthropic providers), run under Node 22 and pointed
 * at the fakes only through their base-URL variables, get the scripted text, reasoning, tool calls and usage back,
 * raise their own typed errors for error statuses, and fail when a stream dies. The gateway tests lean on this.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeUpstreams, splitInto, type FakeErrorStatus, type FakeUsage } from '../support/fakeUpstreams';
import { API_KEYS, SDK_APPS, reportedUsage, runSdkApp, usageFields, type ScenarioOutput, type SdkApp } from './sdkApps';

const USAGE: FakeUsage = {
  inputTokens: 61,
  outputTokens: 33,
  cacheReadTokens: 12,
  cacheWriteTokens: 5,
  reasoningTokens: 9,
};
const TOOL_CALL = { id: 'call_fake_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' };

type Outputs = Record<SdkApp, Record<string, ScenarioOutput>>;

/** Runs every SDK app against one fake, one app after another (the machine's cores are shared). */
async function runAll(fake: FakeUpstreams, env: Record<string, string> = {}): Promise<Outputs> {
  const outputs: Partial<Outputs> = {};
  for (const app of SDK_APPS) outputs[app] = await runSdkApp(app, fake, env);
  return outputs as Outputs;
}

function scenario(outputs: Outputs, app: SdkApp, name: string): ScenarioOutput {
  const output = outputs[app][name];
  assert.ok(output, `${app} ran ${name}`);
  assert.equal(output.error, undefined, `${app} ${name} succeeded`);
  return output;
}

/** How each SDK reports usage in each of its scenarios (embeddings are checked on their own). */
const USAGE_OF: Record<SdkApp, Record<string, (usage: FakeUsage) => Record<string, number>>> = {
  'sdk-openai.js': {
    'chat-stream-usage': reportedUsage.openaiChat,
    chat: reportedUsage.openaiChat,
    'responses-stream': reportedUsage.openaiResponses,
    responses: reportedUsage.openaiResponses,
  },
  'sdk-anthropic.js': { 'messages-stream': reportedUsage.anthropic, messages: reportedUsage.anthropic },
  'sdk-gemini.js': { 'generate-stream': reportedUsage.gemini, generate: reportedUsage.gemini },
  'sdk-ollama.js': {
    'chat-stream': reportedUsage.ollama,
    chat: reportedUsage.ollama,
    'generate-stream': reportedUsage.ollama,
    generate: reportedUsage.ollama,
  },
  'sdk-ai.js': {
    'openai-responses-stream': reportedUsage.ai,
    'openai-chat-stream': reportedUsage.ai,
    'anthropic-stream': reportedUsage.ai,
  },
};

describe('the SDKs read text answers and usage from the fakes', () => {
  const fake = new FakeUpstreams({ usage: { ...USAGE, reasoningTokens: 0 }, chunkCount: 5 });
  let outputs: Outputs;
  before(async () => {
    await fake.start();
    outputs = await runAll(fake);
  });
  after(() => fake.stop());

  test('every chat-like scenario of every SDK gets the answer text and the model', () => {
    for (const [app, scenarios] of Object.entries(USAGE_OF) as [SdkApp, Record<string, unknown>][]) {
      for (const name of Object.keys(scenarios)) {
        const output = scenario(outputs, app, name);
        assert.equal(output.text, fake.script.answer, `${app} ${name} text`);
        if (output.streamedText !== undefined) assert.equal(output.streamedText, fake.script.answer);
        assert.ok(output.model, `${app} ${name} reports a model`);
        assert.equal(output.reasoning, undefined);
        assert.equal(output.toolCalls, undefined);
      }
    }
  });

  test('each SDK reports the scripted usage in its own fields', () => {
    const usage = fake.script.usage;
    for (const [app, scenarios] of Object.entries(USAGE_OF) as [SdkApp, (typeof USAGE_OF)[SdkApp]][]) {
      for (const [name, expectedOf] of Object.entries(scenarios)) {
        const expected = expectedOf(usage);
        assert.deepEqual(usageFields(scenario(outputs, app, name).usage, expected), expected, `${app} ${name}`);
      }
    }
  });

  test('an OpenAI chat stream without stream_options.include_usage carries no usage, as OpenAI sends none', () => {
    assert.equal(scenario(outputs, 'sdk-openai.js', 'chat-stream').usage, null);
    const chats = fake.requests.filter(
      (request) => request.provider === 'openai' && request.path === '/chat/completions',
    );
    const bodies = chats.map((request) => request.body as { stream?: boolean; stream_options?: unknown });
    assert.deepEqual(
      bodies.map((body) => [body.stream ?? false, body.stream_options ?? null]),
      [
        [true, { include_usage: true }],
        [true, null],
        [false, null],
        // The ai SDK's chat model always asks for usage.
        [true, { include_usage: true }],
      ],
    );
  });

  test('finish reasons are read as each provider words them', () => {
    assert.equal(scenario(outputs, 'sdk-openai.js', 'chat-stream-usage').finishReason, 'stop');
    assert.equal(scenario(outputs, 'sdk-anthropic.js', 'messages-stream').finishReason, 'end_turn');
    assert.equal(scenario(outputs, 'sdk-gemini.js', 'generate-stream').finishReason, 'STOP');
    assert.equal(scenario(outputs, 'sdk-ollama.js', 'chat-stream').finishReason, 'stop');
    assert.equal(scenario(outputs, 'sdk-ai.js', 'anthropic-stream').finishReason, 'stop');
  });

  test('embeddings come back as one vector per input, of the scripted size', () => {
    for (const [app, name] of [
      ['sdk-openai.js', 'embeddings'],
      ['sdk-gemini.js', 'embed'],
      ['sdk-ollama.js', 'embed'],
    ] as const) {
      const output = scenario(outputs, app, name);
      assert.deepEqual([output.count, output.dimensions], [2, fake.script.embeddingDimensions], `${app} ${name}`);
    }
    const openAiEmbeddings = scenario(outputs, 'sdk-openai.js', 'embeddings');
    assert.deepEqual(openAiEmbeddings.usage, { prompt_tokens: USAGE.inputTokens, total_tokens: USAGE.inputTokens });
  });

  test('the requests reached each provider path as its SDK sends them, API keys passed through', () => {
    const seen = new Set(fake.requests.map((request) => `${request.provider} ${request.method} ${request.path}`));
    for (const route of [
      'openai POST /chat/completions',
      'openai POST /responses',
      'openai POST /embeddings',
      'anthropic POST /v1/messages',
      'gemini POST /v1/models/gemini-2.5-flash:streamGenerateContent',
      'gemini POST /v1/models/gemini-2.5-flash:generateContent',
      'gemini POST /v1/models/gemini-embedding-001:batchEmbedContents',
      'ollama POST /api/chat',
      'ollama POST /api/generate',
      'ollama POST /api/embed',
    ]) {
      assert.ok(seen.has(route), `${route} among ${[...seen].join(', ')}`);
    }
    const stream = fake.requests.find((request) => request.path.endsWith(':streamGenerateContent'));
    assert.deepEqual(stream?.query, { alt: 'sse' });
    for (const request of fake.requests) {
      if (request.provider === 'openai')
        assert.equal(request.headers.authorization, `Bearer ${API_KEYS.OPENAI_API_KEY}`);
      // @anthropic-ai/sdk 1.x sends its key as a bearer token, @ai-sdk/anthropic as x-api-key.
      if (request.provider === 'anthropic') {
        const key = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '');
        assert.equal(key, API_KEYS.ANTHROPIC_API_KEY);
      }
      if (request.provider === 'gemini') assert.equal(request.headers['x-goog-api-key'], API_KEYS.GEMINI_API_KEY);
    }
    assert.ok(fake.requests.every((request) => request.outcome === 'completed' && request.status === 200));
  });
});

describe('the SDKs read reasoning and tool calls from the fakes', () => {
  const reasoning = ['The user asks ', 'about the weather; ', 'I should call the tool.'];
  const fake = new FakeUpstreams({ usage: USAGE, reasoning, toolCall: TOOL_CALL, answer: 'Let me look that up.' });
  let outputs: Outputs;
  before(async () => {
    await fake.start();
    outputs = await runAll(fake, { PRODUCER_TOOLS: '1' });
  });
  after(() => fake.stop());

  test('every SDK gets the text and the tool call with its arguments', () => {
    for (const [app, scenarios] of Object.entries(USAGE_OF) as [SdkApp, Record<string, unknown>][]) {
      for (const name of Object.keys(scenarios)) {
        const output = scenario(outputs, app, name);
        assert.equal(output.text, fake.script.answer, `${app} ${name} text`);
        // Ollama's generate API has no tools; Gemini's function calls carry no id.
        const expected =
          app === 'sdk-ollama.js' && name.startsWith('generate')
            ? undefined
            : app === 'sdk-gemini.js'
              ? [{ name: TOOL_CALL.name, arguments: TOOL_CALL.arguments }]
              : [TOOL_CALL];
        assert.deepEqual(output.toolCalls, expected, `${app} ${name} tool calls`);
      }
    }
    assert.ok(scenario(outputs, 'sdk-openai.js', 'chat-stream').toolCalls, 'the chat stream has the tool call');
  });

  test('the SDKs that expose reasoning get the reasoning text, in order', () => {
    const joined = reasoning.join('');
    for (const [app, name] of [
      ['sdk-openai.js', 'chat-stream-usage'],
      ['sdk-openai.js', 'chat'],
      ['sdk-openai.js', 'responses-stream'],
      ['sdk-openai.js', 'responses'],
      ['sdk-anthropic.js', 'messages-stream'],
      ['sdk-anthropic.js', 'messages'],
      ['sdk-gemini.js', 'generate-stream'],
      ['sdk-gemini.js', 'generate'],
      ['sdk-ollama.js', 'chat-stream'],
      ['sdk-ollama.js', 'generate-stream'],
      ['sdk-ai.js', 'openai-responses-stream'],
      ['sdk-ai.js', 'anthropic-stream'],
    ] as const) {
      assert.equal(scenario(outputs, app, name).reasoning, joined, `${app} ${name}`);
    }
  });

  test('tool-call finish reasons and reasoning token counts as each SDK reports them', () => {
    assert.equal(scenario(outputs, 'sdk-openai.js', 'chat-stream').finishReason, 'tool_calls');
    assert.equal(scenario(outputs, 'sdk-anthropic.js', 'messages').finishReason, 'tool_use');
    assert.equal(scenario(outputs, 'sdk-ai.js', 'openai-chat-stream').finishReason, 'tool-calls');
    const expected = reportedUsage.gemini(USAGE);
    assert.deepEqual(usageFields(scenario(outputs, 'sdk-gemini.js', 'generate').usage, expected), expected);
    const responses = reportedUsage.openaiResponses(USAGE);
    assert.deepEqual(usageFields(scenario(outputs, 'sdk-openai.js', 'responses-stream').usage, responses), responses);
  });

  test('the apps offered the tool in each provider shape', () => {
    const chat = fake.requests.find((request) => request.path === '/chat/completions');
    assert.deepEqual((chat?.body as { tools: unknown[] }).tools.length, 1);
    const gemini = fake.requests.find((request) => request.path.endsWith(':generateContent'));
    const declarations = (gemini?.body as { tools: { functionDeclarations: { name: string }[] }[] }).tools;
    assert.equal(declarations[0]?.functionDeclarations[0]?.name, TOOL_CALL.name);
  });
});

/** Each SDK's error class for each status. */
const ERROR_NAMES: Record<SdkApp, (status: FakeErrorStatus) => string> = {
  'sdk-openai.js': (status) => OPENAI_ERRORS[status],
  'sdk-anthropic.js': (status) => OPENAI_ERRORS[status],
  'sdk-gemini.js': () => 'ApiError',
  'sdk-ollama.js': () => 'ResponseError',
  'sdk-ai.js': () => 'APICallError',
};
const OPENAI_ERRORS: Record<FakeErrorStatus, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  429: 'RateLimitError',
  500: 'InternalServerError',
};
const STATUSES: FakeErrorStatus[] = [400, 401, 429, 500];

describe('error statuses raise each SDK’s typed error with the status', () => {
  for (const app of SDK_APPS) {
    test(app, async () => {
      // Request i gets STATUSES[i % 4]; apps with fewer than four scenarios run twice, starting further on.
      const seen = new Set<number>();
      for (let offset = 0; seen.size < STATUSES.length && offset < 2 * STATUSES.length;) {
        const fake: FakeUpstreams = await new FakeUpstreams({
          errorMessage: 'Scripted refusal for this test',
          scriptFor: () => ({ status: STATUSES[(offset + fake.requests.length - 1) % STATUSES.length] }),
        }).start();
        try {
          const outputs = Object.values(await runSdkApp(app, fake));
          assert.equal(outputs.length, fake.requests.length, 'one request per scenario: no retries');
          for (const [index, output] of outputs.entries()) {
            const status = fake.requests[index]!.status as FakeErrorStatus;
            assert.equal(output.error?.name, ERROR_NAMES[app](status), `${app} call ${index} (${status})`);
            assert.equal(output.error.status, status);
            assert.match(output.error.message, /Scripted refusal for this test/);
            seen.add(status);
          }
          offset += outputs.length;
        } finally {
          await fake.stop();
        }
      }
    });
  }
});

describe('a stream that dies mid-way fails each SDK after the chunks that came', () => {
  const STREAMS: Record<SdkApp, string[]> = {
    'sdk-openai.js': ['chat-stream-usage', 'responses-stream'],
    'sdk-anthropic.js': ['messages-stream'],
    'sdk-gemini.js': ['generate-stream'],
    'sdk-ollama.js': ['chat-stream', 'generate-stream'],
    'sdk-ai.js': ['openai-responses-stream', 'openai-chat-stream', 'anthropic-stream'],
  };
  for (const app of SDK_APPS) {
    test(app, async () => {
      const fake = await new FakeUpstreams({ chunkCount: 6, dieAfterChunks: 2, chunkIntervalMs: 5 }).start();
      try {
        const names = STREAMS[app];
        const outputs = await runSdkApp(app, fake, { PRODUCER_SCENARIO: names.join(',') });
        const cameThrough = splitInto(fake.script.answer, 6).slice(0, 2).join('');
        for (const name of names) {
          const output = outputs[name];
          assert.ok(output?.error, `${app} ${name} failed`);
          assert.equal(output.streamedText ?? output.text, cameThrough, `${app} ${name} got the first two chunks`);
        }
        assert.deepEqual(
          fake.requests.map((request) => request.outcome),
          names.map(() => 'died'),
        );
      } finally {
        await fake.stop();
      }
    });
  }
});

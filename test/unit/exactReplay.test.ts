/**
 * Exact replay of gateway calls: the gateway keeps the body the app sent (credentials dropped, within a size bound),
 * the replay document carries it, and running the document sends that body back, unchanged when the document is
 * unedited and with only the edited part rewritten when it is (OpenAI chat, Anthropic messages, the Responses API).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RECORDED_REQUEST_BYTES, recordedRequestAttributes } from '../../src/core/gateway/recordedRequest';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import type { ProviderId } from '../../src/core/gateway/wire';
import type { HttpModelRoute } from '../../src/core/modelRoutes/routes';
import { routedRequest } from '../../src/core/modelRoutes/tracedCall';
import { buildReplayDocument } from '../../src/core/replay/buildDocument';
import { formatReplayDocument, parseReplayDocument, type ReplayDocument } from '../../src/core/replay/replayDocument';
import { replayCallOptions } from '../../src/core/replay/runReplay';
import { gatewayCallSpan } from '../support/gatewaySpan';

/** The span the gateway records for `body` sent to `provider`'s `path` (with `query`), request body kept. */
function gatewaySpan(provider: ProviderId, path: string, body: Record<string, unknown>, query = '') {
  const recordedRequest = recordedRequestAttributes(path, query, Buffer.from(JSON.stringify(body)));
  return gatewayCallSpan(provider, path, body, { recordedRequest });
}

/** The document as the editor holds it: formatted, then parsed back when run. */
function documentOf(span: ReturnType<typeof gatewaySpan>): ReplayDocument {
  const built = buildReplayDocument(span);
  assert.ok('document' in built, 'error' in built ? built.error : '');
  const parsed = parseReplayDocument(formatReplayDocument(built.document));
  assert.ok('document' in parsed, 'error' in parsed ? parsed.error : '');
  return parsed.document;
}

/** What running `document` along `route` sends: the replay's wire request, or undefined for the neutral form. */
function sent(document: ReplayDocument, route: HttpModelRoute = providerRoute(document.provider)) {
  return replayCallOptions(document).wireRequest?.(routedRequest(route, document));
}

function providerRoute(provider: ProviderId): HttpModelRoute {
  return { kind: 'provider', provider, upstream: undefined, apiKey: 'k' };
}

function withSystem(document: ReplayDocument, content: string): ReplayDocument {
  assert.equal(document.messages[0]?.role, 'system');
  return { ...document, messages: [{ role: 'system', content }, ...document.messages.slice(1)] };
}

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, key: { type: 'string' } } },
  },
};

const OPENAI_BODY = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture, and the weather there?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ],
    },
  ],
  tools: [WEATHER_TOOL],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
  response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
  reasoning_effort: 'low',
  n: 2,
  temperature: 0.3,
  stream: true,
  stream_options: { include_usage: true },
};

describe('exact replay of an OpenAI chat call', () => {
  const document = documentOf(gatewaySpan('openai', '/chat/completions', OPENAI_BODY));

  it('sends the body the app sent when the document is unedited', () => {
    assert.deepEqual(sent(document), { provider: 'openai', path: '/chat/completions', body: OPENAI_BODY });
  });

  it('changes only the system prompt when that is what was edited', () => {
    const [, user] = OPENAI_BODY.messages;
    assert.deepEqual(sent(withSystem(document, 'You are verbose.'))?.body, {
      ...OPENAI_BODY,
      messages: [{ role: 'system', content: 'You are verbose.' }, user],
    });
  });

  it('writes an edited parameter under the name the app used, and an endpoint route’s model', () => {
    const edited = { ...document, parameters: { ...document.parameters, temperature: 0.9 } };
    const endpoint: HttpModelRoute = { kind: 'endpoint', url: 'http://x', model: 'llama3', apiKey: undefined };
    assert.deepEqual(sent(edited, endpoint)?.body, { ...OPENAI_BODY, model: 'llama3', temperature: 0.9 });
  });

  it('falls back to the neutral form for another provider', () => {
    assert.equal(sent({ ...document, provider: 'anthropic' }), undefined);
  });
});

const ANTHROPIC_BODY = {
  model: 'claude-sonnet-4-5',
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'text', text: 'What is in this picture?' },
      ],
    },
  ],
  tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
  tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  thinking: { type: 'enabled', budget_tokens: 1024 },
  metadata: { user_id: 'u-1' },
  max_tokens: 2048,
  stream: true,
};

describe('exact replay of an Anthropic messages call', () => {
  const document = documentOf(gatewaySpan('anthropic', '/v1/messages', ANTHROPIC_BODY));

  it('sends the body the app sent when the document is unedited', () => {
    assert.deepEqual(sent(document), { provider: 'anthropic', path: '/v1/messages', body: ANTHROPIC_BODY });
  });

  it('rewrites only `system` when the system prompt was edited', () => {
    assert.deepEqual(sent(withSystem(document, 'You are verbose.'))?.body, {
      ...ANTHROPIC_BODY,
      system: 'You are verbose.',
    });
  });

  it('keeps the recorded turns the edit did not touch, and renders the one added', () => {
    const edited = { ...document, messages: [...document.messages, { role: 'user' as const, content: 'And now?' }] };
    assert.deepEqual(sent(edited)?.body, {
      ...ANTHROPIC_BODY,
      messages: [...ANTHROPIC_BODY.messages, { role: 'user', content: [{ type: 'text', text: 'And now?' }] }],
    });
  });
});

describe('exact replay of a Responses API call', () => {
  const body = {
    model: 'gpt-5-mini',
    instructions: 'You are terse.',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'Capital of France?' }] }],
    reasoning: { effort: 'minimal' },
    text: { format: { type: 'text' } },
    stream: true,
  };
  const document = documentOf(gatewaySpan('openai', '/responses', body));

  it('sends the Responses body unchanged, and with another model when only the model was edited', () => {
    assert.deepEqual(sent(document), { provider: 'openai', path: '/responses', body });
    assert.deepEqual(sent({ ...document, model: 'gpt-5' })?.body, { ...body, model: 'gpt-5' });
  });

  it('falls back to the chat form when its messages were edited, having no place to write them', () => {
    assert.equal(sent(withSystem(document, 'You are verbose.')), undefined);
  });
});

describe('what the gateway keeps of a request', () => {
  it('drops credential-like fields and query parameters, and keeps a schema property named key', () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], key: 'AIza-secret', api_key: 'sk-secret' };
    const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';
    const span = gatewaySpan('gemini', path, body, '?alt=sse&key=AIza-secret');
    assert.equal(span.attributes.get(GatewayAttributes.requestPath), `${path}?alt=sse`);
    const kept = span.attributes.get(GatewayAttributes.requestBody);
    assert.equal(typeof kept, 'string');
    assert.doesNotMatch(kept as string, /secret/);
    const document = documentOf(gatewaySpan('openai', '/chat/completions', OPENAI_BODY));
    assert.deepEqual(document.gatewayRequest?.body.tools, [WEATHER_TOOL]);
  });

  it('keeps no body over the bound: the document is then rebuilt from the recorded messages', () => {
    const image = 'A'.repeat(MAX_RECORDED_REQUEST_BYTES);
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], metadata: { image } };
    const span = gatewaySpan('openai', '/chat/completions', body);
    assert.equal(span.attributes.has(GatewayAttributes.requestBody), false);
    const document = documentOf(span);
    assert.equal(document.gatewayRequest, undefined);
    assert.equal(sent(document), undefined);
  });

  it('changes a Gemini call’s model in its path', () => {
    const body = {
      systemInstruction: { parts: [{ text: 'Be kind.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    };
    const document = documentOf(
      gatewaySpan('gemini', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', body, '?alt=sse'),
    );
    assert.deepEqual(sent({ ...document, model: 'gemini-2.5-pro' }), {
      provider: 'gemini',
      path: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      body,
    });
  });
});

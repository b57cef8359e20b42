/**
 * The replay document built from an LLM span, per convention: a gateway span's request comes back as the body the app
 * sent (through the provider's own reader and back through the wire conversion); instrumented spans are rebuilt from
 * OTel GenAI, OpenInference, OpenLLMetry and Vercel AI SDK attributes; a span without recorded prompt says how that
 * producer records one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReplayDocument, type BuiltDocument } from '../../src/core/replay/buildDocument';
import { formatReplayDocument, parseReplayDocument, type ReplayDocument } from '../../src/core/replay/replayDocument';
import { toWireRequest } from '../../src/core/modelRoutes/wireRequest';
import { gatewayCallSpan } from '../support/gatewaySpan';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

function documentOf(built: BuiltDocument): ReplayDocument {
  assert.ok('document' in built, 'error' in built ? built.error : '');
  return built.document;
}

const WEATHER_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

describe('replay document from a gateway span', () => {
  it('gives back the OpenAI request the app sent, tool calls and results paired by id', () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_7', content: '{"celsius":21}' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER_SCHEMA } },
      ],
      temperature: 0.2,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    };
    const document = documentOf(buildReplayDocument(gatewayCallSpan('openai', '/chat/completions', body)));
    assert.equal(document.provider, 'openai');
    assert.deepEqual(toWireRequest(document), { provider: 'openai', path: '/chat/completions', body });
  });

  it('gives back the Anthropic request the app sent', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
      tools: [{ name: 'get_weather', description: 'Weather now', input_schema: WEATHER_SCHEMA }],
      max_tokens: 300,
      temperature: 0.5,
      stream: true,
    };
    const document = documentOf(buildReplayDocument(gatewayCallSpan('anthropic', '/v1/messages', body)));
    assert.equal(document.provider, 'anthropic');
    assert.deepEqual(toWireRequest(document), { provider: 'anthropic', path: '/v1/messages', body });
  });

  it('without recorded content, names the gateway setting that records it', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };
    const built = buildReplayDocument(gatewayCallSpan('openai', '/chat/completions', body, { recordContent: false }));
    assert.ok('error' in built);
    assert.match(built.error, /aiTraceLens\.gateway\.recordContent/);
  });
});

function llmSpan(attributes: PlainAttributes, scopeName?: string) {
  return makeSpan({ name: 'llm call', kind: 3, attributes, ...(scopeName !== undefined && { scopeName }) });
}

describe('replay document from instrumented spans', () => {
  it('reads OTel GenAI messages, parameters and tool definitions', () => {
    const document = documentOf(
      buildReplayDocument(
        llmSpan({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'gcp.gemini',
          'gen_ai.request.model': 'gemini-2.5-flash',
          'gen_ai.request.max_tokens': 512,
          'gen_ai.request.stop_sequences': ['END'],
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be kind.' }]),
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hello' }] }]),
          'gen_ai.tool.definitions': JSON.stringify([
            { type: 'function', name: 'get_weather', description: 'Weather now', parameters: WEATHER_SCHEMA },
          ]),
        }),
      ),
    );
    assert.equal(document.provider, 'gemini');
    assert.equal(document.model, 'gemini-2.5-flash');
    assert.deepEqual(document.messages, [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hello' },
    ]);
    assert.deepEqual(document.parameters, { max_tokens: 512, stop: ['END'] });
    assert.deepEqual(document.tools, [{ name: 'get_weather', description: 'Weather now', parameters: WEATHER_SCHEMA }]);
  });

  it('reads OpenInference flattened messages, invocation parameters and tool schemas', () => {
    const document = documentOf(
      buildReplayDocument(
        llmSpan({
          'openinference.span.kind': 'LLM',
          'llm.provider': 'openai',
          'llm.model_name': 'gpt-4o-2024-08-06',
          'llm.invocation_parameters': JSON.stringify({ model: 'gpt-4o', temperature: 0.7, max_completion_tokens: 99 }),
          'llm.input_messages.0.message.role': 'system',
          'llm.input_messages.0.message.content': 'Be brief.',
          'llm.input_messages.1.message.role': 'user',
          'llm.input_messages.1.message.content': 'Hi there',
          'llm.tools.0.tool.json_schema': JSON.stringify({
            type: 'function',
            function: { name: 'lookup', parameters: WEATHER_SCHEMA },
          }),
        }),
      ),
    );
    assert.equal(document.provider, 'openai');
    assert.equal(document.model, 'gpt-4o');
    assert.deepEqual(
      document.messages.map((message) => [message.role, message.content]),
      [
        ['system', 'Be brief.'],
        ['user', 'Hi there'],
      ],
    );
    assert.deepEqual(document.parameters, { temperature: 0.7, max_tokens: 99 });
    assert.deepEqual(document.tools, [{ name: 'lookup', parameters: WEATHER_SCHEMA }]);
  });

  it('reads OpenLLMetry prompts and request functions', () => {
    const document = documentOf(
      buildReplayDocument(
        llmSpan({
          'llm.request.type': 'chat',
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku',
          'gen_ai.request.temperature': 0,
          'gen_ai.prompt.0.role': 'user',
          'gen_ai.prompt.0.content': 'Plan a trip',
          'llm.request.functions.0.name': 'book',
          'llm.request.functions.0.description': 'Books a trip',
          'llm.request.functions.0.parameters': JSON.stringify(WEATHER_SCHEMA),
        }),
      ),
    );
    assert.equal(document.provider, 'anthropic');
    assert.deepEqual(document.messages, [{ role: 'user', content: 'Plan a trip' }]);
    assert.deepEqual(document.parameters, { temperature: 0 });
    assert.deepEqual(document.tools, [{ name: 'book', description: 'Books a trip', parameters: WEATHER_SCHEMA }]);
  });

  it('reads the Vercel AI SDK prompt, settings and tools', () => {
    const document = documentOf(
      buildReplayDocument(
        llmSpan(
          {
            'ai.operationId': 'ai.streamText.doStream',
            'ai.model.provider': 'anthropic.messages',
            'ai.model.id': 'claude-sonnet-4-5',
            'ai.settings.maxOutputTokens': 1000,
            'ai.prompt.messages': JSON.stringify([
              { role: 'system', content: 'Plan well.' },
              { role: 'user', content: [{ type: 'text', text: 'Trip to Rome' }] },
            ]),
            'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'search', inputSchema: WEATHER_SCHEMA })],
          },
          'ai',
        ),
      ),
    );
    assert.equal(document.provider, 'anthropic');
    assert.equal(document.model, 'claude-sonnet-4-5');
    assert.deepEqual(document.messages, [
      { role: 'system', content: 'Plan well.' },
      { role: 'user', content: 'Trip to Rome' },
    ]);
    assert.deepEqual(document.parameters, { max_tokens: 1000 });
    assert.deepEqual(document.tools, [{ name: 'search', parameters: WEATHER_SCHEMA }]);
  });

  it('says how each convention records content when the prompt is missing', () => {
    const otel = buildReplayDocument(llmSpan({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }));
    assert.ok('error' in otel);
    assert.match(otel.error, /OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true/);
    const traceloop = buildReplayDocument(llmSpan({ 'llm.request.type': 'chat', 'gen_ai.request.model': 'gpt-4o' }));
    assert.ok('error' in traceloop);
    assert.match(traceloop.error, /TRACELOOP_TRACE_CONTENT=true/);
  });

  it('refuses a span that is not a model call', () => {
    const built = buildReplayDocument(makeSpan({ name: 'GET /', attributes: { 'http.request.method': 'GET' } }));
    assert.ok('error' in built);
    assert.match(built.error, /not an LLM call/);
  });
});

describe('replay document text', () => {
  it('parses back what it formats, and names what is wrong with an edited one', () => {
    const document: ReplayDocument = {
      replayOf: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat' },
      provider: 'ollama',
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Hi' }],
      parameters: { temperature: 1 },
      tools: [],
    };
    const parsed = parseReplayDocument(formatReplayDocument(document));
    assert.ok('document' in parsed);
    assert.deepEqual({ ...parsed.document, '//': undefined }, { ...document, '//': undefined });

    const wrongRole = parseReplayDocument(JSON.stringify({ ...document, messages: [{ role: 'robot', content: '' }] }));
    assert.ok('error' in wrongRole);
    assert.match(wrongRole.error, /messages\[0\]\.role/);
    const broken = parseReplayDocument('{ "model": ');
    assert.ok('error' in broken);
    assert.match(broken.error, /not valid JSON/);
  });
});

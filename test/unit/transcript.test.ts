import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extractInputMessages, extractTranscript } from '../../src/core/transcript';
import { makeLogRecord } from '../support/logBuilder';
import { DEFAULT_START_MS, makeSpan, type PlainValue } from '../support/spanBuilder';

describe('extractTranscript', () => {
  test('OTel GenAI: system instructions, input and output messages with tool calls and results', () => {
    const span = makeSpan({
      attributes: {
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a travel agent.' }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
          },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', result: 'rainy, 57°F' }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'It is rainy.' }], finish_reason: 'stop' },
        ]),
      },
    });
    assert.deepEqual(extractTranscript(span), [
      { role: 'system', text: 'You are a travel agent.' },
      { role: 'user', text: 'Weather in Paris?' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', text: 'rainy, 57°F', toolCallId: 'call_1' },
      { role: 'assistant', text: 'It is rainy.' },
    ]);
  });

  test('the AI SDK v7 invoke_agent output: one assistant message of a whole tool loop, split into its turns', () => {
    // As @ai-sdk/otel 1.0.173 records a generateText run with one tool call.
    const span = makeSpan({
      attributes: {
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: 'Sunny in Paris.' },
              { type: 'tool_call', id: 'call_3', name: 'get_weather', arguments: { city: 'Paris' } },
              { type: 'tool_call_response', id: 'call_3', response: { forecast: 'sunny' } },
            ],
            finish_reason: 'stop',
          },
        ]),
      },
    });
    assert.deepEqual(extractTranscript(span), [
      {
        role: 'assistant',
        text: 'Sunny in Paris.',
        toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', text: '{"forecast":"sunny"}', toolCallId: 'call_3' },
    ]);
  });

  test('OTel GenAI messages recorded as structured attribute values, not JSON strings', () => {
    const span = makeSpan({
      attributes: {
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
      },
    });
    assert.deepEqual(extractTranscript(span), [{ role: 'user', text: 'Hi' }]);
  });

  test('Traceloop: flattened gen_ai.prompt.N and gen_ai.completion.N with tool calls', () => {
    const span = makeSpan({
      attributes: {
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'Be brief.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Book a flight',
        'gen_ai.prompt.2.role': 'tool',
        'gen_ai.prompt.2.content': '{"ok":true}',
        'gen_ai.prompt.2.tool_call_id': 'call_9',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.tool_calls.0.name': 'book_flight',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"to":"CDG"}',
      },
    });
    assert.deepEqual(extractTranscript(span), [
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Book a flight' },
      { role: 'tool', text: '{"ok":true}', toolCallId: 'call_9' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'book_flight', arguments: '{"to":"CDG"}' }] },
    ]);
  });

  test('OpenInference: llm.input_messages / llm.output_messages, multi-part contents and tool calls', () => {
    const span = makeSpan({
      attributes: {
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'System text',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.contents.0.message_content.type': 'text',
        'llm.input_messages.1.message.contents.0.message_content.text': 'Part one',
        'llm.input_messages.1.message.contents.1.message_content.type': 'image',
        'llm.input_messages.1.message.contents.2.message_content.type': 'text',
        'llm.input_messages.1.message.contents.2.message_content.text': 'Part two',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Calling a tool',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
      },
    });
    assert.deepEqual(extractTranscript(span), [
      { role: 'system', text: 'System text' },
      { role: 'user', text: 'Part one\nPart two' },
      { role: 'assistant', text: 'Calling a tool', toolCalls: [{ name: 'search', arguments: '{"q":"x"}' }] },
    ]);
  });

  test('Vercel AI SDK: ai.prompt.messages with tool parts, ai.response.text and ai.response.toolCalls', () => {
    const span = makeSpan({
      attributes: {
        'ai.prompt.messages': JSON.stringify([
          { role: 'system', content: 'Sys' },
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'lookup', input: { id: 3 } }],
          },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 't1', toolName: 'lookup', output: { found: true } }],
          },
        ]),
        'ai.response.text': 'Done',
        'ai.response.toolCalls': JSON.stringify([
          { toolCallType: 'function', toolCallId: 't2', toolName: 'save', args: '{"a":1}' },
        ]),
      },
    });
    assert.deepEqual(extractTranscript(span), [
      { role: 'system', text: 'Sys' },
      { role: 'user', text: 'Go' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'lookup', arguments: '{"id":3}' }] },
      { role: 'tool', text: '{"found":true}', toolCallId: 't1' },
      { role: 'assistant', text: 'Done', toolCalls: [{ name: 'save', arguments: '{"a":1}' }] },
    ]);
  });

  test('OTel ≤ 1.27 span events gen_ai.content.prompt / completion in OpenAI message format', () => {
    const span = makeSpan({
      events: [
        {
          name: 'gen_ai.content.prompt',
          attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Plan a trip' }]) },
        },
        {
          name: 'gen_ai.content.completion',
          offsetMs: 50,
          attributes: {
            'gen_ai.completion': JSON.stringify([
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'c1', type: 'function', function: { name: 'plan', arguments: '{}' } }],
              },
            ]),
          },
        },
      ],
    });
    assert.deepEqual(extractTranscript(span), [
      { role: 'user', text: 'Plan a trip' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'plan', arguments: '{}' }] },
    ]);
  });

  test('a plain-text completion event becomes an assistant message', () => {
    const span = makeSpan({
      events: [{ name: 'gen_ai.content.completion', attributes: { 'gen_ai.completion': 'Sure.' } }],
    });
    assert.deepEqual(extractTranscript(span), [{ role: 'assistant', text: 'Sure.' }]);
  });

  test('each side is read from the first source only, so a conversation recorded twice shows once', () => {
    const span = makeSpan({
      attributes: {
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'A' }] }]),
      },
      events: [
        {
          name: 'gen_ai.content.prompt',
          attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'A' }]) },
        },
      ],
    });
    assert.deepEqual(extractTranscript(span), [{ role: 'user', text: 'A' }]);
  });

  test('nothing for spans without conversation content, and malformed JSON is kept as text', () => {
    assert.deepEqual(extractTranscript(makeSpan({ attributes: { 'http.method': 'GET' } })), []);
    const broken = makeSpan({ attributes: { 'gen_ai.input.messages': '[{"role": "user", ' } });
    assert.deepEqual(extractTranscript(broken), [{ role: 'user', text: '[{"role": "user", ' }]);
  });

  test('Vercel wrapper spans: the `ai.prompt` object with system, prompt and messages; a bare `gen_ai.prompt` string', () => {
    const wrapper = makeSpan({
      attributes: {
        'ai.prompt': JSON.stringify({
          system: 'Plan trips.',
          prompt: 'Lisbon in May?',
          messages: [{ role: 'assistant', content: 'Earlier answer' }],
        }),
      },
    });
    assert.deepEqual(extractTranscript(wrapper), [
      { role: 'system', text: 'Plan trips.' },
      { role: 'user', text: 'Lisbon in May?' },
      { role: 'assistant', text: 'Earlier answer' },
    ]);
    assert.deepEqual(extractTranscript(makeSpan({ attributes: { 'gen_ai.prompt': 'Just a question' } })), [
      { role: 'user', text: 'Just a question' },
    ]);
  });
});

describe('extractTranscript from GenAI events sent as log records', () => {
  const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
  const SPAN_ID = '00f067aa0ba902b7';
  /** OTel GenAI 1.28–1.36 events as opentelemetry-instrumentation-openai-v2 emits them, bodies as AnyValue maps. */
  const MESSAGE_EVENTS: { eventName: string; body: PlainValue }[] = [
    { eventName: 'gen_ai.system.message', body: { content: 'You are a travel agent.' } },
    { eventName: 'gen_ai.user.message', body: { content: 'Weather in Paris?' } },
    {
      eventName: 'gen_ai.assistant.message',
      body: {
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
    },
    { eventName: 'gen_ai.tool.message', body: { content: 'rainy, 57°F', id: 'call_1' } },
    {
      eventName: 'gen_ai.choice',
      body: { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'It is rainy.' } },
    },
  ];
  const EXPECTED = [
    { role: 'system', text: 'You are a travel agent.' },
    { role: 'user', text: 'Weather in Paris?' },
    { role: 'assistant', text: '', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] },
    { role: 'tool', text: 'rainy, 57°F', toolCallId: 'call_1' },
    { role: 'assistant', text: 'It is rainy.' },
  ];

  test('per-message events and the choice make the conversation, in time order whatever the arrival order', () => {
    const span = makeSpan({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'chat gpt-4o' });
    const logs = MESSAGE_EVENTS.map((event, index) =>
      makeLogRecord({ traceId: TRACE_ID, spanId: SPAN_ID, timeMs: DEFAULT_START_MS + index, ...event }),
    ).reverse();
    assert.deepEqual(extractTranscript(span, logs), EXPECTED);
    assert.deepEqual(extractInputMessages(span, logs), EXPECTED.slice(0, 4));
    assert.deepEqual(extractTranscript(span), [], 'the span alone recorded nothing');
  });

  test('one reader: the same events as span events (name and gen_ai.event.content JSON) give the same transcript', () => {
    // Semantic Kernel and the Azure SDKs put the message JSON into a `gen_ai.event.content` span event attribute.
    const span = makeSpan({
      events: MESSAGE_EVENTS.map((event, index) => ({
        name: event.eventName,
        offsetMs: index,
        attributes: { 'gen_ai.event.content': JSON.stringify(event.body) },
      })),
    });
    assert.deepEqual(extractTranscript(span), EXPECTED);
  });

  test('the older event.name attribute; a choice with tool_calls beside its message; no content captured', () => {
    const logs = [
      makeLogRecord({ attributes: { 'event.name': 'gen_ai.user.message' } }),
      makeLogRecord({
        timeMs: DEFAULT_START_MS + 1,
        attributes: { 'event.name': 'gen_ai.choice' },
        body: {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant' },
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'search', arguments: '{}' } }],
        },
      }),
    ];
    assert.deepEqual(extractTranscript(makeSpan(), logs), [
      { role: 'user', text: '' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'search', arguments: '{}' }] },
    ]);
  });

  test('OTel GenAI ≥ 1.37: the operation details event carries instructions, input and output messages', () => {
    const details = makeLogRecord({
      eventName: 'gen_ai.client.inference.operation.details',
      attributes: {
        'gen_ai.system_instructions': [{ type: 'text', content: 'Be brief.' }],
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Hello!' }] }]),
      },
    });
    assert.deepEqual(extractTranscript(makeSpan(), [details]), [
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: 'Hello!' },
    ]);
  });

  test('content on the span itself wins over the same conversation in its logs, so it is shown once', () => {
    const span = makeSpan({
      attributes: {
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'From the span' }] },
        ]),
      },
    });
    const logs = [makeLogRecord({ eventName: 'gen_ai.user.message', body: { content: 'From a log' } })];
    assert.deepEqual(extractTranscript(span, logs), [{ role: 'user', text: 'From the span' }]);
  });

  test('other logs and events are no conversation', () => {
    const logs = [
      makeLogRecord({ body: 'GET /weather 200' }),
      makeLogRecord({ eventName: 'gen_ai.evaluation.result' }),
    ];
    assert.deepEqual(extractTranscript(makeSpan({ events: [{ name: 'exception' }] }), logs), []);
  });
});

// The `openai` SDK as a user's program calls it: base URL and key from OPENAI_BASE_URL and OPENAI_API_KEY, no
// retries (one call, one upstream request). Scenarios: chat-stream-usage (stream_options.include_usage), chat-stream
// (no usage asked for), chat, responses-stream, responses, embeddings. See sdk-scenarios.js for the output.
import OpenAI from 'openai';
import { PROMPT, WEATHER_TOOL, append, offerTools, runScenarios } from './sdk-scenarios.js';

const CHAT_MODEL = 'gpt-4o-mini';
const client = new OpenAI({ maxRetries: 0 });
const chatTools = offerTools ? { tools: [{ type: 'function', function: WEATHER_TOOL }] } : {};
const responseTools = offerTools ? { tools: [{ type: 'function', ...WEATHER_TOOL }] } : {};
const messages = [{ role: 'user', content: PROMPT }];

async function chatStream(out, streamOptions) {
  const stream = await client.chat.completions.create({
    model: CHAT_MODEL,
    messages,
    stream: true,
    ...streamOptions,
    ...chatTools,
  });
  out.usage = null;
  for await (const chunk of stream) {
    out.model = chunk.model;
    if (chunk.usage) out.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    append(out, 'text', choice.delta.content);
    append(out, 'reasoning', choice.delta.reasoning_content);
    for (const piece of choice.delta.tool_calls ?? []) {
      out.toolCalls ??= [];
      const call = (out.toolCalls[piece.index] ??= { id: piece.id, name: piece.function?.name, arguments: '' });
      call.arguments += piece.function?.arguments ?? '';
    }
    if (choice.finish_reason) out.finishReason = choice.finish_reason;
  }
}

/** What a completed Responses API response says, as the SDK parsed it. */
function readResponse(out, response) {
  out.model = response.model;
  out.usage = response.usage;
  // Computed from the items: the SDK's `output_text` convenience exists on `create`'s answer only, not in stream events.
  const messages = response.output.filter((item) => item.type === 'message');
  out.text = messages.flatMap((item) => item.content.map((part) => part.text ?? '')).join('');
  const calls = response.output.filter((item) => item.type === 'function_call');
  if (calls.length > 0)
    out.toolCalls = calls.map(({ call_id, name, arguments: args }) => ({ id: call_id, name, arguments: args }));
  const reasoning = response.output.filter((item) => item.type === 'reasoning');
  if (reasoning.length > 0) out.reasoning = reasoning.flatMap((item) => item.summary.map((part) => part.text)).join('');
}

await runScenarios({
  'chat-stream-usage': (out) => chatStream(out, { stream_options: { include_usage: true } }),
  'chat-stream': (out) => chatStream(out, {}),
  chat: async (out) => {
    const completion = await client.chat.completions.create({ model: CHAT_MODEL, messages, ...chatTools });
    const { message, finish_reason } = completion.choices[0];
    Object.assign(out, { model: completion.model, usage: completion.usage, text: message.content ?? undefined });
    if (message.reasoning_content) out.reasoning = message.reasoning_content;
    if (message.tool_calls)
      out.toolCalls = message.tool_calls.map(({ id, function: { name, arguments: args } }) => ({
        id,
        name,
        arguments: args,
      }));
    out.finishReason = finish_reason;
  },
  'responses-stream': async (out) => {
    // The SDK's stream helper rebuilds the response from the events and fails on any it cannot place.
    const stream = client.responses.stream({ model: CHAT_MODEL, input: PROMPT, ...responseTools });
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') append(out, 'streamedText', event.delta);
    }
    readResponse(out, await stream.finalResponse());
  },
  responses: async (out) => {
    readResponse(out, await client.responses.create({ model: CHAT_MODEL, input: PROMPT, ...responseTools }));
  },
  embeddings: async (out) => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['Paris', 'Lyon'] });
    Object.assign(out, {
      model: result.model,
      usage: result.usage,
      count: result.data.length,
      dimensions: result.data[0].embedding.length,
    });
  },
});

// The `@anthropic-ai/sdk` as a user's program calls it: base URL and key from ANTHROPIC_BASE_URL (without /v1) and
// ANTHROPIC_API_KEY, no retries. Scenarios: messages-stream (the SDK's stream helper, which rebuilds the message from
// the events and fails on any it cannot place), messages. See sdk-scenarios.js for the output.
import Anthropic from '@anthropic-ai/sdk';
import { PROMPT, WEATHER_TOOL, append, offerTools, runScenarios } from './sdk-scenarios.js';

const client = new Anthropic({ maxRetries: 0 });
const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: PROMPT }],
  ...(offerTools
    ? {
        tools: [
          { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters },
        ],
      }
    : {}),
};

/** What a whole message says, as the SDK parsed it. */
function readMessage(out, message) {
  Object.assign(out, { model: message.model, usage: message.usage, finishReason: message.stop_reason });
  out.text = message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('');
  const thinking = message.content.filter((block) => block.type === 'thinking');
  if (thinking.length > 0) out.reasoning = thinking.map((block) => block.thinking).join('');
  const calls = message.content.filter((block) => block.type === 'tool_use');
  if (calls.length > 0)
    out.toolCalls = calls.map(({ id, name, input }) => ({ id, name, arguments: JSON.stringify(input) }));
}

await runScenarios({
  'messages-stream': async (out) => {
    const stream = client.messages.stream(request);
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        append(out, 'streamedText', event.delta.text);
    }
    readMessage(out, await stream.finalMessage());
  },
  messages: async (out) => readMessage(out, await client.messages.create(request)),
});

// The Vercel `ai` SDK 7 with its OpenAI and Anthropic providers, as a user's program calls them: the providers read
// OPENAI_BASE_URL / OPENAI_API_KEY and ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY themselves. Note that
// @ai-sdk/anthropic appends `/messages` to ANTHROPIC_BASE_URL (its default is https://api.anthropic.com/v1), where
// @anthropic-ai/sdk appends `/v1/messages`. Scenarios (all streamText, no retries): openai-responses-stream
// (`openai(model)`, the Responses API), openai-chat-stream (`openai.chat(model)`), anthropic-stream. See
// sdk-scenarios.js for the output; `usage` is the ai SDK's LanguageModelUsage.
import { anthropic } from '@ai-sdk/anthropic';
import { openai } from '@ai-sdk/openai';
import { jsonSchema, streamText, tool } from 'ai';
import { PROMPT, WEATHER_TOOL, append, offerTools, runScenarios } from './sdk-scenarios.js';

// No `execute`: the call is reported, not run, so one scenario is one model request.
const tools = offerTools
  ? {
      [WEATHER_TOOL.name]: tool({
        description: WEATHER_TOOL.description,
        inputSchema: jsonSchema(WEATHER_TOOL.parameters),
      }),
    }
  : undefined;

async function stream(out, model) {
  const result = streamText({ model, prompt: PROMPT, tools, maxRetries: 0 });
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') append(out, 'text', part.text);
    else if (part.type === 'reasoning-delta') append(out, 'reasoning', part.text);
    else if (part.type === 'tool-call') {
      out.toolCalls ??= [];
      out.toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: JSON.stringify(part.input) });
    } else if (part.type === 'finish-step') out.model = part.response.modelId;
    else if (part.type === 'finish') Object.assign(out, { usage: part.totalUsage, finishReason: part.finishReason });
    else if (part.type === 'error') throw part.error;
  }
}

await runScenarios({
  'openai-responses-stream': (out) => stream(out, openai('gpt-4o-mini')),
  'openai-chat-stream': (out) => stream(out, openai.chat('gpt-4o-mini')),
  'anthropic-stream': (out) => stream(out, anthropic('claude-sonnet-4-5')),
});

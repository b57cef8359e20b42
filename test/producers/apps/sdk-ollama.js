// The `ollama` package as a user's program calls it: the package reads no base-URL variable, so the program passes
// its `host` option, here from OLLAMA_HOST (which `ollama serve` binds to, so the gateway never sets it; a user
// points it at the gateway's /ollama by hand). Scenarios: chat-stream, chat, generate-stream, generate, embed.
// See sdk-scenarios.js for the output; `usage` is the final line's counts and durations.
import { Ollama } from 'ollama';
import { PROMPT, WEATHER_TOOL, append, offerTools, runScenarios } from './sdk-scenarios.js';

const client = new Ollama({ host: process.env.OLLAMA_HOST });
const MODEL = 'llama3.2';
const chatRequest = {
  model: MODEL,
  messages: [{ role: 'user', content: PROMPT }],
  ...(offerTools ? { tools: [{ type: 'function', function: WEATHER_TOOL }] } : {}),
};
const generateRequest = { model: MODEL, prompt: PROMPT };

/** Adds one chat or generate line (streamed or whole) to `out`. */
function readLine(out, line) {
  append(out, 'text', line.message?.content ?? line.response);
  append(out, 'reasoning', line.message?.thinking ?? line.thinking);
  for (const call of line.message?.tool_calls ?? []) {
    out.toolCalls ??= [];
    out.toolCalls.push({ id: call.id, name: call.function.name, arguments: JSON.stringify(call.function.arguments) });
  }
  out.model = line.model;
  if (line.done) {
    const { prompt_eval_count, eval_count, total_duration, load_duration, prompt_eval_duration, eval_duration } = line;
    out.usage = { prompt_eval_count, eval_count, total_duration, load_duration, prompt_eval_duration, eval_duration };
    out.finishReason = line.done_reason;
  }
}

async function readStream(out, stream) {
  for await (const line of stream) readLine(out, line);
}

await runScenarios({
  'chat-stream': async (out) => readStream(out, await client.chat({ ...chatRequest, stream: true })),
  chat: async (out) => readLine(out, await client.chat(chatRequest)),
  'generate-stream': async (out) => readStream(out, await client.generate({ ...generateRequest, stream: true })),
  generate: async (out) => readLine(out, await client.generate(generateRequest)),
  embed: async (out) => {
    const result = await client.embed({ model: 'nomic-embed-text', input: ['Paris', 'Lyon'] });
    Object.assign(out, {
      model: result.model,
      usage: { prompt_eval_count: result.prompt_eval_count },
      count: result.embeddings.length,
      dimensions: result.embeddings[0].length,
    });
  },
});

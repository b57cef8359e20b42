// The `@google/genai` SDK as a user's program calls it: base URL and key from GOOGLE_GEMINI_BASE_URL and
// GEMINI_API_KEY (the SDK reads both itself; it retries nothing unless told). Scenarios: generate-stream
// (generateContentStream, SSE), generate (generateContent), embed (embedContent). See sdk-scenarios.js for the output.
import { GoogleGenAI } from '@google/genai';
import { PROMPT, WEATHER_TOOL, append, offerTools, runScenarios } from './sdk-scenarios.js';

const client = new GoogleGenAI({});
const request = {
  model: 'gemini-2.5-flash',
  contents: PROMPT,
  ...(offerTools ? { config: { tools: [{ functionDeclarations: [WEATHER_TOOL] }] } } : {}),
};

/** Adds one response's parts to `out`: text, thoughts (parts marked `thought`) and function calls. */
function readResponse(out, response) {
  const candidate = response.candidates?.[0];
  for (const part of candidate?.content?.parts ?? []) {
    if (part.thought) append(out, 'reasoning', part.text);
    else append(out, 'text', part.text);
    if (part.functionCall) {
      out.toolCalls ??= [];
      out.toolCalls.push({ name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args) });
    }
  }
  if (candidate?.finishReason) out.finishReason = candidate.finishReason;
  if (response.usageMetadata) out.usage = response.usageMetadata;
  out.model = response.modelVersion;
}

await runScenarios({
  'generate-stream': async (out) => {
    for await (const chunk of await client.models.generateContentStream(request)) readResponse(out, chunk);
  },
  generate: async (out) => readResponse(out, await client.models.generateContent(request)),
  embed: async (out) => {
    const result = await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['Paris', 'Lyon'] });
    Object.assign(out, { count: result.embeddings.length, dimensions: result.embeddings[0].values.length });
  },
});

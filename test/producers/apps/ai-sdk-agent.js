// The Vercel ai SDK 7 against an OpenAI-compatible server, traced by @ai-sdk/otel: the GenAI-convention
// `OpenTelemetry` integration registered globally, and the `LegacyOpenTelemetry` (`ai.*` spans) for one call.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { embed, embedMany, generateText, registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { startTracing } from './openai-tracing.js';

const { shutdown } = startTracing('ai-sdk-agent', []);
registerTelemetry(new OpenTelemetry());

const openai = createOpenAICompatible({
  name: 'openai',
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY,
  // Asks for the usage chunk at the end of a stream.
  includeUsage: true,
});
const model = openai.chatModel('gpt-4o-mini');

const weatherTools = {
  get_weather: tool({
    description: 'Current weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, forecast: 'sunny', celsius: 21 }),
  }),
};

const telemetry = (functionId, extra = {}) => ({ isEnabled: true, functionId, ...extra });
const results = {};

const generated = await generateText({
  model,
  prompt: 'What is the capital of France?',
  experimental_telemetry: telemetry('answer-question'),
});
results.generateText = generated.text;

const streamed = streamText({
  model,
  prompt: 'Stream me the capital of France.',
  experimental_telemetry: telemetry('stream-answer'),
});
results.streamText = await streamed.text;

const agent = await generateText({
  model,
  prompt: 'What is the weather in Paris?',
  tools: weatherTools,
  stopWhen: stepCountIs(3),
  experimental_telemetry: telemetry('weather-agent'),
});
results.agentSteps = agent.steps.length;
results.agentText = agent.text;

const legacy = streamText({
  model,
  prompt: 'Stream the weather in Paris.',
  tools: weatherTools,
  stopWhen: stepCountIs(3),
  experimental_telemetry: telemetry('legacy-weather-agent', { integrations: [new LegacyOpenTelemetry()] }),
});
results.legacyText = await legacy.text;

// The same loop with a tool that fails: the model is shown the error and answers.
const failingTools = {
  get_weather: tool({
    description: 'Current weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async () => {
      throw new Error('weather service unavailable');
    },
  }),
};
const recovered = await generateText({
  model,
  prompt: 'What is the weather in Paris, if the service works?',
  tools: failingTools,
  stopWhen: stepCountIs(3),
  experimental_telemetry: telemetry('failing-tool-agent'),
});
results.recoveredSteps = recovered.steps.length;

const embedder = openai.embeddingModel('text-embedding-3-small');
const single = await embed({ model: embedder, value: 'Paris', experimental_telemetry: telemetry('embed-one') });
results.embeddingLength = single.embedding.length;
const many = await embedMany({
  model: embedder,
  values: ['Paris', 'Lyon', 'Nice'],
  experimental_telemetry: telemetry('embed-many'),
});
results.embeddings = many.embeddings.length;

try {
  // The model server fails requests that carry this marker.
  await generateText({
    model,
    prompt: 'FAIL_ME please',
    maxRetries: 0,
    experimental_telemetry: telemetry('failing-call'),
  });
} catch (error) {
  results.error = error.message;
}

await shutdown();
console.log(JSON.stringify(results));

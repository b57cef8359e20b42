// LangChain JS (@langchain/openai's ChatOpenAI and @langchain/core) instrumented by Arize's OpenInference
// (@arizeai/openinference-instrumentation-langchain), which turns LangChain's callback runs into spans: a chat call, a
// streamed one (by `.stream()`, and by a model made to stream), a tool-calling chain (a runnable named as an agent that calls a LangChain tool), embeddings, and a
// call the model server refuses.
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { z } from 'zod';
import { startTracing } from './openai-tracing.js';

const instrumentation = new LangChainInstrumentation();
const { tracer, shutdown } = startTracing('langchain-app', [instrumentation]);
// LangChain is loaded as an ES module here, which the require hook does not see: patch its callback manager directly.
instrumentation.manuallyInstrument(CallbackManagerModule);

const configuration = { baseURL: process.env.OPENAI_BASE_URL };
// No retries: the refused call must be one request, one span.
const model = new ChatOpenAI({ model: 'gpt-4o-mini', maxRetries: 0, configuration });
const weatherTool = tool(async ({ city }) => `18 degrees Celsius, sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});

const results = {};
const scenario = (name, run) =>
  tracer.startActiveSpan(`scenario ${name}`, async (span) => {
    try {
      results[name] = await run();
    } finally {
      span.end();
    }
  });

await scenario('chat', async () => {
  const answer = await model.invoke([
    ['system', 'You answer geography questions.'],
    ['human', 'What is the capital of France?'],
  ]);
  return answer.content;
});

await scenario('stream', async () => {
  let text = '';
  for await (const chunk of await model.stream('Stream the capital of France.')) text += chunk.content;
  return text;
});

// A model made with `streaming: true` says so in its call options. (Streamed through `.stream()`: its `invoke` would
// estimate token counts with js-tiktoken, which downloads its encodings from the internet.)
await scenario('streaming-model', async () => {
  const streamingModel = new ChatOpenAI({ model: 'gpt-4o-mini', maxRetries: 0, streaming: true, configuration });
  let text = '';
  for await (const chunk of await streamingModel.stream('Stream the capital of France.')) text += chunk.content;
  return text;
});

await scenario('agent', () => {
  // The calls inside get the chain's config, which makes their runs (and so their spans) its children.
  const agent = RunnableLambda.from(async (question, config) => {
    const withTools = model.bindTools([weatherTool]);
    const messages = [['human', question]];
    const first = await withTools.invoke(messages, config);
    const toolMessage = await weatherTool.invoke(first.tool_calls[0], config);
    const second = await withTools.invoke([...messages, first, toolMessage], config);
    return { toolCall: first.tool_calls[0].name, answer: second.content };
  }).withConfig({ runName: 'weather-agent' });
  return agent.invoke('What is the weather in Paris?');
});

await scenario('embeddings', async () => {
  const embeddings = new OpenAIEmbeddings({ model: 'text-embedding-3-small', maxRetries: 0, configuration });
  return (await embeddings.embedDocuments(['Paris', 'Lyon'])).length;
});

await scenario('failure', async () => {
  try {
    await model.invoke('PLEASE-FAIL: this prompt is refused');
    return 'no error';
  } catch (error) {
    return { status: error.status, message: error.message };
  }
});

await shutdown();
console.log(JSON.stringify(results));

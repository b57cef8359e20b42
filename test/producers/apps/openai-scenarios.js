// The `openai` client's calls, each scenario under its own root span ("scenario <name>", as an app's request handler
// would make): a chat completion, a streamed one, a tool-call round trip inside an agent span, embeddings, and a
// call the model server refuses. Which instrumentation records them is chosen by PRODUCER_SCENARIO's
// instrumentation module (see openai-*.js); the agent and tool spans are made here, the way an agent framework makes
// them, with the attribute names of the instrumentation's convention (`agentAttributes`, `toolAttributes`).
import { createRequire } from 'node:module';

export const CHAT_MODEL = 'gpt-4o-mini';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const FAILURE_MARKER = 'PLEASE-FAIL';
export const TOOL_RESULT = '18 degrees Celsius, sunny';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/**
 * Runs every scenario and returns what the calls returned. `require`s `openai` only now, after the instrumentation
 * was registered: instrumentations patch the CommonJS module when it is loaded.
 */
export async function runOpenAiScenarios({ tracer, agentAttributes, toolAttributes }) {
  const { default: OpenAI } = createRequire(import.meta.url)('openai');
  // No retries: the refused call must be one request, one span.
  const client = new OpenAI({ maxRetries: 0 });
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
    const completion = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [
        { role: 'system', content: 'You answer geography questions.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
    return completion.choices[0].message.content;
  });

  await scenario('stream', async () => {
    const stream = await client.chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Stream the capital of France.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return text;
  });

  await scenario('agent', () =>
    tracer.startActiveSpan(
      'invoke_agent weather-agent',
      { attributes: agentAttributes('weather-agent') },
      async (agent) => {
        try {
          const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];
          const first = await client.chat.completions.create({ model: CHAT_MODEL, messages, tools: [WEATHER_TOOL] });
          const call = first.choices[0].message.tool_calls[0];
          const toolResult = tracer.startActiveSpan(
            `execute_tool ${call.function.name}`,
            { attributes: toolAttributes(call.function.name, call.id, call.function.arguments) },
            (tool) => {
              tool.end();
              return TOOL_RESULT;
            },
          );
          messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: toolResult });
          const second = await client.chat.completions.create({ model: CHAT_MODEL, messages, tools: [WEATHER_TOOL] });
          return { toolCall: call.function, answer: second.choices[0].message.content };
        } finally {
          agent.end();
        }
      },
    ),
  );

  await scenario('embeddings', async () => {
    const embeddings = await client.embeddings.create({ model: EMBEDDING_MODEL, input: ['Paris', 'Lyon'] });
    return embeddings.data.length;
  });

  await scenario('failure', async () => {
    try {
      await client.chat.completions.create({
        model: CHAT_MODEL,
        messages: [{ role: 'user', content: `${FAILURE_MARKER}: this prompt is refused` }],
      });
      return 'no error';
    } catch (error) {
      return { status: error.status, message: error.message };
    }
  });
  return results;
}

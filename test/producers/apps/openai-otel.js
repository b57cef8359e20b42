// `openai` instrumented by OpenTelemetry's own @opentelemetry/instrumentation-openai (GenAI semantic conventions;
// message content goes to log records when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { runOpenAiScenarios } from './openai-scenarios.js';
import { startTracing } from './openai-tracing.js';

const { tracer, shutdown } = startTracing('openai-otel-app', [new OpenAIInstrumentation()]);
const results = await runOpenAiScenarios({
  tracer,
  agentAttributes: (name) => ({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': name,
    'gen_ai.provider.name': 'openai',
  }),
  toolAttributes: (name, callId, args) => ({
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    'gen_ai.tool.call.id': callId,
    'gen_ai.tool.type': 'function',
    'gen_ai.tool.call.arguments': args,
  }),
});
await shutdown();
console.log(JSON.stringify(results));

// `openai` instrumented by Traceloop's OpenLLMetry (@traceloop/instrumentation-openai); the agent and tool spans
// carry the attributes the Traceloop SDK's `withAgent` and `withTool` set.
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import { runOpenAiScenarios } from './openai-scenarios.js';
import { startTracing } from './openai-tracing.js';

const { tracer, shutdown } = startTracing('openai-openllmetry-app', [
  new OpenAIInstrumentation({ traceContent: true }),
]);
const results = await runOpenAiScenarios({
  tracer,
  agentAttributes: (name) => ({ 'traceloop.span.kind': 'agent', 'traceloop.entity.name': name }),
  toolAttributes: (name, _callId, args) => ({
    'traceloop.span.kind': 'tool',
    'traceloop.entity.name': name,
    'traceloop.entity.input': args,
  }),
});
await shutdown();
console.log(JSON.stringify(results));

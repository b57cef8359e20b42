// `openai` instrumented by Arize's OpenInference (@arizeai/openinference-instrumentation-openai); the agent and tool
// spans carry OpenInference's own attributes, as an OpenInference-instrumented agent framework sets them.
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { runOpenAiScenarios } from './openai-scenarios.js';
import { startTracing } from './openai-tracing.js';

const { tracer, shutdown } = startTracing('openai-openinference-app', [new OpenAIInstrumentation()]);
const results = await runOpenAiScenarios({
  tracer,
  agentAttributes: (name) => ({ 'openinference.span.kind': 'AGENT', 'agent.name': name }),
  toolAttributes: (name, callId, args) => ({
    'openinference.span.kind': 'TOOL',
    'tool.name': name,
    'tool_call.id': callId,
    'tool.parameters': args,
    'input.value': args,
    'input.mime_type': 'application/json',
  }),
});
await shutdown();
console.log(JSON.stringify(results));

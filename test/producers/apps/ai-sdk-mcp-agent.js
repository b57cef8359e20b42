// An ai SDK 7 agent whose tool calls an MCP server (apps/mcp-server.js over stdio), the way agents use MCP tools.
// OpenInference's MCP instrumentation carries the trace context into the server; with PRODUCER_SCENARIO=traceloop,
// OpenLLMetry's MCP instrumentation also traces the client session and requests.
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { OpenTelemetry } from '@ai-sdk/otel';
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as clientModule from '@modelcontextprotocol/sdk/client/index.js';
import * as clientStdioModule from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { generateText, registerTelemetry, stepCountIs, tool } from 'ai';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { startPropagatingTracing } from './mcp-propagation.js';

const { shutdown } = startPropagatingTracing('ai-sdk-mcp-agent');
registerTelemetry(new OpenTelemetry());
new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ clientStdioModule });
if (process.env.PRODUCER_SCENARIO === 'traceloop') new McpInstrumentation().manuallyInstrument(clientModule);

// Connected once at start-up, before any agent run, as long-lived MCP clients are.
const client = new clientModule.Client({ name: 'weather-agent', version: '1.0.0' });
await client.connect(
  new clientStdioModule.StdioClientTransport({
    command: process.execPath,
    args: [fileURLToPath(new URL('./mcp-server.js', import.meta.url))],
    env: process.env,
    stderr: 'inherit',
  }),
);

const openai = createOpenAICompatible({
  name: 'openai',
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY,
});
const result = await generateText({
  model: openai.chatModel('gpt-4o-mini'),
  prompt: 'What is the weather in Paris?',
  tools: {
    get_weather: tool({
      description: 'Current weather of a city, from the weather MCP server',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        const answer = await client.callTool({ name: 'get_weather', arguments: { city } });
        return answer.content[0].text;
      },
    }),
  },
  stopWhen: stepCountIs(3),
  experimental_telemetry: { isEnabled: true, functionId: 'mcp-weather-agent' },
});

await client.close();
await shutdown();
// The OTel SDK's span clock (performance.timeOrigin + performance.now()) runs a fraction of a millisecond off Date's,
// which the ai SDK stamps its spans with: the test compares the two kinds of span on one clock.
const otelClockAheadMs = performance.timeOrigin + performance.now() - Date.now();
console.log(
  JSON.stringify({ steps: result.steps.length, toolResult: result.steps[0].toolResults[0]?.output, otelClockAheadMs }),
);

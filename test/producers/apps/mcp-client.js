// An MCP client app: starts mcp-server.js as a stdio child process and calls its tools inside one agent span.
// OpenLLMetry's MCP instrumentation records the session and each request; OpenInference's injects the trace context
// into the requests' `params._meta`, so the server process's spans join this trace.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as clientModule from '@modelcontextprotocol/sdk/client/index.js';
import * as clientStdioModule from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { fileURLToPath } from 'node:url';
import { startPropagatingTracing } from './mcp-propagation.js';
import { answerSampling } from './mcp-tools.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-travel-agent');
new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ clientStdioModule });
new McpInstrumentation().manuallyInstrument(clientModule);

const client = new clientModule.Client({ name: 'travel-agent', version: '1.0.0' }, { capabilities: { sampling: {} } });
// The server's plan_trip tool asks this client's model for text (MCP sampling).
answerSampling(client, CreateMessageRequestSchema, tracer);

const results = {};
const agentAttributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'travel-agent' };
await tracer.startActiveSpan('invoke_agent travel-agent', { attributes: agentAttributes }, async (agent) => {
  const transport = new clientStdioModule.StdioClientTransport({
    command: process.execPath,
    args: [fileURLToPath(new URL('./mcp-server.js', import.meta.url))],
    // The default environment leaves out OTEL_*; the server exports where this process does.
    env: process.env,
    stderr: 'inherit',
  });
  await client.connect(transport);
  results.tools = (await client.listTools()).tools.map((tool) => tool.name);
  results.weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
  results.plan = await client.callTool({ name: 'plan_trip', arguments: { city: 'Lyon' } });
  results.rate = await client.callTool({ name: 'get_exchange_rate', arguments: { from: 'EUR', to: 'JPY' } });
  await client.close();
  agent.end();
});
await shutdown();
console.log(JSON.stringify(results));

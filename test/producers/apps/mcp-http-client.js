// An MCP client app for a remote server: starts mcp-http-server.js as a child process, connects to it over Streamable
// HTTP and calls its tools inside one agent span, then ends the session (HTTP DELETE) and waits for the server to exit
// (having exported its spans). OpenLLMetry's MCP instrumentation records the session and each request; OpenInference's
// (unless PRODUCER_SCENARIO=traceloop-only) injects the trace context into the requests' `params._meta`.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as clientModule from '@modelcontextprotocol/sdk/client/index.js';
import * as clientStreamableHTTPModule from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPropagatingTracing } from './mcp-propagation.js';
import { answerSampling } from './mcp-tools.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-travel-agent');
if (process.env.PRODUCER_SCENARIO !== 'traceloop-only') {
  new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ clientStreamableHTTPModule });
}
new McpInstrumentation().manuallyInstrument(clientModule);

// The server exports where this process does (the environment is inherited) and prints the port it listens on.
const serverProcess = spawn(process.execPath, [fileURLToPath(new URL('./mcp-http-server.js', import.meta.url))], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const serverExited = once(serverProcess, 'exit');
const [portLine] = await once(createInterface({ input: serverProcess.stdout }), 'line');
const { port } = JSON.parse(portLine);

const client = new clientModule.Client({ name: 'travel-agent', version: '1.0.0' }, { capabilities: { sampling: {} } });
// The server's plan_trip tool asks this client's model for text (MCP sampling).
answerSampling(client, CreateMessageRequestSchema, tracer);

const results = {};
const agentAttributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'travel-agent' };
await tracer.startActiveSpan('invoke_agent travel-agent', { attributes: agentAttributes }, async (agent) => {
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  const transport = new clientStreamableHTTPModule.StreamableHTTPClientTransport(url);
  await client.connect(transport);
  results.sessionId = transport.sessionId;
  results.tools = (await client.listTools()).tools.map((tool) => tool.name);
  results.weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
  results.plan = await client.callTool({ name: 'plan_trip', arguments: { city: 'Lyon' } });
  results.rate = await client.callTool({ name: 'get_exchange_rate', arguments: { from: 'EUR', to: 'JPY' } });
  await transport.terminateSession();
  await client.close();
  agent.end();
});
const [exitCode] = await serverExited;
await shutdown();
console.log(JSON.stringify({ ...results, serverExitCode: exitCode }));

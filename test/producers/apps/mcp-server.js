// An MCP server over stdio, started by mcp-client.js (and ai-sdk-mcp-agent.js) as a child process, serving the tools
// of mcp-tools.js. OpenInference's MCP instrumentation takes the client's trace context out of each request's
// `params._meta`, so the tool handlers' spans (and the server's own sampling request, traced by OpenLLMetry's MCP
// instrumentation) join the client's trace.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as serverStdioModule from '@modelcontextprotocol/sdk/server/stdio.js';
import * as serverModule from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { startPropagatingTracing } from './mcp-propagation.js';
import { registerWeatherTools } from './mcp-tools.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-weather-server');
// ESM modules cannot be patched on import, so both instrumentations are applied by hand, as their READMEs say.
new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ serverStdioModule });
new McpInstrumentation().manuallyInstrument(serverModule);

const server = new McpServer({ name: 'weather', version: '1.0.0' });

registerWeatherTools(server, tracer);

// The client ends stdin to close the session: export what is left, then exit.
process.stdin.on('end', async () => {
  await shutdown();
  process.exit(0);
});
await server.connect(new serverStdioModule.StdioServerTransport());

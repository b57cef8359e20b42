// A remote MCP server: the SDK's Streamable HTTP transport on a plain node:http server at 127.0.0.1, on a port the
// system picks and printed as the first stdout line. Started by mcp-http-client.js as a child process, it serves one
// session and exits once the client ends it (HTTP DELETE). It serves the tools of mcp-tools.js, as mcp-server.js does
// over stdio. OpenInference's MCP instrumentation takes the client's trace context out of each request's `params._meta`
// (unless PRODUCER_SCENARIO=traceloop-only); OpenLLMetry's traces the server's own sampling request.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as serverModule from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as serverStreamableHTTPModule from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { startPropagatingTracing } from './mcp-propagation.js';
import { registerWeatherTools } from './mcp-tools.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-weather-http-server');
if (process.env.PRODUCER_SCENARIO !== 'traceloop-only') {
  new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ serverStreamableHTTPModule });
}
new McpInstrumentation().manuallyInstrument(serverModule);

const server = new McpServer({ name: 'weather', version: '1.0.0' });

registerWeatherTools(server, tracer);

const transport = new serverStreamableHTTPModule.StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID });
const httpServer = createServer((request, response) => transport.handleRequest(request, response));
// The client's DELETE closes the transport; once the HTTP server has closed its connections, export what is left.
server.server.onclose = () => httpServer.close();
httpServer.on('close', shutdown);

await server.connect(transport);
httpServer.listen(0, '127.0.0.1');
await once(httpServer, 'listening');
console.log(JSON.stringify({ port: httpServer.address().port }));

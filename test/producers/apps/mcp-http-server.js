// A remote MCP server: the SDK's Streamable HTTP transport on a plain node:http server at 127.0.0.1, on a port the
// system picks and printed as the first stdout line. Started by mcp-http-client.js as a child process, it serves one
// session and exits once the client ends it (HTTP DELETE). Same tools as mcp-server.js, over HTTP. OpenInference's MCP
// instrumentation takes the client's trace context out of each request's `params._meta` (unless
// PRODUCER_SCENARIO=traceloop-only); OpenLLMetry's traces the server's own sampling request.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as serverModule from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as serverStreamableHTTPModule from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SpanStatusCode } from '@opentelemetry/api';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { z } from 'zod';
import { startPropagatingTracing } from './mcp-propagation.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-weather-http-server');
if (process.env.PRODUCER_SCENARIO !== 'traceloop-only') {
  new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ serverStreamableHTTPModule });
}
new McpInstrumentation().manuallyInstrument(serverModule);

const server = new McpServer({ name: 'weather', version: '1.0.0' });

server.registerTool(
  'get_weather',
  { description: 'Current weather of a city', inputSchema: { city: z.string() } },
  ({ city }) =>
    tracer.startActiveSpan('fetch forecast', { attributes: { 'weather.city': city } }, (span) => {
      span.end();
      return { content: [{ type: 'text', text: `Sunny in ${city}, 21°C` }] };
    }),
);

server.registerTool(
  'plan_trip',
  { description: 'Plans a day out, asking the client model', inputSchema: { city: z.string() } },
  async ({ city }, { requestId }) => {
    // Related to the tool call, the request goes to the client on the SSE stream answering that call's POST (unrelated,
    // it would go on the client's standalone GET stream, and be lost if that stream is not open yet).
    const answer = await server.server.createMessage(
      { messages: [{ role: 'user', content: { type: 'text', text: `Plan a day in ${city}` } }], maxTokens: 100 },
      { relatedRequestId: requestId },
    );
    return { content: [{ type: 'text', text: answer.content.type === 'text' ? answer.content.text : '' }] };
  },
);

server.registerTool(
  'get_exchange_rate',
  { description: 'Exchange rate between two currencies', inputSchema: { from: z.string(), to: z.string() } },
  ({ from, to }) =>
    tracer.startActiveSpan('fetch rate', (span) => {
      const error = new Error(`rate service timed out for ${from}/${to}`);
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      span.end();
      throw error;
    }),
);

const transport = new serverStreamableHTTPModule.StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID });
const httpServer = createServer((request, response) => transport.handleRequest(request, response));
// The client's DELETE closes the transport; once the HTTP server has closed its connections, export what is left.
server.server.onclose = () => httpServer.close();
httpServer.on('close', shutdown);

await server.connect(transport);
httpServer.listen(0, '127.0.0.1');
await once(httpServer, 'listening');
console.log(JSON.stringify({ port: httpServer.address().port }));

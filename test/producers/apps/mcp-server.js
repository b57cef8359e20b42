// An MCP server over stdio, started by mcp-client.js as a child process. OpenInference's MCP instrumentation takes the
// client's trace context out of each request's `params._meta`, so the tool handlers' spans (and the server's own
// sampling request, traced by OpenLLMetry's MCP instrumentation) join the client's trace.
import * as openInferenceMcp from '@arizeai/openinference-instrumentation-mcp';
import * as serverStdioModule from '@modelcontextprotocol/sdk/server/stdio.js';
import * as serverModule from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SpanStatusCode } from '@opentelemetry/api';
import { McpInstrumentation } from '@traceloop/instrumentation-mcp';
import { z } from 'zod';
import { startPropagatingTracing } from './mcp-propagation.js';

const { tracer, shutdown } = startPropagatingTracing('mcp-weather-server');
// ESM modules cannot be patched on import, so both instrumentations are applied by hand, as their READMEs say.
new openInferenceMcp.MCPInstrumentation().manuallyInstrument({ serverStdioModule });
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
  async ({ city }) => {
    const answer = await server.server.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: `Plan a day in ${city}` } }],
      maxTokens: 100,
    });
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

// The client ends stdin to close the session: export what is left, then exit.
process.stdin.on('end', async () => {
  await shutdown();
  process.exit(0);
});
await server.connect(new serverStdioModule.StdioServerTransport());

// The weather MCP server's tools, served over stdio by mcp-server.js and over Streamable HTTP by mcp-http-server.js,
// the same code on both: what depends on the transport is where plan_trip's sampling request goes (see there).
// Imports no MCP SDK module and has no side effect: each server applies its instrumentations to the SDK modules it
// imports, makes its McpServer, then registers these tools on it.
import { SpanStatusCode } from '@opentelemetry/api';
import { z } from 'zod';

/**
 * Registers `get_weather` (one span of the server's own), `plan_trip` (asks the client's model, MCP sampling) and
 * `get_exchange_rate` (fails, with an error span) on `server`, an McpServer; `tracer` is the server app's.
 */
export function registerWeatherTools(server, tracer) {
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
      // Where the transports differ. Over Streamable HTTP, a request related to the tool call goes to the client on
      // the SSE stream answering that call's POST (unrelated, it would go on the client's standalone GET stream, and
      // be lost if that stream is not open yet). Over stdio there is one pipe, and the transport ignores the relation.
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
}

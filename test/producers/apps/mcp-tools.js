// The weather MCP server's tools, served over stdio by mcp-server.js and over Streamable HTTP by mcp-http-server.js,
// the same code on both: what depends on the transport is where plan_trip's sampling request goes (see there); and
// the clients' answer to that request. Imports no MCP SDK module and has no side effect: each app applies its
// instrumentations to the SDK modules it imports, makes its McpServer or Client, then passes it here.
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

/**
 * Makes `client` (a Client of the SDK) answer plan_trip's sampling request with a stub model's text, in a span of
 * `tracer`, the client app's; `requestSchema` is the SDK's CreateMessageRequestSchema.
 */
export function answerSampling(client, requestSchema, tracer) {
  client.setRequestHandler(requestSchema, () =>
    tracer.startActiveSpan('answer sampling request', (span) => {
      span.end();
      return {
        model: 'stub-model',
        role: 'assistant',
        content: { type: 'text', text: 'Museum, then a walk by the river.' },
      };
    }),
  );
}

// An instrumented program for the gateway's trace-joining test: the `openai` SDK traced by
// @opentelemetry/instrumentation-openai, plus @opentelemetry/instrumentation-undici, which puts a client span around
// each fetch (the SDK's transport on Node 22) and sends its `traceparent`, so a gateway on the way can nest its span
// under the app's. Exports to OTEL_EXPORTER_OTLP_ENDPOINT like openai-otel.js; the client reads OPENAI_BASE_URL and
// OPENAI_API_KEY. One streamed chat completion (usage asked for) under a root span `scenario gateway`; prints
// `{ traceId, text, usage }`, traceId being the root span's. With PRODUCER_SCENARIO=no-propagation the undici
// instrumentation is left out, so no `traceparent` is sent, as from an app instrumented for its model calls only.
import { createRequire } from 'node:module';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { append } from './sdk-scenarios.js';
import { startTracing } from './openai-tracing.js';

const propagate = process.env.PRODUCER_SCENARIO !== 'no-propagation';
const { tracer, shutdown } = startTracing('openai-gateway-instrumented', [
  new OpenAIInstrumentation(),
  ...(propagate ? [new UndiciInstrumentation()] : []),
]);
// What the Node SDK sets by default: without a propagator the undici instrumentation makes spans but sends no header.
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
// Required only now: the instrumentation patches the CommonJS module when it is loaded.
const { default: OpenAI } = createRequire(import.meta.url)('openai');
const client = new OpenAI({ maxRetries: 0 });

const out = {};
await tracer.startActiveSpan('scenario gateway', async (span) => {
  try {
    out.traceId = span.spanContext().traceId;
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      append(out, 'text', chunk.choices[0]?.delta?.content);
      if (chunk.usage) out.usage = chunk.usage;
    }
  } finally {
    span.end();
  }
});
await shutdown();
console.log(JSON.stringify(out));

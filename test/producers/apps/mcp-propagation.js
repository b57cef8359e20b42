// The MCP apps' tracing: the shared set-up plus W3C trace-context propagation, which the OpenInference MCP
// instrumentation uses to carry the trace across the stdio pipe in each request's `params._meta`.
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { startTracing } from './openai-tracing.js';

export function startPropagatingTracing(serviceName) {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return startTracing(serviceName, []);
}

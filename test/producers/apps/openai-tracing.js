// The OpenTelemetry set-up an instrumented Node app makes, shared by the OpenAI and LangChain apps: traces and logs
// exported over OTLP/protobuf to OTEL_EXPORTER_OTLP_ENDPOINT (the exporters read it), async-hooks context. Logs are
// exported too because some instrumentations put message content in log records (GenAI events) instead of spans.
import { context, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/**
 * Registers the global tracer and logger providers and the instrumentations (before the instrumented module is
 * loaded: they patch it on `require`). Call the returned `shutdown` before exiting so everything is exported.
 */
export function startTracing(serviceName, instrumentations) {
  const resource = resourceFromAttributes({ 'service.name': serviceName });
  const tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 100 })],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter(), scheduledDelayMillis: 100 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  registerInstrumentations({ instrumentations, tracerProvider, loggerProvider });
  return {
    tracer: trace.getTracer(serviceName),
    shutdown: () => Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]),
  };
}

/**
 * Traces the end-to-end tests send to the extension's receiver: recorded with the real OpenTelemetry JS SDK and sent
 * by its real OTLP exporters (protobuf, JSON and gRPC), or posted as raw OTLP/JSON.
 */
import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, trace, type Attributes } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export type ExporterKind = 'protobuf' | 'json' | 'grpc';

export interface AgentTraceNames {
  /** The root span's name, which the Traces view shows as the trace's label. */
  root: string;
  service: string;
  llm: string;
  tool: string;
  mcp: string;
}

export interface AgentTraceOptions {
  agentName: string;
  service: string;
  /** Added to the agent span (e.g. hostile strings). */
  extraAttributes?: Attributes;
  /** Overrides the tool span's name. */
  toolSpanName?: string;
}

export interface RecordedTrace {
  traceId: string;
  names: AgentTraceNames;
  /** In the order the SDK ended them: MCP call, tool, LLM call, agent. */
  spans: ReadableSpan[];
}

/** Token counts and timing the LLM span reports, and what the tree shows for them. */
export const LLM_USAGE = { inputTokens: 1200, outputTokens: 345, ttftSeconds: 0.42, durationMs: 1800 } as const;

/**
 * An agent run: `invoke_agent {agent}` → streaming `chat gpt-4o` (usage, TTFT) and `execute_tool get_weather` →
 * MCP `tools/call get_weather`; recorded with the SDK, ended three seconds ago.
 */
// Traces recorded one after another start in that order, even within one millisecond: the tests that check the
// Traces view's newest-first order would otherwise depend on ties.
let lastStartMs = 0;

export function recordAgentTrace(options: AgentTraceOptions): RecordedTrace {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('ai-trace-lens-e2e', '1.0.0');
  const start = Math.max(Date.now() - 5_000, lastStartMs + 1);
  lastStartMs = start;
  const names: AgentTraceNames = {
    root: `invoke_agent ${options.agentName}`,
    service: options.service,
    llm: 'chat gpt-4o',
    tool: options.toolSpanName ?? 'execute_tool get_weather',
    mcp: 'tools/call get_weather',
  };

  const agent = tracer.startSpan(
    names.root,
    {
      kind: SpanKind.INTERNAL,
      startTime: start,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': options.agentName,
        'gen_ai.provider.name': 'openai',
        ...options.extraAttributes,
      },
    },
    context.active(),
  );
  const agentContext = trace.setSpan(context.active(), agent);

  const llm = tracer.startSpan(
    names.llm,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 100,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.stream': true,
      },
    },
    agentContext,
  );
  llm.setAttributes({
    'gen_ai.response.model': 'gpt-4o',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.usage.input_tokens': LLM_USAGE.inputTokens,
    'gen_ai.usage.output_tokens': LLM_USAGE.outputTokens,
    'gen_ai.response.time_to_first_chunk': LLM_USAGE.ttftSeconds,
  });
  llm.end(start + 100 + LLM_USAGE.durationMs);

  const tool = tracer.startSpan(
    names.tool,
    {
      kind: SpanKind.INTERNAL,
      startTime: start + 2_000,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_e2e_1',
      },
    },
    agentContext,
  );
  const mcp = tracer.startSpan(
    names.mcp,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 2_010,
      attributes: {
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.operation.name': 'execute_tool',
        'network.transport': 'pipe',
      },
    },
    trace.setSpan(context.active(), tool),
  );
  mcp.setStatus({ code: SpanStatusCode.OK });
  mcp.end(start + 2_500);
  tool.end(start + 2_510);
  agent.end(start + 3_000);

  return { traceId: agent.spanContext().traceId, names, spans: memory.getFinishedSpans().slice() };
}

/** `port` is the OTLP/HTTP receiver's, or the OTLP/gRPC one's for 'grpc'. */
export function createExporter(kind: ExporterKind, port: number): SpanExporter {
  if (kind === 'grpc') return new GrpcTraceExporter({ url: `http://127.0.0.1:${port}` });
  const url = `http://127.0.0.1:${port}/v1/traces`;
  return kind === 'protobuf' ? new ProtobufTraceExporter({ url }) : new JsonTraceExporter({ url });
}

/** Sends spans as one OTLP request through the SDK exporter; rejects when the exporter reports a failure. */
export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<void> {
  return new Promise((resolveExport, reject) =>
    exporter.export(spans, (result) =>
      result.code === ExportResultCode.SUCCESS
        ? resolveExport()
        : reject(result.error ?? new Error('the OTLP exporter reported a failed export')),
    ),
  );
}

export interface HttpAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** POSTs an OTLP/JSON body to the receiver, as a hand-rolled client would. */
export async function postOtlpJson(receiverPort: number, body: string): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${receiverPort}/v1/traces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

/**
 * An OTLP/JSON request holding one trace with a fresh id: a span named `rootName`, and `spanCount - 1` children of it
 * named `${rootName} step N`.
 */
export function traceRequest(rootName: string, service: string, spanCount = 1): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const traceId = randomBytes(16).toString('hex');
  const rootId = randomBytes(8).toString('hex');
  const span = (spanId: string, name: string, parentSpanId?: string) => ({
    traceId,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name,
    kind: 1,
    startTimeUnixNano: String(now - 250_000_000n),
    endTimeUnixNano: String(now),
  });
  const children = Array.from({ length: spanCount - 1 }, (_, index) =>
    span(randomBytes(8).toString('hex'), `${rootName} step ${index + 1}`, rootId),
  );
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'ai-trace-lens-e2e' }, spans: [span(rootId, rootName), ...children] }],
      },
    ],
  });
}

/**
 * The real OpenTelemetry JS SDK exporting a GenAI agent trace to the real receiver, over protobuf and JSON, gzipped and
 * not. An in-memory exporter on the same provider captures the SDK's own ReadableSpans: every field the receiver
 * stores is compared with what the SDK recorded, times to the nanosecond.
 */
import { SpanKind as ApiSpanKind, SpanStatusCode, context, trace, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spansOf, type Span } from '../../src/core/model';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { TraceStore } from '../../src/core/store/traceStore';
import type { AiKind } from '../../src/shared/aiKinds';

const SERVICE = 'travel-planner-service';

/** Attributes of every type the SDK accepts, on the root span. */
const EVERY_TYPE = {
  'test.string': 'plain',
  'test.unicode': 'ünïcødé ✓ 🚀 "quoted"\n',
  'test.empty': '',
  'test.int': 42,
  'test.negative': -7,
  'test.large_int': 2 ** 53 - 1,
  'test.double': 0.25,
  'test.bool': false,
  'test.strings': ['a', 'b', ''],
  'test.ints': [1, 2, 3],
  'test.doubles': [1.5, -2.25],
  'test.bools': [true, false],
  'test.empty_array': [],
};

function at(seconds: number, nanos: number): HrTime {
  return [seconds, nanos];
}

function hrTimeToNanos([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(Math.trunc(nanos));
}

/**
 * agent → streaming LLM call (token usage, a chunk event) → tool (fails, exception event) → MCP tools/call,
 * parented through explicit contexts, with explicit nanosecond times.
 */
function recordAgentTrace(provider: BasicTracerProvider): void {
  const tracer = provider.getTracer('travel-agent-instrumentation', '1.2.3');
  const base = 1_750_000_000;
  const agent = tracer.startSpan(
    'invoke_agent travel-planner',
    {
      kind: ApiSpanKind.INTERNAL,
      startTime: at(base, 123_456_789),
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'travel-planner',
        'gen_ai.provider.name': 'openai',
        ...EVERY_TYPE,
      },
    },
    context.active(),
  );
  const agentContext = trace.setSpan(context.active(), agent);

  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: ApiSpanKind.CLIENT,
      startTime: at(base, 200_000_001),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.stream': true,
        'gen_ai.request.temperature': 0.2,
      },
    },
    agentContext,
  );
  llm.addEvent('gen_ai.content.completion.chunk', { 'gen_ai.completion.chunk.index': 0 }, at(base, 450_000_999));
  llm.setAttributes({
    'gen_ai.response.model': 'gpt-4o-2024-08-06',
    'gen_ai.response.finish_reasons': ['tool_calls'],
    'gen_ai.usage.input_tokens': 1200,
    'gen_ai.usage.output_tokens': 345,
  });
  llm.setStatus({ code: SpanStatusCode.OK });
  llm.end(at(base + 1, 999_999_999));

  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      kind: ApiSpanKind.INTERNAL,
      startTime: at(base + 2, 5),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'call_abc123',
      },
      links: [{ context: llm.spanContext(), attributes: { 'link.reason': 'requested by' } }],
    },
    agentContext,
  );
  const mcp = tracer.startSpan(
    'tools/call get_weather',
    {
      kind: ApiSpanKind.CLIENT,
      startTime: at(base + 2, 1_000),
      attributes: {
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': 'get_weather',
        'mcp.session.id': 'session-1',
        'network.transport': 'pipe',
      },
    },
    trace.setSpan(context.active(), tool),
  );
  mcp.end(at(base + 2, 700_000_000));
  tool.recordException(new TypeError('weather service timed out'), at(base + 2, 800_000_000));
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'weather service timed out' });
  tool.end(at(base + 2, 800_000_001));
  agent.end(at(base + 3, 0));
}

const EXPECTED_KINDS: Record<string, AiKind> = {
  'invoke_agent travel-planner': 'agent',
  'chat gpt-4o': 'llm',
  'execute_tool get_weather': 'tool',
  'tools/call get_weather': 'mcp',
};

/** Wraps the OTLP exporter to record what the SDK saw as the outcome of each export. */
function recording(exporter: SpanExporter, results: ExportResult[]): SpanExporter {
  return {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        results.push(result);
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

function assertSameSpan(stored: Span, sdk: ReadableSpan): void {
  const label = sdk.name;
  const sdkContext = sdk.spanContext();
  assert.equal(stored.traceId, sdkContext.traceId, label);
  assert.equal(stored.spanId, sdkContext.spanId, label);
  assert.equal(stored.parentSpanId, sdk.parentSpanContext?.spanId, label);
  // Low byte: W3C trace flags; 0x100: "is-remote known", set by this exporter, with 0x200 clear for a local parent.
  assert.equal(stored.flags, sdkContext.traceFlags | 0x100, label);
  assert.equal(stored.name, sdk.name);
  assert.equal(stored.kind, sdk.kind + 1, `${label}: OTLP kinds are the API's plus one`);
  assert.equal(stored.startTimeUnixNano, hrTimeToNanos(sdk.startTime), label);
  assert.equal(stored.endTimeUnixNano, hrTimeToNanos(sdk.endTime), label);
  assert.deepEqual(Object.fromEntries(stored.attributes), sdk.attributes, label);
  assert.equal(stored.droppedAttributesCount, sdk.droppedAttributesCount, label);
  assert.deepEqual(stored.status, { code: sdk.status.code, message: sdk.status.message ?? '' }, label);
  assert.deepEqual(
    stored.events.map((event) => [event.name, event.timeUnixNano, Object.fromEntries(event.attributes)]),
    sdk.events.map((event) => [event.name, hrTimeToNanos(event.time), event.attributes ?? {}]),
    label,
  );
  assert.deepEqual(
    stored.links.map((link) => [link.traceId, link.spanId, Object.fromEntries(link.attributes)]),
    sdk.links.map((link) => [link.context.traceId, link.context.spanId, link.attributes ?? {}]),
    label,
  );
  assert.deepEqual(Object.fromEntries(stored.resource.attributes), sdk.resource.attributes, label);
  assert.equal(stored.scope.name, sdk.instrumentationScope.name);
  assert.equal(stored.scope.version, sdk.instrumentationScope.version);
}

describe('OTel JS SDK exporters → OtlpHttpReceiver', () => {
  const store = new TraceStore({ maxSpans: 10_000 });
  let receiver: OtlpHttpReceiver;
  let url: string;
  /** The receiver's line per accepted request names the encoding and compression it read. */
  const accepted: string[] = [];

  before(async () => {
    receiver = new OtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 4 * 1024 * 1024,
      onTraces: (result) => {
        assert.equal(result.rejectedSpans, 0);
        store.ingest(spansOf(result.request));
      },
      log: { info: (line) => accepted.push(line), warn: assert.fail, error: assert.fail },
    });
    const { port } = await receiver.start();
    url = `http://127.0.0.1:${port}/v1/traces`;
  });

  after(() => receiver.stop());

  const cases = [
    { encoding: 'protobuf', compression: CompressionAlgorithm.NONE, batch: false },
    { encoding: 'protobuf', compression: CompressionAlgorithm.GZIP, batch: true },
    { encoding: 'json', compression: CompressionAlgorithm.NONE, batch: true },
    { encoding: 'json', compression: CompressionAlgorithm.GZIP, batch: false },
  ] as const;

  for (const { encoding, compression, batch } of cases) {
    const title = `${encoding}, compression ${compression}, ${batch ? 'BatchSpanProcessor' : 'SimpleSpanProcessor'}`;
    test(`${title}: every span arrives intact`, async () => {
      store.clear();
      accepted.length = 0;
      const results: ExportResult[] = [];
      const Exporter = encoding === 'json' ? JsonTraceExporter : ProtobufTraceExporter;
      const exporter = recording(new Exporter({ url, compression }), results);
      const memory = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE, 'deployment.environment.name': 'test' }),
        spanProcessors: [
          batch ? new BatchSpanProcessor(exporter) : new SimpleSpanProcessor(exporter),
          new SimpleSpanProcessor(memory),
        ],
      });
      let sdkSpans: ReadableSpan[];
      try {
        recordAgentTrace(provider);
        await provider.forceFlush();
        // Read before shutdown: shutting the in-memory exporter down forgets its spans.
        sdkSpans = memory.getFinishedSpans();
      } finally {
        await provider.shutdown();
      }

      assert.ok(results.length > 0);
      for (const result of results) assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
      assert.equal(accepted.length, batch ? 1 : 4, 'a batch is one request, the simple processor sends each span');
      const format = compression === CompressionAlgorithm.GZIP ? `(${encoding}, gzip,` : `(${encoding},`;
      for (const line of accepted) assert.ok(line.includes(format), line);

      assert.equal(sdkSpans.length, 4);
      const traceId = sdkSpans[0]!.spanContext().traceId;
      const record = store.getTrace(traceId);
      assert.ok(record, 'the trace is in the store');
      assert.equal(store.traceCount, 1);
      assert.equal(record.summary.spanCount, 4);
      assert.equal(record.summary.service, SERVICE);
      assert.equal(record.summary.errorCount, 1);

      for (const sdkSpan of sdkSpans) {
        const node = record.getSpan(sdkSpan.spanContext().spanId);
        assert.ok(node, `${sdkSpan.name} arrived`);
        assertSameSpan(node.span, sdkSpan);
        assert.equal(node.ai.kind, EXPECTED_KINDS[sdkSpan.name], sdkSpan.name);
        assert.equal(node.orphan, false);
      }

      // The tree the store built from the parent links: agent → (llm, tool → mcp), siblings by start time.
      assert.deepEqual(
        record.spans().map((node) => [node.span.name, node.parent?.span.name]),
        [
          ['invoke_agent travel-planner', undefined],
          ['chat gpt-4o', 'invoke_agent travel-planner'],
          ['execute_tool get_weather', 'invoke_agent travel-planner'],
          ['tools/call get_weather', 'execute_tool get_weather'],
        ],
      );
      const llm = record.spans()[1]!.ai;
      assert.equal(llm.requestModel, 'gpt-4o');
      assert.equal(llm.responseModel, 'gpt-4o-2024-08-06');
      assert.equal(llm.inputTokens, 1200);
      assert.equal(llm.outputTokens, 345);
      assert.equal(record.summary.tokens.inputTokens, 1200);
      assert.equal(record.summary.tokens.outputTokens, 345);
    });
  }
});

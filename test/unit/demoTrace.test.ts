import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME, DEMO_SERVICE_NAME } from '../../src/core/demoTrace';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { postTraces } from '../../src/core/postTraces';
import { OtlpHttpReceiver } from '../../src/core/receiver/httpReceiver';
import { SpanKind, spansOf, StatusCode } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { SpanNode, TraceRecord } from '../../src/core/store/types';

function ingestDemo(endTimeMs?: number): { trace: TraceRecord; spanCount: number; traceId: string } {
  const demo = buildDemoTrace({ endTimeMs });
  const decoded = decodeTraceRequestJson(demo.body);
  assert.equal(decoded.rejectedSpans, 0, decoded.rejectionMessage);
  const store = new TraceStore({ maxSpans: 1000 });
  store.ingest(spansOf(decoded.request));
  const trace = store.getTrace(demo.traceId);
  assert.ok(trace, 'the demo trace is in the store');
  return { trace, spanCount: demo.spanCount, traceId: demo.traceId };
}

function byName(trace: TraceRecord, name: string): SpanNode[] {
  return trace.spans().filter((node) => node.span.name === name);
}

describe('buildDemoTrace', () => {
  test('is one complete tree under the agent span, across two services', () => {
    const { trace, spanCount } = ingestDemo();
    assert.equal(trace.summary.spanCount, spanCount);
    assert.equal(trace.roots.length, 1);
    assert.equal(trace.roots[0]!.span.name, DEMO_ROOT_SPAN_NAME);
    assert.equal(trace.summary.rootName, DEMO_ROOT_SPAN_NAME);
    assert.equal(trace.summary.service, DEMO_SERVICE_NAME);
    assert.ok(
      trace.spans().every((node) => !node.orphan),
      'no span waits for a parent',
    );
    const services = new Set(trace.spans().map((node) => node.span.resource.attributes.get('service.name')));
    assert.deepEqual([...services].sort(), [DEMO_SERVICE_NAME, 'weather-mcp-server']);
  });

  test('classifies as an agent run with retrieval, embeddings, LLM calls, tools and MCP', () => {
    const { trace } = ingestDemo();
    const kinds = (name: string) => byName(trace, name).map((node) => node.ai.kind);
    assert.deepEqual(kinds(DEMO_ROOT_SPAN_NAME), ['agent']);
    assert.deepEqual(kinds('retrieval travel-guides'), ['retriever']);
    assert.deepEqual(kinds('embeddings text-embedding-3-small'), ['embedding']);
    assert.deepEqual(kinds('chat gpt-4o'), ['llm', 'llm']);
    assert.deepEqual(kinds('execute_tool get_weather'), ['tool']);
    assert.deepEqual(kinds('execute_tool get_exchange_rate'), ['tool']);
    assert.deepEqual(kinds('tools/call get_weather'), ['mcp', 'mcp']);
    const counts = trace.summary.callCounts;
    assert.equal(counts.llm, 2);
    assert.equal(counts.mcp, 2);
    assert.equal(counts.tool, 2);
  });

  test('the MCP server span is the child of the MCP client span', () => {
    const { trace } = ingestDemo();
    const calls = byName(trace, 'tools/call get_weather');
    const client = calls.find((node) => node.span.kind === SpanKind.Client);
    const server = calls.find((node) => node.span.kind === SpanKind.Server);
    assert.ok(client && server, 'one client and one server span');
    assert.equal(server.parent, client);
    assert.notEqual(server.span.resource, client.span.resource, 'the server span comes from the MCP server process');
    assert.equal(client.parent?.span.name, 'execute_tool get_weather');
  });

  test('LLM calls carry model, tokens and a TTFT from the attribute', () => {
    const { trace } = ingestDemo();
    const [first, final] = byName(trace, 'chat gpt-4o');
    for (const node of [first!, final!]) {
      assert.equal(node.ai.provider, 'openai');
      assert.equal(node.ai.requestModel, 'gpt-4o');
      assert.equal(node.ai.responseModel, 'gpt-4o-2024-08-06');
      assert.equal(node.ai.streaming, true);
      assert.equal(node.ai.convention, 'otel-genai');
    }
    assert.equal(first!.ai.inputTokens, 1262);
    assert.equal(first!.ai.outputTokens, 61);
    assert.equal(first!.ai.cachedTokens, 1024);
    assert.ok(Math.abs(first!.ai.ttftMs! - 486) < 1e-6, `TTFT ${first!.ai.ttftMs}`);
    assert.ok(Math.abs(final!.ai.ttftMs! - 412) < 1e-6, `TTFT ${final!.ai.ttftMs}`);
    assert.ok(final!.ai.tpotMs !== undefined && final!.ai.tpotMs > 0, 'TPOT is derived for the streamed answer');
  });

  test('token totals count model calls only, not the agent span', () => {
    const { trace } = ingestDemo();
    const tokens = trace.summary.tokens;
    assert.equal(tokens.inputTokens, 1262 + 1418 + 24);
    assert.equal(tokens.outputTokens, 61 + 96);
    assert.equal(tokens.cachedTokens, 1024 + 1280);
  });

  test('the exchange-rate tool fails with a status message and an exception event', () => {
    const { trace } = ingestDemo();
    assert.equal(trace.summary.errorCount, 1);
    const [failed] = byName(trace, 'execute_tool get_exchange_rate');
    assert.equal(failed!.span.status.code, StatusCode.Error);
    assert.match(failed!.span.status.message, /did not answer/);
    assert.deepEqual(
      failed!.span.events.map((event) => event.name),
      ['exception'],
    );
  });

  test('ends at the requested time and lasts a few seconds', () => {
    const endTimeMs = Date.UTC(2026, 0, 2, 3, 4, 5);
    const { trace } = ingestDemo(endTimeMs);
    assert.ok(trace.summary.durationMs > 1000 && trace.summary.durationMs < 10_000, `${trace.summary.durationMs} ms`);
    const endMs = Number(trace.summary.endTimeUnixNano / 1_000_000n);
    assert.ok(endMs <= endTimeMs && endMs > endTimeMs - 1000, `ends at ${endMs}`);
    for (const node of trace.spans()) {
      assert.ok(node.span.endTimeUnixNano >= node.span.startTimeUnixNano, `${node.span.name} ends after it starts`);
    }
  });

  test('makes fresh trace and span ids on every call', () => {
    const first = buildDemoTrace();
    const second = buildDemoTrace();
    assert.notEqual(first.traceId, second.traceId);
    assert.match(first.traceId, /^[0-9a-f]{32}$/);
    const spanIds = (body: string) => new Set(spansOf(decodeTraceRequestJson(body).request).map((span) => span.spanId));
    const firstIds = spanIds(first.body);
    assert.equal(firstIds.size, first.spanCount, 'span ids are unique within the trace');
    for (const id of spanIds(second.body)) assert.ok(!firstIds.has(id), `span id ${id} reused`);
  });

  test('arrives through a real receiver over HTTP', async () => {
    const store = new TraceStore({ maxSpans: 1000 });
    const receiver = new OtlpHttpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      onTraces: (result) => {
        store.ingest(spansOf(result.request));
      },
    });
    const address = await receiver.start();
    try {
      const demo = buildDemoTrace();
      const response = await postTraces(`http://127.0.0.1:${address.port}`, demo.body, 'application/json');
      assert.equal(response.status, 200, response.body);
      assert.equal(store.getTrace(demo.traceId)?.summary.spanCount, demo.spanCount);
    } finally {
      await receiver.stop();
    }
  });
});

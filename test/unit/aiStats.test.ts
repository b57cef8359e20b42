/** Models, tools and MCP servers at a glance: counts, errors, tokens, percentiles, result sizes and the spans to open. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePriceOverrides } from '../../src/core/cost/priceOverrides';
import { priceSpan } from '../../src/core/cost/spanCost';
import { SpanKind, StatusCode, type Span } from '../../src/core/model';
import { aiStats } from '../../src/core/stats/aiStats';
import { TraceStore } from '../../src/core/store/traceStore';
import { GATEWAY_SCOPE } from '../../src/core/gateway/spanAttributes';
import { makeScope, makeSpan, newSpanId, type SpanInit } from '../support/spanBuilder';

const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);

function chat(
  traceId: string,
  startMs: number,
  durationMs: number,
  model: string,
  extra: Record<string, number> = {},
  failed = false,
) {
  return makeSpan({
    traceId,
    ...(failed && { status: { code: StatusCode.Error } }),
    name: `chat ${model}`,
    kind: SpanKind.Client,
    startMs,
    durationMs,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
      ...extra,
    },
  });
}

function toolCall(traceId: string, startMs: number, durationMs: number, tool: string, init: Partial<Span> = {}) {
  return makeSpan({
    traceId,
    name: `execute_tool ${tool}`,
    startMs,
    durationMs,
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call.result': 'x'.repeat(durationMs),
    },
    ...(init.status && { status: init.status }),
  });
}

function statsOf(spans: Span[], priceOf?: Parameters<typeof aiStats>[1]) {
  const store = new TraceStore({ maxSpans: 10_000 });
  store.ingest(spans);
  return aiStats(store.traces(), priceOf);
}

describe('aiStats', () => {
  test('per model: calls, errors, tokens, and TTFT and duration percentiles over every trace', () => {
    // Durations 10, 20, …, 100 ms across two traces; TTFT on half of them.
    const spans = Array.from({ length: 10 }, (_, index) =>
      chat(
        index < 5 ? TRACE_A : TRACE_B,
        1000 * index,
        10 * (index + 1),
        'gpt-4o',
        {
          ...(index % 2 === 0 && { 'gen_ai.response.time_to_first_chunk': 0.005 * (index + 1) }),
          'gen_ai.usage.cache_read.input_tokens': 40,
        },
        index === 3,
      ),
    );
    spans.push(chat(TRACE_B, 20_000, 500, 'gpt-4o-mini'));
    const { models } = statsOf(spans);
    assert.deepEqual(
      models.map((row) => [row.model, row.provider, row.calls, row.errors]),
      [
        ['gpt-4o', 'openai', 10, 1],
        ['gpt-4o-mini', 'openai', 1, 0],
      ],
    );
    const [gpt4o] = models;
    assert.deepEqual([gpt4o!.inputTokens, gpt4o!.outputTokens, gpt4o!.cachedTokens], [1000, 100, 400]);
    // Linear interpolation between order statistics, as d3.quantile: p50 of 10…100 is 55, p95 is 95.5.
    assert.equal(gpt4o!.durationMs.p50, 55);
    assert.ok(Math.abs(gpt4o!.durationMs.p95 - 95.5) < 1e-9, `${gpt4o!.durationMs.p95}`);
    // TTFT 5, 15, 25, 35, 45 ms.
    assert.equal(gpt4o!.ttftMs!.p50, 25);
    assert.ok(Math.abs(gpt4o!.ttftMs!.p95 - 43) < 1e-9, `${gpt4o!.ttftMs!.p95}`);
    assert.equal(models[1]!.ttftMs, undefined, 'no TTFT sample, no percentiles');
    assert.deepEqual(gpt4o!.slowest, { traceId: TRACE_B, spanId: spans[9]!.spanId });
    assert.deepEqual(gpt4o!.latest, { traceId: TRACE_B, spanId: spans[9]!.spanId });
  });

  test('per tool: calls, errors, duration percentiles, the largest result, the slowest and the latest call', () => {
    const spans = [
      toolCall(TRACE_A, 0, 30, 'search'),
      toolCall(TRACE_A, 100, 90, 'search', { status: { code: StatusCode.Error, message: 'timeout' } }),
      toolCall(TRACE_A, 200, 60, 'search'),
      toolCall(TRACE_A, 300, 5, 'get_weather'),
    ];
    const { tools, models } = statsOf(spans);
    assert.deepEqual(models, []);
    assert.deepEqual(
      tools.map((row) => [row.tool, row.mcpServer, row.calls, row.errors, row.largestResultChars]),
      [
        ['search', undefined, 3, 1, 90],
        ['get_weather', undefined, 1, 0, 5],
      ],
    );
    assert.deepEqual(tools[0]!.durationMs, { p50: 60, p95: 87 });
    assert.equal(tools[0]!.slowest.spanId, spans[1]!.spanId);
    assert.equal(tools[0]!.latest.spanId, spans[2]!.spanId);
  });

  test('MCP calls are counted per server and tool: the address a client called, or the server’s own service', () => {
    const mcp = (name: string, kind: SpanKind, attributes: Record<string, string | number>, serviceName: string) =>
      makeSpan({
        traceId: TRACE_A,
        name,
        kind,
        serviceName,
        attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'read_file', ...attributes },
      });
    const { tools } = statsOf([
      mcp('tools/call read_file', SpanKind.Client, { 'server.address': 'localhost', 'server.port': 8931 }, 'app'),
      mcp('tools/call read_file', SpanKind.Client, { 'server.address': 'localhost', 'server.port': 8931 }, 'app'),
      mcp('tools/call read_file', SpanKind.Server, {}, 'files-mcp'),
    ]);
    assert.deepEqual(
      tools.map((row) => [row.mcpServer, row.tool, row.calls]),
      [
        ['localhost:8931', 'read_file', 2],
        ['files-mcp', 'read_file', 1],
      ],
    );
  });

  test('one tool call seen by the agent, the MCP client and the MCP server counts once, under the server’s name', () => {
    const [agentTool, client, server] = [newSpanId(), newSpanId(), newSpanId()];
    const layer = (spanId: string, parentSpanId: string | undefined, init: Partial<SpanInit>) =>
      makeSpan({ traceId: TRACE_A, spanId, parentSpanId, name: 'call get_weather', ...init });
    const call = [
      layer(agentTool, undefined, {
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' },
      }),
      layer(client, agentTool, {
        kind: SpanKind.Client,
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'get_weather',
          'server.address': 'localhost',
        },
      }),
      layer(server, client, {
        kind: SpanKind.Server,
        serviceName: 'weather-mcp',
        status: { code: StatusCode.Error },
        attributes: {
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'get_weather',
          'gen_ai.tool.call.result': 'upstream timeout',
        },
      }),
    ];
    const { tools } = statsOf(call);
    assert.deepEqual(
      tools.map((row) => [row.mcpServer, row.tool, row.calls, row.errors, row.largestResultChars, row.slowest.spanId]),
      [['weather-mcp', 'get_weather', 1, 1, 'upstream timeout'.length, agentTool]],
    );
  });

  test('a gateway span under the app’s model call is the same call: counted and priced once', () => {
    const app = chat(TRACE_A, 0, 100, 'house-model');
    const gateway: Span = {
      ...chat(TRACE_A, 10, 80, 'house-model'),
      parentSpanId: app.spanId,
      scope: makeScope(GATEWAY_SCOPE),
    };
    const { overrides } = parsePriceOverrides([{ model: 'house-model', input: 1, output: 2 }]);
    const [row] = statsOf([app, gateway], (ai) => priceSpan(ai, overrides)).models;
    assert.deepEqual(
      [row?.calls, row?.inputTokens, row?.cost.pricedCalls, row?.slowest.spanId],
      [1, 100, 1, app.spanId],
    );
  });

  test('a scope of traces counts only their spans; no AI spans, no rows', () => {
    const store = new TraceStore({ maxSpans: 1000 });
    store.ingest([chat(TRACE_A, 0, 10, 'gpt-4o'), chat(TRACE_B, 0, 10, 'claude-sonnet-4')]);
    const onlyB = aiStats([store.getTrace(TRACE_B)!]);
    assert.deepEqual(
      onlyB.models.map((row) => row.model),
      ['claude-sonnet-4'],
    );
    const plain = new TraceStore({ maxSpans: 1000 });
    plain.ingest([makeSpan({ traceId: TRACE_A, name: 'GET /health', attributes: { 'http.request.method': 'GET' } })]);
    assert.deepEqual(aiStats(plain.traces()), { models: [], tools: [] });
  });

  test('per model cost: the priced calls summed, the unpriced ones counted, never a silent $0', () => {
    // $1 per million input tokens, $2 per million output: each chat() call (100 in, 10 out) costs $0.00012.
    const { overrides } = parsePriceOverrides([{ model: 'house-model', input: 1, output: 2 }]);
    const spans = [
      chat(TRACE_A, 0, 10, 'house-model'),
      chat(TRACE_A, 100, 10, 'house-model'),
      chat(TRACE_A, 200, 10, 'no-such-model-anywhere'),
      chat(TRACE_A, 300, 10, 'no-such-model-anywhere'),
      chat(TRACE_A, 400, 10, 'no-such-model-anywhere'),
    ];
    const { models } = statsOf(spans, (ai) => priceSpan(ai, overrides));
    const byModel = new Map(models.map((row) => [row.model, row.cost]));
    const house = byModel.get('house-model')!;
    assert.ok(Math.abs(house.usd - 2 * 0.00012) < 1e-12, `${house.usd}`);
    assert.deepEqual([house.pricedCalls, house.unpricedCalls, house.estimated], [2, 0, false]);
    assert.deepEqual(byModel.get('no-such-model-anywhere'), {
      usd: 0,
      pricedCalls: 0,
      unpricedCalls: 3,
      estimated: false,
    });
    // Without a price function nothing is priced, and nothing claims to be.
    assert.deepEqual(
      statsOf(spans).models.map((row) => row.cost.pricedCalls + row.cost.unpricedCalls),
      [0, 0],
    );
  });
});

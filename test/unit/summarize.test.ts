import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind, StatusCode } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import { renderSummaryText, summarizeStore, type SpanSummaryJson } from '../../src/core/summarize';
import { formatDuration, formatUsd } from '../../src/shared/format';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { parsePriceOverrides } from '../../src/core/cost/priceOverrides';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';
import { gatewaySpan } from './gatewaySpans';

const AGENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const EARLIER_TRACE = '00f067aa0ba902b7a3ce929d0e0e4736';
/** The agent trace's one call: gpt-4o's list price, $2.50 per million input tokens and $10 per million output. */
const AGENT_TRACE_USD = (1200 * 2.5 + 340 * 10) / 1_000_000;

/** An agent trace: agent → (streaming llm call, failing tool with a code location), plus an orphan. */
function agentTraceStore(): TraceStore {
  const store = new TraceStore({ maxSpans: 1000 });
  const common = { traceId: AGENT_TRACE, serviceName: 'travel-app' };
  store.ingest([
    // Out of order on purpose: the summary follows the tree, not the arrival order.
    makeSpan({
      ...common,
      spanId: '00000000000000c3',
      parentSpanId: '00000000000000a1',
      name: 'execute_tool get_weather',
      startMs: DEFAULT_START_MS + 1500,
      durationMs: 200,
      status: { code: StatusCode.Error, message: 'timeout' },
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'code.file.path': 'src/tools/weather.ts',
        'code.function.name': 'getWeather',
      },
    }),
    makeSpan({
      ...common,
      spanId: '00000000000000a1',
      name: 'invoke_agent planner',
      durationMs: 2500,
      status: { code: StatusCode.Ok },
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    }),
    makeSpan({
      ...common,
      spanId: '00000000000000b2',
      parentSpanId: '00000000000000a1',
      name: 'chat gpt-4o',
      kind: SpanKind.Client,
      startMs: DEFAULT_START_MS + 100,
      durationMs: 1200.5,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 340,
        'gen_ai.request.stream': true,
        'gen_ai.response.time_to_first_chunk': 0.25,
      },
    }),
    makeSpan({
      ...common,
      spanId: '00000000000000d4',
      parentSpanId: '00000000000000ff',
      name: 'late orphan',
      startMs: DEFAULT_START_MS + 3000,
      durationMs: 10,
    }),
  ]);
  store.ingest([
    makeSpan({
      traceId: EARLIER_TRACE,
      spanId: '0000000000000001',
      name: 'earlier',
      startMs: DEFAULT_START_MS - 60_000,
    }),
  ]);
  return store;
}

/** The agent trace's spans in summary order: agent, llm, tool, orphan. */
type AgentTraceSpans = [SpanSummaryJson, SpanSummaryJson, SpanSummaryJson, SpanSummaryJson];

describe('summarizeStore', () => {
  test('lists traces oldest first and spans parents first, siblings by start', () => {
    const summary = summarizeStore(agentTraceStore());
    assert.deepEqual(
      summary.traces.map((trace) => trace.traceId),
      [EARLIER_TRACE, AGENT_TRACE],
    );
    assert.deepEqual(
      summary.traces[1]!.spans.map((span) => span.name),
      ['invoke_agent planner', 'chat gpt-4o', 'execute_tool get_weather', 'late orphan'],
    );
  });

  test('has exactly the documented fields, JSON-safe (no bigint, no undefined)', () => {
    const summary = summarizeStore(agentTraceStore());
    assert.deepEqual(JSON.parse(JSON.stringify(summary)), summary);
    const trace = summary.traces[1]!;
    assert.deepEqual(Object.keys(trace), [
      'traceId',
      'rootName',
      'service',
      'durationMs',
      'spanCount',
      'errorCount',
      'inputTokens',
      'outputTokens',
      'costUsd',
      'unpricedCalls',
      'spans',
    ]);
    for (const span of trace.spans) {
      assert.deepEqual(Object.keys(span), [
        'traceId',
        'spanId',
        'parentSpanId',
        'name',
        'kind',
        'status',
        'durationMs',
        'requestModel',
        'responseModel',
        'inputTokens',
        'outputTokens',
        'cachedTokens',
        'reasoningTokens',
        'tokensEstimated',
        'costUsd',
        'streaming',
        'ttftMs',
        'tpotMs',
        'sources',
        'toolName',
        'code',
        'logCount',
        'transcript',
      ]);
    }
  });

  test('trace fields come from the store summary', () => {
    const trace = summarizeStore(agentTraceStore()).traces[1]!;
    assert.equal(trace.rootName, 'invoke_agent planner');
    assert.equal(trace.service, 'travel-app');
    assert.equal(trace.durationMs, 3010, 'from the agent start to the orphan end');
    assert.equal(trace.spanCount, 4);
    assert.equal(trace.errorCount, 1);
    assert.equal(trace.inputTokens, 1200);
    assert.equal(trace.outputTokens, 340);
    assert.ok(Math.abs(trace.costUsd! - AGENT_TRACE_USD) < 1e-12);
    assert.equal(trace.unpricedCalls, 0);
    const llm = trace.spans[1]!;
    assert.equal(llm.costUsd, trace.costUsd, 'the one call is the whole cost');
    assert.deepEqual(
      trace.spans.filter((span) => span !== llm).map((span) => span.costUsd),
      [null, null, null],
    );
    const earlier = summarizeStore(agentTraceStore()).traces[0]!;
    assert.deepEqual([earlier.costUsd, earlier.unpricedCalls], [null, 0], 'no model call: no cost, not $0');
  });

  test('span fields: ids, parent links, kinds, status, timings, model and token fields', () => {
    // The first test checks that the trace has these four spans in this order.
    const [agent, llm, tool, orphan] = summarizeStore(agentTraceStore()).traces[1]!.spans as AgentTraceSpans;
    assert.equal(agent.parentSpanId, null);
    assert.equal(llm.parentSpanId, agent.spanId);
    assert.equal(orphan.parentSpanId, '00000000000000ff', 'an orphan keeps the id of its missing parent');
    assert.deepEqual([agent.kind, llm.kind, tool.kind, orphan.kind], ['agent', 'llm', 'tool', 'other']);
    assert.deepEqual([agent.status, tool.status, orphan.status], ['ok', 'error', 'unset']);
    assert.equal(llm.durationMs, 1200.5);
    assert.equal(llm.traceId, AGENT_TRACE);
    assert.equal(llm.requestModel, 'gpt-4o');
    assert.equal(llm.responseModel, 'gpt-4o-2024-08-06');
    assert.equal(llm.inputTokens, 1200);
    assert.equal(llm.outputTokens, 340);
    assert.equal(llm.streaming, true);
    assert.equal(llm.ttftMs, 250);
    assert.equal(typeof llm.tpotMs, 'number');
    assert.equal(tool.toolName, 'get_weather');
  });

  test('unknown values are null; code is null without any location, else an object with nulls inside', () => {
    const [agent, , tool] = summarizeStore(agentTraceStore()).traces[1]!.spans as AgentTraceSpans;
    for (const field of ['requestModel', 'inputTokens', 'cachedTokens', 'streaming', 'ttftMs', 'toolName'] as const) {
      assert.equal(agent[field], null, field);
    }
    assert.equal(agent.code, null);
    assert.deepEqual(tool.code, { file: 'src/tools/weather.ts', line: null, function: 'getWeather' });
  });

  test('figures the gateway measured name their source; tokens it counted are marked as estimated', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const trace = 'a'.repeat(32);
    const app = makeSpan({
      traceId: trace,
      spanId: '00000000000000a1',
      name: 'chat gpt-4o',
      kind: SpanKind.Client,
      durationMs: 2000,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
    });
    const counted = gatewaySpan({
      trace,
      id: '00000000000000b2',
      parent: app.spanId,
      start: 10,
      end: 1900,
      attributes: { [GatewayAttributes.outputTokensEstimated]: true },
    });
    store.ingest([app, counted]);
    const [appSummary, gatewaySummary] = summarizeStore(store).traces[0]!.spans;
    assert.deepEqual(appSummary!.sources, { ttft: 'gateway', tpot: 'gateway', tokens: 'gateway' });
    assert.equal(appSummary!.ttftMs, 420);
    assert.equal(appSummary!.tokensEstimated, true);
    assert.equal(gatewaySummary!.tokensEstimated, true);
    // The gateway's span stands for the app's call: the trace counts its cost once.
    assert.equal(typeof appSummary!.costUsd, 'number');
    assert.equal(summarizeStore(store).traces[0]!.costUsd, appSummary!.costUsd);
  });

  test('an unpriced call is counted beside the cost, and priced by an override', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const call = (spanId: string, model: string, startMs: number) =>
      makeSpan({
        traceId: 'c'.repeat(32),
        spanId,
        name: `chat ${model}`,
        startMs,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': model,
          'gen_ai.usage.input_tokens': 1_000_000,
          'gen_ai.usage.output_tokens': 0,
        },
      });
    store.ingest([
      call('00000000000000a1', 'gpt-4o', DEFAULT_START_MS),
      call('00000000000000a2', 'in-house-7b', DEFAULT_START_MS + 1),
    ]);
    const [priced, unpriced] = summarizeStore(store).traces[0]!.spans;
    assert.equal(priced!.costUsd, 2.5, "a million input tokens at gpt-4o's $2.50");
    assert.equal(unpriced!.costUsd, null);
    const trace = summarizeStore(store).traces[0]!;
    assert.deepEqual([trace.costUsd, trace.unpricedCalls], [2.5, 1]);
    const { overrides } = parsePriceOverrides([{ model: 'in-house-*', input: 0.5, output: 1 }]);
    const withOverride = summarizeStore(store, { prices: overrides }).traces[0]!;
    assert.deepEqual([withOverride.costUsd, withOverride.unpricedCalls], [3, 0]);
    assert.match(renderSummaryText(store).split('\n')[0]!, / · \$2\.50 \+ 1 unpriced call$/);
  });

  test('an empty store has no traces; the metric data points read are passed through', () => {
    const empty = new TraceStore({ maxSpans: 10 });
    assert.deepEqual(summarizeStore(empty), { traces: [], metricDataPoints: 0 });
    assert.deepEqual(summarizeStore(empty, { metricDataPoints: 12 }), { traces: [], metricDataPoints: 12 });
  });
});

describe('renderSummaryText', () => {
  test('a header per trace, then the span tree indented by depth', () => {
    const text = renderSummaryText(agentTraceStore());
    const blocks = text.trimEnd().split('\n\n');
    assert.equal(blocks.length, 2);
    assert.match(blocks[0]!, /^earlier · service test-service · /);
    const lines = blocks[1]!.split('\n');
    assert.equal(
      lines[0],
      `invoke_agent planner · service travel-app · ${formatDuration(3010)} · 4 spans · 1.2k→340 tok · 1 error · ` +
        formatUsd(AGENT_TRACE_USD),
    );
    assert.equal(lines[1], `  trace ${AGENT_TRACE}`);
    const indent = (line: string) => line.length - line.trimStart().length;
    const spanLines = lines.slice(2);
    assert.equal(spanLines.length, 4);
    assert.deepEqual(spanLines.map(indent), [2, 4, 4, 2]);
    assert.match(spanLines[0]!, /^ {2}agent +invoke_agent planner · /);
    assert.match(spanLines[1]!, /llm +chat gpt-4o · gpt-4o-2024-08-06 · 1\.2 s · 1\.2k→340 tok · TTFT 250 ms$/);
    assert.match(spanLines[2]!, /tool +execute_tool get_weather · get_weather · 200 ms {2}\[ERROR timeout\]$/);
    assert.match(spanLines[3]!, /late orphan · .*\[parent 00000000000000ff missing\]$/);
  });

  test('says so when there is nothing to show', () => {
    assert.equal(renderSummaryText(new TraceStore({ maxSpans: 10 })), 'No traces.\n');
  });
});

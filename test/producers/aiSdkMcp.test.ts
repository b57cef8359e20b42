/**
 * An ai SDK 7 agent whose tool calls an MCP server over stdio (apps/ai-sdk-mcp-agent.js → apps/mcp-server.js), the
 * set-up the README's example trace shows. With OpenInference's MCP instrumentation alone (context propagation, no
 * spans of its own) the server's work lands under the agent's execute_tool span, in one trace across both processes.
 * Adding OpenLLMetry's MCP instrumentation traces the MCP session and calls, but as its own trace: it parents every
 * request to the session span started at connect, not to the caller's span.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { serviceNameOf } from '../../src/core/model';
import type { SpanNode } from '../../src/core/store/types';
import { assertCliAgrees, runProducer, spanNamed, type ProducerRun } from './harness';

const AGENT_SERVICE = 'ai-sdk-mcp-agent';
const SERVER_SERVICE = 'mcp-weather-server';
const TOOL_ANSWER = 'Sunny in Paris, 21°C';

function shape(node: SpanNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node.ai.kind} ${node.span.name}`;
  return [line, ...node.children.flatMap((child) => shape(child, depth + 1))];
}

describe('ai SDK agent calling an MCP tool', () => {
  let propagationOnly: ProducerRun;
  let withTraceloop: ProducerRun;
  before(async () => {
    // One after the other: each run is two Node processes, and the machine may have two cores.
    propagationOnly = await runProducer({ app: 'ai-sdk-mcp-agent.js', scenario: 'propagation' });
    withTraceloop = await runProducer({ app: 'ai-sdk-mcp-agent.js', scenario: 'traceloop' });
  });

  test("OpenInference propagation: the server's span is a child of the agent's tool span, one trace", () => {
    const traces = propagationOnly.store.traces();
    assert.equal(traces.length, 1);
    assert.deepEqual(shape(traces[0]!.roots[0]!), [
      'agent invoke_agent gpt-4o-mini',
      '  chain step 1',
      '    llm chat gpt-4o-mini',
      '    tool execute_tool get_weather',
      '      other fetch forecast',
      '  chain step 2',
      '    llm chat gpt-4o-mini',
    ]);
    const tool = spanNamed(propagationOnly.store, 'execute_tool get_weather');
    const server = spanNamed(propagationOnly.store, 'fetch forecast');
    assert.equal(serviceNameOf(tool.span), AGENT_SERVICE);
    assert.equal(serviceNameOf(server.span), SERVER_SERVICE);
    assert.equal(server.span.attributes.get('weather.city'), 'Paris');
    assert.equal(tool.ai.toolName, 'get_weather');
    assert.equal(tool.span.attributes.get('gen_ai.tool.call.result'), JSON.stringify(TOOL_ANSWER));
    assert.deepEqual(answerOf(propagationOnly.output), { steps: 2, toolResult: TOOL_ANSWER });
    const { usage } = propagationOnly.model.options;
    assert.equal(traces[0]!.summary.tokens.inputTokens, 2 * usage.promptTokens);
  });

  test("OpenLLMetry's MCP spans form the session's own trace, the server's span under its tool call", () => {
    const traces = withTraceloop.store.traces();
    assert.equal(traces.length, 2);
    const session = spanNamed(withTraceloop.store, 'mcp.client.session');
    assert.equal(session.parent, undefined);
    assert.deepEqual(shape(session), [
      'mcp mcp.client.session',
      '  mcp initialize.mcp',
      '  mcp get_weather.tool',
      '    other fetch forecast',
    ]);
    const mcpCall = spanNamed(withTraceloop.store, 'get_weather.tool');
    assert.equal(mcpCall.ai.toolName, 'get_weather');
    assert.equal(serviceNameOf(spanNamed(withTraceloop.store, 'fetch forecast').span), SERVER_SERVICE);

    // The agent's trace has the tool span and nothing under it; the MCP call ran inside it (same process, same clock).
    const tool = spanNamed(withTraceloop.store, 'execute_tool get_weather');
    assert.notEqual(tool.span.traceId, mcpCall.span.traceId);
    assert.deepEqual(tool.children, []);
    assert.ok(mcpCall.span.startTimeUnixNano >= tool.span.startTimeUnixNano);
    // The ai SDK stamps its spans in whole milliseconds of Date's clock (new Date(timestamp)), the OTel SDK the MCP
    // span finer and on its own clock, which runs up to a millisecond ahead: the MCP span's end is taken back to
    // Date's clock, and compared at the coarser clock's precision. The offset is measured against Date.now(), which
    // reads whole milliseconds, so the comparison allows one.
    const { otelClockAheadMs } = clockOf(withTraceloop.output);
    const millis = (nanos: bigint) => nanos / 1_000_000n;
    const mcpEndOnDateClock = mcpCall.span.endTimeUnixNano - BigInt(Math.round(otelClockAheadMs * 1e6));
    assert.ok(
      millis(mcpEndOnDateClock) <= millis(tool.span.endTimeUnixNano) + 1n,
      `the MCP call ends within the tool call (${millis(mcpEndOnDateClock)} vs ${millis(tool.span.endTimeUnixNano)} ms)`,
    );
    assert.deepEqual(answerOf(withTraceloop.output), { steps: 2, toolResult: TOOL_ANSWER });
  });

  test('the CLI reads the same exports into the same summaries, the cross-process parent included', async () => {
    const cli = await assertCliAgrees(propagationOnly);
    const spans = cli.traces.flatMap((trace) => trace.spans);
    const tool = spans.find((span) => span.name === 'execute_tool get_weather');
    assert.equal(spans.find((span) => span.name === 'fetch forecast')?.parentSpanId, tool?.spanId);
    await assertCliAgrees(withTraceloop);
  });
});

/** What the agent printed: its steps and tool result, without the clock offset it reports beside them. */
function answerOf(output: unknown): unknown {
  const { otelClockAheadMs: _offset, ...answer } = clockOf(output);
  return answer;
}

/** The agent's report of how far OTel's span clock ran ahead of Date's: a fraction of a millisecond, either way. */
function clockOf(output: unknown): { otelClockAheadMs: number } & Record<string, unknown> {
  assert.ok(typeof output === 'object' && output !== null);
  const { otelClockAheadMs } = output as { otelClockAheadMs?: unknown };
  assert.ok(typeof otelClockAheadMs === 'number' && Math.abs(otelClockAheadMs) < 100, String(otelClockAheadMs));
  return { ...(output as Record<string, unknown>), otelClockAheadMs };
}

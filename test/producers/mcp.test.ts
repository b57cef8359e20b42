/**
 * The MCP TypeScript SDK with its real instrumentations: apps/mcp-client.js starts apps/mcp-server.js as a stdio child
 * process and calls its tools. OpenLLMetry's MCP instrumentation traces the client session and requests (and the
 * server's own sampling request); OpenInference's carries the trace context through `params._meta` both ways. Two
 * processes, three hops (client → server → client), one trace in the store.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findToolRegistration } from '../../src/core/code/toolRegistration';
import { describeSpan } from '../../src/core/describe';
import { durationNanos, nanosToMillis, serviceNameOf, SpanKind, StatusCode } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { SpanNode } from '../../src/core/store/types';
import { spanTooltipMarkdown } from '../../src/core/tooltip';
import { allSpans, assertCliAgrees, runProducer, spanNamed, type ProducerRun } from './harness';

const CLIENT_SERVICE = 'mcp-travel-agent';
const SERVER_SERVICE = 'mcp-weather-server';
const TOOL_CALLS = ['get_weather', 'plan_trip', 'get_exchange_rate'];

interface ClientOutput {
  tools: string[];
  rate: { isError?: boolean; content: { text: string }[] };
}

function childNames(node: SpanNode): string[] {
  return node.children.map((child) => child.span.name);
}

describe('MCP SDK over stdio, OpenLLMetry + OpenInference MCP instrumentations', () => {
  let run: ProducerRun;
  let output: ClientOutput;
  before(async () => {
    run = await runProducer({ app: 'mcp-client.js' });
    output = run.output as ClientOutput;
  });

  test('client and server processes join one trace, with no span left waiting for its parent', () => {
    const traces = run.store.traces();
    assert.equal(traces.length, 1);
    const spans = traces[0]!.spans();
    assert.deepEqual(new Set(spans.map((node) => serviceNameOf(node.span))), new Set([CLIENT_SERVICE, SERVER_SERVICE]));
    assert.deepEqual(
      spans.filter((node) => node.orphan || node.parent === undefined).map((node) => node.span.name),
      ['invoke_agent travel-agent'],
    );
  });

  test('the session and every request are MCP spans under the agent, tool calls named by their tool', () => {
    const agent = spanNamed(run.store, 'invoke_agent travel-agent');
    assert.equal(agent.ai.kind, 'agent');
    assert.equal(agent.ai.agentName, 'travel-agent');
    const session = spanNamed(run.store, 'mcp.client.session');
    assert.equal(session.parent, agent);
    assert.deepEqual(childNames(session), [
      'initialize.mcp',
      'tools/list.mcp',
      ...TOOL_CALLS.map((tool) => `${tool}.tool`),
    ]);
    for (const request of [session, ...session.children]) {
      // The store's analysis is the one the tree and the flame graph show; it is analyzeSpan's.
      assert.deepEqual(request.ai, analyzeSpan(request.span));
      assert.equal(request.ai.kind, 'mcp', request.span.name);
      assert.equal(request.ai.convention, 'traceloop', request.span.name);
      assert.equal(request.span.kind, SpanKind.Client, request.span.name);
      assert.equal(serviceNameOf(request.span), CLIENT_SERVICE);
    }
    assert.deepEqual(
      session.children.map((request) => request.ai.toolName),
      [undefined, undefined, ...TOOL_CALLS],
    );
    assert.deepEqual(output.tools, TOOL_CALLS);
    assert.equal(run.store.traces()[0]!.summary.callCounts.mcp, 2 + TOOL_CALLS.length + /* session, sampling */ 2);
  });

  test('a tool handler in the server process is a child of the client tool call', () => {
    const call = spanNamed(run.store, 'get_weather.tool');
    const handler = spanNamed(run.store, 'fetch forecast');
    assert.equal(handler.parent, call);
    assert.equal(serviceNameOf(handler.span), SERVER_SERVICE);
    assert.equal(handler.span.attributes.get('weather.city'), 'Paris');
    assert.equal(call.span.status.code, StatusCode.Ok);
  });

  test("the server's sampling request is traced in the server, and the client's answer joins under it", () => {
    const sampling = spanNamed(run.store, 'sampling/createMessage.mcp');
    assert.equal(sampling.parent, spanNamed(run.store, 'plan_trip.tool'));
    assert.equal(serviceNameOf(sampling.span), SERVER_SERVICE);
    assert.equal(sampling.ai.kind, 'mcp');
    assert.equal(sampling.ai.toolName, undefined);
    const answer = spanNamed(run.store, 'answer sampling request');
    assert.equal(answer.parent, sampling);
    assert.equal(serviceNameOf(answer.span), CLIENT_SERVICE);
  });

  test('a tool that throws is an error on the client call and in the server, counted in the trace', () => {
    const call = spanNamed(run.store, 'get_exchange_rate.tool');
    const message = 'rate service timed out for EUR/JPY';
    assert.equal(output.rate.isError, true);
    assert.equal(output.rate.content[0]!.text, message);
    assert.deepEqual(call.span.status, { code: StatusCode.Error, message });
    const handler = spanNamed(run.store, 'fetch rate');
    assert.equal(handler.parent, call);
    assert.equal(handler.span.status.code, StatusCode.Error);
    assert.equal(handler.span.events[0]!.name, 'exception');
    const summary = run.store.traces()[0]!.summary;
    assert.equal(
      summary.errorCount,
      allSpans(run.store).filter((node) => node.span.status.code === StatusCode.Error).length,
    );
    assert.equal(summary.errorCount, 2);
  });

  test('the tree line and tooltip name the tool, and jump to code finds its registerTool call', async () => {
    const call = spanNamed(run.store, 'get_weather.tool');
    assert.match(describeSpan(call.ai, nanosToMillis(durationNanos(call.span))), /^get_weather · \d/);
    const tooltip = spanTooltipMarkdown(call);
    assert.match(tooltip, /MCP · OpenLLMetry \\\/ Traceloop · CLIENT/);
    assert.match(tooltip, /Tool: get\\_weather/);
    const errorTooltip = spanTooltipMarkdown(spanNamed(run.store, 'get_exchange_rate.tool'));
    assert.match(errorTooltip, /Status: \*\*error\*\* · rate service timed out for EUR\\\/JPY/);

    const toolsFile = fileURLToPath(new URL('./apps/mcp-tools.js', import.meta.url));
    const source = await readFile(toolsFile, 'utf8');
    const match = findToolRegistration(source, call.ai.toolName!);
    assert.ok(match);
    assert.equal(match.label, 'tool registration call');
    // `server.registerTool(` with the name on the next line, where the match points.
    assert.equal(source.split('\n')[match.line - 1]!.slice(match.column - 1), "get_weather',");
  });

  test('the CLI reads the same exports into the same summary', async () => {
    const cli = await assertCliAgrees(run);
    assert.deepEqual(
      cli.traces[0]!.spans.flatMap((span) => (span.toolName === null ? [] : [span.toolName])),
      TOOL_CALLS,
    );
  });
});

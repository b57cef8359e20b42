/**
 * The MCP TypeScript SDK over Streamable HTTP, the transport of remote MCP servers: apps/mcp-http-client.js starts
 * apps/mcp-http-server.js (the SDK's StreamableHTTPServerTransport on a node:http server at 127.0.0.1, ephemeral port)
 * and calls its tools over HTTP. Both processes have the instrumentations the stdio tests use, and they record the same
 * over HTTP as over stdio: OpenLLMetry traces the client session and requests (and the server's sampling request, sent
 * to the client on the SSE stream answering the tool call's POST); OpenInference carries the trace context in
 * `params._meta`, not in HTTP headers, so without it (scenario traceloop-only) the server's spans start traces of their
 * own. Neither records the `Mcp-Session-Id` the server hands out.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { serviceNameOf, SpanKind, StatusCode } from '../../src/core/model';
import { encodeTraceRequestJson } from '../../src/core/otlp/jsonEncoders';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import type { SpanNode } from '../../src/core/store/types';
import { allSpans, assertCliAgrees, runProducer, spanNamed, type ProducerRun } from './harness';

const CLIENT_SERVICE = 'mcp-travel-agent';
const SERVER_SERVICE = 'mcp-weather-http-server';
const TOOL_CALLS = ['get_weather', 'plan_trip', 'get_exchange_rate'];
const RATE_ERROR = 'rate service timed out for EUR/JPY';

interface ClientOutput {
  sessionId: string;
  tools: string[];
  rate: { isError?: boolean; content: { text: string }[] };
  serverExitCode: number;
}

/** One line per span, indented by depth: its kind, name and the process (service) that made it. */
function shape(node: SpanNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node.ai.kind} ${node.span.name} (${serviceNameOf(node.span)})`;
  return [line, ...node.children.flatMap((child) => shape(child, depth + 1))];
}

function exportedJson(run: ProducerRun): string {
  return run.exports.map((result) => encodeTraceRequestJson(result.request)).join('\n');
}

describe('MCP SDK over Streamable HTTP, OpenLLMetry + OpenInference MCP instrumentations', () => {
  let propagating: ProducerRun;
  let traceloopOnly: ProducerRun;
  before(async () => {
    // One after the other: each run is two Node processes, and the machine may have two cores.
    propagating = await runProducer({ app: 'mcp-http-client.js' });
    traceloopOnly = await runProducer({ app: 'mcp-http-client.js', scenario: 'traceloop-only' });
  });

  test('every call succeeds over HTTP, and the server exits once the client ends the session', () => {
    for (const run of [propagating, traceloopOnly]) {
      const output = run.output as ClientOutput;
      assert.deepEqual(output.tools, TOOL_CALLS);
      assert.equal(output.rate.isError, true);
      assert.equal(output.rate.content[0]!.text, RATE_ERROR);
      assert.equal(output.serverExitCode, 0);
    }
  });

  test("with OpenInference, the server's spans join the client's trace under the calls that caused them", () => {
    const traces = propagating.store.traces();
    assert.equal(traces.length, 1);
    assert.deepEqual(
      allSpans(propagating.store)
        .filter((node) => node.orphan)
        .map((node) => node.span.name),
      [],
    );
    assert.deepEqual(shape(traces[0]!.roots[0]!), [
      `agent invoke_agent travel-agent (${CLIENT_SERVICE})`,
      `  mcp mcp.client.session (${CLIENT_SERVICE})`,
      `    mcp initialize.mcp (${CLIENT_SERVICE})`,
      `    mcp tools/list.mcp (${CLIENT_SERVICE})`,
      `    mcp get_weather.tool (${CLIENT_SERVICE})`,
      `      other fetch forecast (${SERVER_SERVICE})`,
      `    mcp plan_trip.tool (${CLIENT_SERVICE})`,
      `      mcp sampling/createMessage.mcp (${SERVER_SERVICE})`,
      `        other answer sampling request (${CLIENT_SERVICE})`,
      `    mcp get_exchange_rate.tool (${CLIENT_SERVICE})`,
      `      other fetch rate (${SERVER_SERVICE})`,
    ]);
    assert.equal(spanNamed(propagating.store, 'fetch forecast').span.attributes.get('weather.city'), 'Paris');
    assert.equal(traces[0]!.summary.callCounts.mcp, 2 + TOOL_CALLS.length + /* session, sampling */ 2);
  });

  test('the MCP spans are OpenLLMetry MCP calls, client side except the server sampling request, tools named', () => {
    const session = spanNamed(propagating.store, 'mcp.client.session');
    for (const request of [session, ...session.children]) {
      // The store's analysis is the one the tree and the flame graph show; it is analyzeSpan's.
      assert.deepEqual(request.ai, analyzeSpan(request.span));
      assert.equal(request.ai.convention, 'traceloop', request.span.name);
      assert.equal(request.span.kind, SpanKind.Client, request.span.name);
    }
    assert.deepEqual(
      session.children.map((request) => request.ai.toolName),
      [undefined, undefined, ...TOOL_CALLS],
    );
    const sampling = spanNamed(propagating.store, 'sampling/createMessage.mcp');
    assert.equal(sampling.span.kind, SpanKind.Server);
    assert.equal(sampling.ai.convention, 'traceloop');
    assert.equal(sampling.ai.toolName, undefined);
  });

  test('a tool that throws in the server is an error with its message on the client call and in the server', () => {
    const call = spanNamed(propagating.store, 'get_exchange_rate.tool');
    assert.deepEqual(call.span.status, { code: StatusCode.Error, message: RATE_ERROR });
    const handler = spanNamed(propagating.store, 'fetch rate');
    assert.deepEqual(handler.span.status, { code: StatusCode.Error, message: RATE_ERROR });
    assert.equal(handler.span.events[0]!.name, 'exception');
    assert.equal(propagating.store.traces()[0]!.summary.errorCount, 2);
  });

  test('the server hands out an MCP session id, and no exported span, event or resource records it', () => {
    for (const run of [propagating, traceloopOnly]) {
      const { sessionId } = run.output as ClientOutput;
      assert.match(sessionId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.ok(!exportedJson(run).includes(sessionId));
    }
  });

  test('the service map: the agent calls the MCP server (three tools, one failed, and the sampling), which calls back', () => {
    const map = buildServiceMap(propagating.store.traces());
    assert.deepEqual(
      map.nodes.map((node) => `${node.kind} ${node.label}`),
      [`service ${CLIENT_SERVICE}`, `mcp ${SERVER_SERVICE}`],
    );
    // The server's spans under the client's requests, and the client's answer under the server's sampling request.
    const served = ['fetch forecast', 'sampling/createMessage.mcp', 'fetch rate'].map((name) =>
      spanNamed(propagating.store, name),
    );
    const milliseconds = (node: SpanNode) => Number(node.span.endTimeUnixNano - node.span.startTimeUnixNano) / 1e6;
    const median = served.map(milliseconds).sort((a, b) => a - b)[1]!;
    const answer = spanNamed(propagating.store, 'answer sampling request');
    assert.deepEqual(
      map.edges.map(({ from, to, calls, errors, p50Ms }) => ({ from, to, calls, errors, p50Ms })),
      [
        { from: `service:${CLIENT_SERVICE}`, to: `service:${SERVER_SERVICE}`, calls: 3, errors: 1, p50Ms: median },
        {
          from: `service:${SERVER_SERVICE}`,
          to: `service:${CLIENT_SERVICE}`,
          calls: 1,
          errors: 0,
          p50Ms: milliseconds(answer),
        },
      ],
    );
  });

  test('without OpenInference nothing carries the context over HTTP: each server span is a trace of its own', () => {
    const agent = spanNamed(traceloopOnly.store, 'invoke_agent travel-agent');
    assert.deepEqual(shape(agent), [
      `agent invoke_agent travel-agent (${CLIENT_SERVICE})`,
      `  mcp mcp.client.session (${CLIENT_SERVICE})`,
      `    mcp initialize.mcp (${CLIENT_SERVICE})`,
      `    mcp tools/list.mcp (${CLIENT_SERVICE})`,
      `    mcp get_weather.tool (${CLIENT_SERVICE})`,
      `    mcp plan_trip.tool (${CLIENT_SERVICE})`,
      // The sampling request came on the SSE stream answering this call's POST, read in the call's context.
      `      other answer sampling request (${CLIENT_SERVICE})`,
      `    mcp get_exchange_rate.tool (${CLIENT_SERVICE})`,
    ]);
    const serverTraces = traceloopOnly.store.traces().filter((record) => record.summary.traceId !== agent.span.traceId);
    assert.deepEqual(serverTraces.map((record) => shape(record.roots[0]!)).sort(), [
      [`mcp sampling/createMessage.mcp (${SERVER_SERVICE})`],
      [`other fetch forecast (${SERVER_SERVICE})`],
      [`other fetch rate (${SERVER_SERVICE})`],
    ]);
    assert.deepEqual(
      allSpans(traceloopOnly.store).filter((node) => node.orphan),
      [],
    );
    // The client call still reports the tool's failure; the server's error is counted in its own trace.
    assert.deepEqual(spanNamed(traceloopOnly.store, 'get_exchange_rate.tool').span.status, {
      code: StatusCode.Error,
      message: RATE_ERROR,
    });
    const errorCounts = traceloopOnly.store.traces().map(({ summary }) => `${summary.rootName}: ${summary.errorCount}`);
    assert.deepEqual(errorCounts.sort(), [
      'fetch forecast: 0',
      'fetch rate: 1',
      'invoke_agent travel-agent: 1',
      'sampling/createMessage.mcp: 0',
    ]);
  });

  test('the CLI reads the same exports into the same summaries', async () => {
    const cli = await assertCliAgrees(propagating);
    const toolNames = cli.traces[0]!.spans.flatMap((span) => (span.toolName === null ? [] : [span.toolName]));
    assert.deepEqual(toolNames, TOOL_CALLS);
    const separate = await assertCliAgrees(traceloopOnly);
    assert.equal(separate.traces.length, 4);
  });
});

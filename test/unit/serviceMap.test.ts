/**
 * The service map over the demo trace, the OTLP fixtures and hand-made calls through the gateway and to untraced
 * servers: its nodes and edges as a reader can check them against the spans, and each node's TraceQL query selecting
 * exactly the traces through it. The producer tests check the map of real apps' traces (test/producers).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { SpanKind, spansOf, StatusCode, type Span } from '../../src/core/model';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { buildServiceMap } from '../../src/core/serviceMap/serviceMap';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { parseTraceQL } from '../../src/core/traceql';
import { parseFromServiceMapPage, type ServiceMap } from '../../src/shared/serviceMap';
import { makeSpan } from '../support/spanBuilder';
import { gatewaySpan } from './gatewaySpans';

const FIXTURES = join(__dirname, '..', 'fixtures');
const FIXTURE_NAMES = ['genai-agent', 'openinference-llm', 'vercel-ai'];

function storeOf(...spanLists: Span[][]): TraceStore {
  const store = new TraceStore({ maxSpans: 10_000 });
  for (const spans of spanLists) store.ingest(spans);
  return store;
}

const otlpSpans = (body: string): Span[] => spansOf(decodeTraceRequestJson(body).request);
const fixtureSpans = (name: string): Span[] => otlpSpans(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

/** `from → to: calls, errors, p50` per edge, by node label, for assertions a reader can follow. */
function edgeLines(map: ServiceMap): string[] {
  const label = (id: string) => map.nodes.find((node) => node.id === id)!.label;
  return map.edges.map(
    (edge) => `${label(edge.from)} → ${label(edge.to)}: ${edge.calls}, ${edge.errors}, ${edge.p50Ms}`,
  );
}

const kinds = (map: ServiceMap): string[] => map.nodes.map((node) => `${node.kind} ${node.label}`);

interface OtlpJson {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[];
}

describe('service map of the demo trace', () => {
  const demo = buildDemoTrace();
  const map = buildServiceMap(storeOf(otlpSpans(demo.body)).traces());
  const [agentService, mcpService] = (JSON.parse(demo.body) as OtlpJson).resourceSpans.map(
    ({ resource }) => resource.attributes.find((attribute) => attribute.key === 'service.name')!.value.stringValue!,
  );

  test('has the two services (the second an MCP server) and the two models the agent called', () => {
    assert.deepEqual(kinds(map), [
      `service ${agentService}`,
      `mcp ${mcpService}`,
      'model gpt-4o-2024-08-06',
      'model text-embedding-3-small',
    ]);
    assert.deepEqual(
      map.nodes.map((node) => node.detail),
      [undefined, undefined, 'openai', 'openai'],
    );
    assert.equal(map.traceCount, 1);
  });

  test('edges count the calls with their median: two chats (1084 and 2415 ms), one embedding, one MCP request', () => {
    assert.deepEqual(edgeLines(map), [
      `${agentService} → gpt-4o-2024-08-06: 2, 0, ${(1084 + 2415) / 2}`,
      `${agentService} → text-embedding-3-small: 1, 0, 146`,
      // The MCP server's own span (1431 to 2127 ms) is the call; the failed local tool calls no server.
      `${agentService} → ${mcpService}: 1, 0, 696`,
    ]);
  });
});

describe('service map through the gateway', () => {
  const trace = 'c'.repeat(32);
  const appChat = makeSpan({
    traceId: trace,
    spanId: 'a0'.repeat(8),
    name: 'chat gpt-4o',
    kind: SpanKind.Client,
    serviceName: 'checkout',
    durationMs: 1000,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' },
  });

  test('an app call the gateway measured goes app → gateway → model, counted once', () => {
    const call = gatewaySpan({ trace, id: 'b0'.repeat(8), parent: appChat.spanId, start: 10, end: 910 });
    const map = buildServiceMap(storeOf([appChat, call]).traces());
    assert.deepEqual(kinds(map), ['service checkout', 'gateway AI Trace Lens gateway', 'model gpt-4o-2024-08-06']);
    assert.deepEqual(edgeLines(map), [
      'AI Trace Lens gateway → gpt-4o-2024-08-06: 1, 0, 900',
      'checkout → AI Trace Lens gateway: 1, 0, 900',
    ]);
  });

  test('a call with no app trace comes from the client the gateway named from its User-Agent', () => {
    const lone = gatewaySpan({ trace: 'd'.repeat(32), id: 'b1'.repeat(8), start: 0, end: 300 });
    const failed = gatewaySpan({ trace: 'e'.repeat(32), id: 'b2'.repeat(8), start: 0, end: 100 });
    failed.status = { code: StatusCode.Error, message: 'HTTP 429' };
    const map = buildServiceMap(storeOf([lone], [failed]).traces());
    assert.deepEqual(edgeLines(map), [
      'AI Trace Lens gateway → gpt-4o-2024-08-06: 2, 1, 200',
      'OpenAI/JS 6.1.0 → AI Trace Lens gateway: 2, 1, 200',
    ]);
    assert.equal(map.traceCount, 2);
  });
});

describe('service map of client spans to untraced servers', () => {
  const trace = 'f'.repeat(32);
  const root = makeSpan({ traceId: trace, name: 'handle order', serviceName: 'orders', durationMs: 500 });
  const client = (name: string, attributes: Record<string, string | number>, failed = false) =>
    makeSpan({
      traceId: trace,
      parentSpanId: root.spanId,
      name,
      kind: SpanKind.Client,
      serviceName: 'orders',
      durationMs: 40,
      attributes,
      ...(failed && { status: { code: StatusCode.Error } }),
    });

  test('names each server by address and port; an MCP request makes it an MCP server; errors are counted', () => {
    const map = buildServiceMap(
      storeOf([
        root,
        client('GET', { 'http.request.method': 'GET', 'server.address': 'payments.internal', 'server.port': 8443 }),
        client(
          'GET',
          { 'http.request.method': 'GET', 'server.address': 'payments.internal', 'server.port': 8443 },
          true,
        ),
        client('tools/call lookup', { 'mcp.method.name': 'tools/call', 'server.address': 'mcp.example.com' }),
        client('SELECT', { 'db.system.name': 'postgresql' }),
      ]).traces(),
    );
    assert.deepEqual(kinds(map), ['service orders', 'mcp mcp.example.com', 'external payments.internal:8443']);
    assert.deepEqual(edgeLines(map), [
      'orders → mcp.example.com: 1, 0, 40',
      'orders → payments.internal:8443: 2, 1, 40',
    ]);
  });
});

describe("each node's TraceQL query", () => {
  const gatewayTrace = gatewaySpan({ trace: '1'.repeat(32), id: 'c0'.repeat(8), start: 0, end: 50 });
  const spanLists = [otlpSpans(buildDemoTrace().body), ...FIXTURE_NAMES.map(fixtureSpans), [gatewayTrace]];
  const store = storeOf(...spanLists);
  const traces = store.traces();
  const map = buildServiceMap(traces);
  /** Which traces each node came from, by building each trace's map alone. */
  const traceIdsOfNode = new Map<string, string[]>();
  for (const trace of traces) {
    for (const node of buildServiceMap([trace]).nodes) {
      traceIdsOfNode.set(node.id, [...(traceIdsOfNode.get(node.id) ?? []), trace.summary.traceId]);
    }
  }
  const matching = (query: string, records: readonly TraceRecord[]) =>
    records.filter((trace) => parseTraceQL(query).matchTrace(trace).length > 0).map((trace) => trace.summary.traceId);

  test('the map spans every trace, and nodes from several traces are one node', () => {
    assert.equal(map.traceCount, spanLists.length);
    assert.equal(map.nodes.length, traceIdsOfNode.size);
    // The demo and the GenAI fixture both call gpt-4o-2024-08-06 on OpenAI; the gateway call names it too.
    assert.equal(map.nodes.find((node) => node.id === 'model:openai/gpt-4o-2024-08-06')?.traceCount, 3);
  });

  test('compiles and selects exactly the traces the node came from', () => {
    for (const node of map.nodes) {
      assert.deepEqual(matching(node.query, traces).sort(), traceIdsOfNode.get(node.id)!.sort(), node.query);
      assert.equal(node.traceCount, traceIdsOfNode.get(node.id)!.length, node.id);
    }
  });

  test('quotes names TraceQL would misread, so each matches its own service only', () => {
    const awkward = 'say "hi"\\ to\nall';
    const store = storeOf(
      [makeSpan({ traceId: '2'.repeat(32), name: 'x', serviceName: awkward })],
      [makeSpan({ traceId: '3'.repeat(32), name: 'x', serviceName: 'say "hi"' })],
    );
    const node = buildServiceMap(store.traces()).nodes.find((candidate) => candidate.label === awkward)!;
    assert.deepEqual(matching(node.query, store.traces()), ['2'.repeat(32)]);
  });
});

describe("the service map page's messages", () => {
  test('are `ready` or `filter` with a node id, exactly; anything else is refused', () => {
    assert.deepEqual(parseFromServiceMapPage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromServiceMapPage({ type: 'filter', nodeId: 'service:a' }), {
      type: 'filter',
      nodeId: 'service:a',
    });
    for (const invalid of [
      null,
      'ready',
      [],
      { type: 'filter' },
      { type: 'filter', nodeId: 7 },
      { type: 'filter', nodeId: 'x', query: '{ }' },
      { type: 'ready', extra: true },
      { type: 'select', nodeId: 'x' },
    ]) {
      assert.equal(parseFromServiceMapPage(invalid), undefined, JSON.stringify(invalid));
    }
  });
});

/**
 * A small store for the TraceQL tests: an agent trace with LLM and tool calls, a web request and an embedding batch;
 * its span names, and a case table runner over it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, StatusCode, type Span } from '../../src/core/model';
import { parseTraceQL } from '../../src/core/traceql';
import { TraceStore } from '../../src/core/store/traceStore';
import { makeResource, makeSpan, type SpanInit } from '../support/spanBuilder';
import { chatAttributes } from './traceStoreSpans';

const TRACE_IDS = ['t1', 't2', 't3'];

function span(traceId: string, spanId: string, init: SpanInit & { parent?: string }): Span {
  return makeSpan({ ...init, traceId, spanId, parentSpanId: init.parent });
}

const webResource = makeResource('web');
webResource.attributes.set('deployment.environment', 'prod');

/**
 * t1 (agent-svc): invoke_agent planner → chat gpt-4o, execute_tool search (error) → chat claude
 * t2 (web, prod): GET /health → SELECT users
 * t3 (batch): embeddings text-embedding-3-small
 */
export function traceqlStore(): TraceStore {
  const store = new TraceStore({ maxSpans: 1000 });
  store.ingest([
    span('t1', 'root', {
      name: 'invoke_agent planner',
      kind: SpanKind.Server,
      serviceName: 'agent-svc',
      startMs: 0,
      durationMs: 1000,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' },
    }),
    span('t1', 'chat1', {
      parent: 'root',
      name: 'chat gpt-4o',
      kind: SpanKind.Client,
      serviceName: 'agent-svc',
      startMs: 10,
      durationMs: 390,
      attributes: {
        ...chatAttributes('gpt-4o', 100, 20),
        'gen_ai.response.time_to_first_chunk': 0.25,
        'gen_ai.request.stream': true,
      },
    }),
    span('t1', 'tool', {
      parent: 'root',
      name: 'execute_tool search',
      serviceName: 'agent-svc',
      startMs: 450,
      durationMs: 450,
      status: { code: StatusCode.Error, message: 'timeout' },
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search',
        'http.status_code': 200,
        tags: ['a', 'b'],
      },
    }),
    span('t1', 'chat2', {
      parent: 'tool',
      name: 'chat claude',
      kind: SpanKind.Client,
      serviceName: 'agent-svc',
      startMs: 500,
      durationMs: 380,
      attributes: {
        ...chatAttributes('claude-3-5-sonnet', 500, 80),
        'gen_ai.response.time_to_first_chunk': 0.6,
        score: 0.75,
        big: 2n ** 60n,
      },
    }),
    span('t2', 'get', {
      name: 'GET /health',
      kind: SpanKind.Server,
      resource: webResource,
      startMs: 0,
      durationMs: 5,
      status: { code: StatusCode.Ok },
      attributes: { 'http.status_code': 503, 'cache.hit': true, 'service.name': 'span-level-name' },
    }),
    span('t2', 'db', {
      parent: 'get',
      name: 'SELECT users',
      kind: SpanKind.Client,
      resource: webResource,
      startMs: 1,
      durationMs: 2,
      attributes: { 'db.system': 'postgresql', 'cache.hit': false },
    }),
    span('t3', 'embed', {
      name: 'embeddings text-embedding-3-small',
      serviceName: 'batch',
      startMs: 0,
      durationMs: 2000,
      status: { code: StatusCode.Ok },
      attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' },
    }),
  ]);
  return store;
}

/** The names of the spans that `query` selects, trace by trace (t1, t2, t3), each trace's in pre-order. */
export function matchNames(store: TraceStore, query: string): string[] {
  const parsed = parseTraceQL(query);
  return TRACE_IDS.flatMap((id) => parsed.matchTrace(store.getTrace(id)!).map((node) => node.span.name));
}

/** The store's span names, as `matchNames` lists them. */
export const ROOT = 'invoke_agent planner';
export const GPT = 'chat gpt-4o';
export const TOOL = 'execute_tool search';
export const CLAUDE = 'chat claude';
export const GET = 'GET /health';
export const DB = 'SELECT users';
export const EMBED = 'embeddings text-embedding-3-small';

/** A query and the names of the spans it must select. */
export type MatchCase = readonly [query: string, expected: readonly string[]];

/** One test per case, each query run over the store. */
export function runMatchCases(cases: readonly MatchCase[]): void {
  const store = traceqlStore();
  for (const [query, expected] of cases) {
    test(query, () => assert.deepEqual(matchNames(store, query), expected));
  }
}

/**
 * Cost where the extension shows it: the PriceBook the views read (cached per trace version, overrides applied as the
 * setting changes), and the descriptions, tooltips, CodeLens figures, comparison text, flame graph header and span
 * details that carry it. Prices are the user's overrides, so each expected figure is written out from its rates.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLocationStats, locationCall, locationStats } from '../../src/core/code/locationStats';
import { renderTraceForCompare } from '../../src/core/compareText';
import { PriceBook, priceSourceText } from '../../src/core/cost/priceBook';
import { parsePriceOverrides, type PriceOverride } from '../../src/core/cost/priceOverrides';
import { PRICE_DATA } from '../../src/core/cost/prices';
import { describeSpan, describeTrace } from '../../src/core/describe';
import { traceHeader } from '../../src/core/flame/snapshot';
import { spanDetailsOf } from '../../src/core/flame/spanDetails';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { describeSession, SessionIndex } from '../../src/core/sessions';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { escapeMarkdown, spanTooltipMarkdown, traceTooltipMarkdown } from '../../src/core/tooltip';
import { makeSpan, newSpanId, type PlainAttributes } from '../support/spanBuilder';

/** In-house models at $1 in and $2 out per million tokens: 100k in and 10k out cost $0.10 + $0.02. */
const IN_HOUSE = [{ model: 'in-house-*', input: 1, output: 2 }];

function parsed(entries: unknown[]): readonly PriceOverride[] {
  const { overrides, problems } = parsePriceOverrides(entries);
  assert.deepEqual(problems, []);
  return overrides;
}

function chat(model: string, input: number, output: number, session?: string): PlainAttributes {
  const attributes: PlainAttributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
  if (session !== undefined) attributes['gen_ai.conversation.id'] = session;
  return attributes;
}

/** A trace of an agent with two in-house calls (100k→10k each) and one call to a model nobody prices. */
function agentRun(store: TraceStore, traceId: string, session?: string): TraceRecord {
  const root = newSpanId();
  const call = (model: string, input: number, output: number) =>
    makeSpan({ traceId, parentSpanId: root, name: `chat ${model}`, attributes: chat(model, input, output, session) });
  store.ingest([
    makeSpan({ traceId, spanId: root, name: 'invoke_agent planner', durationMs: 2000, serviceName: 'planner' }),
    call('in-house-large', 100_000, 10_000),
    call('in-house-large', 100_000, 10_000),
    call('mystery-model-9', 500, 50),
  ]);
  return store.getTrace(traceId)!;
}

function assertUsd(actual: number, expected: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${message ?? 'usd'}: ${actual} is not ${expected}`);
}

const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);

describe('PriceBook', () => {
  test("prices a trace once per version, and again when the trace changes or the user's prices do", () => {
    const store = new TraceStore({ maxSpans: 100 });
    let overrides = parsed(IN_HOUSE);
    const book = new PriceBook(() => overrides);
    const trace = agentRun(store, TRACE_A);
    const first = book.traceCosts(trace);
    assert.deepEqual(first.total, { usd: 0.24, pricedCalls: 2, unpricedCalls: 1, estimated: false });
    assert.deepEqual(first.byModel.get('in-house-large'), {
      usd: 0.24,
      pricedCalls: 2,
      unpricedCalls: 0,
      estimated: false,
    });
    assert.deepEqual(first.byModel.get('mystery-model-9'), {
      usd: 0,
      pricedCalls: 0,
      unpricedCalls: 1,
      estimated: false,
    });
    assert.equal(book.traceCosts(trace), first, 'the same version is served from the cache');

    store.ingest([
      makeSpan({ traceId: TRACE_A, name: 'chat in-house-small', attributes: chat('in-house-small', 1e6, 0) }),
    ]);
    assertUsd(book.traceCosts(trace).total.usd, 0.24 + 1, 'a new span prices again');

    overrides = parsed([...IN_HOUSE, { model: 'mystery-*', input: 1000, output: 0 }]);
    const repriced = book.traceCosts(trace).total;
    assertUsd(repriced.usd, 1.24 + 0.5, 'the changed setting applies at once');
    assert.equal(repriced.unpricedCalls, 0);
  });

  test('a session sums its turns; the source names the table, its date and the overrides', () => {
    const store = new TraceStore({ maxSpans: 100 });
    const book = new PriceBook(() => parsed(IN_HOUSE));
    const turns = [agentRun(store, TRACE_A), agentRun(store, TRACE_B)];
    assert.deepEqual(book.totalCost(turns), { usd: 0.48, pricedCalls: 4, unpricedCalls: 2, estimated: false });
    assert.equal(
      book.sourceText(),
      `prices from genai-prices ${PRICE_DATA.version}, ${PRICE_DATA.date}; 1 override from aiTraceLens.prices`,
    );
    assert.equal(
      priceSourceText(0),
      `prices from genai-prices ${PRICE_DATA.version}, ${PRICE_DATA.date}; aiTraceLens.prices overrides them`,
    );
  });
});

describe('cost in descriptions and tooltips: never a silent $0', () => {
  const store = new TraceStore({ maxSpans: 100 });
  const book = new PriceBook(() => parsed(IN_HOUSE));
  const trace = agentRun(store, TRACE_A);
  const calls = trace.spans().filter((node) => node.ai.kind === 'llm');
  const [priced, , unpriced] = calls;

  test('an LLM row shows its cost after its tokens, or `unpriced`; an estimate reads ≈', () => {
    assert.equal(
      describeSpan(priced!.ai, 1200, book.spanCost(priced!.ai)),
      'in-house-large · 1.2 s · 100k→10k tok · $0.12',
    );
    assert.equal(
      describeSpan(unpriced!.ai, 1200, book.spanCost(unpriced!.ai)),
      'mystery-model-9 · 1.2 s · 500→50 tok · unpriced',
    );
    const estimated = { ...priced!.ai, tokensEstimated: true, ttftMs: 210 };
    assert.equal(
      describeSpan(estimated, 1200, book.spanCost(estimated)),
      'in-house-large · 1.2 s · ≈100k→10k tok · ≈$0.12 · TTFT 210 ms',
    );
    const tool = analyzeSpan(makeSpan({ attributes: { 'gen_ai.operation.name': 'execute_tool' } }));
    assert.equal(book.spanCost(tool), undefined, 'a tool call has no cost to show');
  });

  test('a trace row and a session row add the unpriced calls beside the sum', () => {
    const cost = book.traceCosts(trace).total;
    assert.equal(describeTrace(trace.summary, 'row', cost), 'planner · 2 s · 221k tok · $0.24 + 1 unpriced call');
    const sessionStore = new TraceStore({ maxSpans: 100 });
    const turns = [agentRun(sessionStore, TRACE_A, 'conv-1'), agentRun(sessionStore, TRACE_B, 'conv-1')];
    const group = new SessionIndex().group(sessionStore.traces()).sessions.get('conv-1')!;
    assert.match(
      describeSession(group, book.totalCost(turns)),
      /^2 turns · 401k→40k tok · \$0\.48 \+ 2 unpriced calls · /,
    );
  });

  test('the span tooltip says the cost or why there is none', () => {
    assert.match(spanTooltipMarkdown(priced!, book.spanCost(priced!.ai)), /\nCost: \$0\.12 {2}\n/);
    assert.match(
      spanTooltipMarkdown(unpriced!, book.spanCost(unpriced!.ai)),
      /\nCost: unpriced \(no price for this model: add one in aiTraceLens\.prices\) {2}\n/,
    );
  });

  test('the trace tooltip gives the total, each model’s cost and which prices they are', () => {
    const text = traceTooltipMarkdown(trace.summary, book.traceCostInfo(trace));
    assert.match(text, /\nCost: \\\$0\\\.24 \\\+ 1 unpriced call\n/);
    assert.match(text, /in\\-house\\-large: 2 calls, 200k→20k tok, \\\$0\\\.24 {2}\n/);
    assert.match(text, /mystery\\-model\\-9: 1 call, 500→50 tok, 1 unpriced call\n/);
    const source = `Prices from genai-prices ${PRICE_DATA.version}, ${PRICE_DATA.date}; 1 override from aiTraceLens.prices`;
    assert.ok(text.includes(`\n_${escapeMarkdown(source)}_\n`), text);
    assert.doesNotMatch(traceTooltipMarkdown(trace.summary), /Cost|Prices/, 'no cost without the book');
  });
});

describe('cost in the CodeLens, Compare Traces and the flame graph', () => {
  const store = new TraceStore({ maxSpans: 100 });
  const book = new PriceBook(() => parsed(IN_HOUSE));
  const trace = agentRun(store, TRACE_A);
  const calls = trace.spans().filter((node) => node.ai.kind === 'llm');

  test('the CodeLens shows the mean cost per priced call, and counts unpriced calls beside it', () => {
    const priced = calls.slice(0, 2).map((node) => locationCall(node, book.spanCost(node.ai)));
    assert.match(formatLocationStats(locationStats(priced)!), / · 220k tok · \$0\.12\/call$/);
    const all = calls.map((node) => locationCall(node, book.spanCost(node.ai)));
    assert.match(formatLocationStats(locationStats(all)!), / · \$0\.12\/call \+ 1 unpriced$/);
    const none = [locationCall(calls[2]!, book.spanCost(calls[2]!.ai))];
    assert.match(formatLocationStats(locationStats(none)!), / · 550 tok · unpriced$/);
  });

  test('a comparison has a cost line for the trace, each model and each call', () => {
    const text = renderTraceForCompare(trace, () => [], book);
    assert.match(text, /\ncost: \$0\.24 \+ 1 unpriced call\n/);
    assert.match(text, /\nmodel in-house-large: 2 calls · .* · \$0\.24\n/);
    assert.equal(text.match(/\n {4}cost: \$0\.12\n/g)?.length, 2);
    assert.match(text, /\n {4}cost: unpriced\n/);
    assert.doesNotMatch(
      renderTraceForCompare(trace, () => []),
      /cost/,
    );
  });

  test('the flame graph header has the cost by model in the order of its token totals; details carry the call’s', () => {
    const header = traceHeader(trace.summary, book.traceCostInfo(trace));
    assert.deepEqual(
      header.byModel.map((totals) => totals.model),
      ['in-house-large', 'mystery-model-9'],
    );
    assert.deepEqual(
      header.cost?.byModel.map((cost) => cost?.usd),
      [0.24, 0],
    );
    assert.deepEqual(
      header.cost?.byModel.map((cost) => cost?.unpricedCalls),
      [0, 1],
    );
    assert.equal(header.cost?.total.usd, 0.24);
    assert.equal(header.cost?.source, book.sourceText());
    assert.equal(traceHeader(trace.summary).cost, null);
    assert.deepEqual(spanDetailsOf(calls[0]!, [], book.spanCost(calls[0]!.ai)).cost, { usd: 0.12, estimated: false });
    assert.equal(spanDetailsOf(calls[2]!, [], book.spanCost(calls[2]!.ai)).cost, 'unpriced');
    assert.equal('cost' in spanDetailsOf(trace.roots[0]!, []), false);
  });
});

/**
 * Ingest throughput of the trace store: 200k spans in exporter-sized batches, compared with plain Map insertion
 * and with classification alone (which every ingest pays). Run: node --import tsx bench/store.bench.ts
 */
import { SpanKind, StatusCode, type AttributeValue, type Span } from '../src/core/model';
import { analyzeSpan } from '../src/core/semantics/analyze';
import { TraceStore } from '../src/core/store/traceStore';
import { bestOf } from './support/timing';

const SPAN_COUNT = 200_000;
const SPANS_PER_TRACE = 100;
const BATCH_SIZE = 512;
const ROUNDS = 5;

const resource = {
  attributes: new Map<string, AttributeValue>([['service.name', 'bench']]),
  droppedAttributesCount: 0,
};
const scope = { name: 'bench', version: '1', attributes: new Map<string, AttributeValue>(), droppedAttributesCount: 0 };

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}

function spanIdOf(index: number): string {
  return hex(index + 1, 16);
}

/** Traces of agent-like trees: each span's parent is one of the five spans before it, every third span an LLM call. */
function generateSpans(): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < SPAN_COUNT; i++) {
    const trace = Math.floor(i / SPANS_PER_TRACE);
    const index = i % SPANS_PER_TRACE;
    const start = BigInt(trace * 10_000 + index * 10) * 1_000_000n;
    const attributes = new Map<string, AttributeValue>();
    if (index % 3 === 1) {
      attributes.set('gen_ai.operation.name', 'chat');
      attributes.set('gen_ai.request.model', 'gpt-4o');
      attributes.set('gen_ai.usage.input_tokens', 100 + index);
      attributes.set('gen_ai.usage.output_tokens', 20);
    }
    spans.push({
      traceId: hex(trace, 32),
      spanId: spanIdOf(i),
      parentSpanId: index === 0 ? undefined : spanIdOf(i - 1 - ((index * 7919) % Math.min(index, 5))),
      traceState: '',
      flags: 0,
      name: index === 0 ? 'invoke_agent' : 'step',
      kind: SpanKind.Internal,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 5_000_000n,
      attributes,
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: StatusCode.Unset, message: '' },
      resource,
      scope,
    });
  }
  return spans;
}

function shuffled(spans: readonly Span[]): Span[] {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const copy = [...spans];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function batches(spans: readonly Span[]): Span[][] {
  const result: Span[][] = [];
  for (let i = 0; i < spans.length; i += BATCH_SIZE) result.push(spans.slice(i, i + BATCH_SIZE));
  return result;
}

const spans = generateSpans();
const scenarios: [string, Span[][]][] = [
  ['parents first', batches(spans)],
  // Exporters send spans as they end, so children usually come before their parents.
  ['children first', batches([...spans].reverse())],
  ['shuffled', batches(shuffled(spans))],
];

const mapMs = bestOf(ROUNDS, () => {
  const map = new Map<string, Span>();
  for (const span of spans) map.set(span.traceId + span.spanId, span);
});
console.log(`${SPAN_COUNT} spans, ${SPAN_COUNT / SPANS_PER_TRACE} traces, batches of ${BATCH_SIZE}, best of ${ROUNDS}`);
console.log(`baseline: Map insertion ${mapMs.toFixed(1)} ms`);
const row = (label: string, ms: number, classifyMs?: number) =>
  console.log(
    `${label.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / mapMs).toFixed(1).padStart(5)}x Map  ` +
      `${Math.round(SPAN_COUNT / (ms / 1000))
        .toLocaleString('en-US')
        .padStart(9)} spans/s` +
      (classifyMs === undefined ? '' : `  (analyzeSpan alone: ${(classifyMs / mapMs).toFixed(1)}x Map)`),
  );
for (const [label, input] of scenarios) {
  // Classification in the same arrival order, to separate its cost from the store's own.
  const classifyMs = bestOf(ROUNDS, () => {
    for (const batch of input) for (const span of batch) analyzeSpan(span);
  });
  const storeMs = bestOf(ROUNDS, () => {
    const store = new TraceStore({ maxSpans: SPAN_COUNT });
    for (const batch of input) store.ingest(batch);
  });
  row(`store, ${label}`, storeMs, classifyMs);
}
const evictingMs = bestOf(ROUNDS, () => {
  const store = new TraceStore({ maxSpans: SPAN_COUNT / 4 });
  for (const batch of scenarios[0]![1]) store.ingest(batch);
});
row('store, evicting to 50k', evictingMs);

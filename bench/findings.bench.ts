/**
 * The findings engine over a full store: every rule over 200k spans of realistic agent runs (bench/support/
 * agentTrace.ts, about a thousand spans a trace, tool calls with arguments and results, a few truncated answers and
 * failed calls), and the incremental cost per 512-span ingest batch into a full store that evicts as it goes. Before
 * each timed update a minor GC collects what the ingest itself allocated, so that its cost is not charged to findings.
 * Run: node --expose-gc --import tsx bench/findings.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { evaluateTraces } from '../src/core/findings/evaluate';
import { FindingsIndex } from '../src/core/findings/findingsIndex';
import { StatusCode, type Span } from '../src/core/model';
import { TraceStore } from '../src/core/store/traceStore';
import type { StoreChange } from '../src/core/store/types';
import { generateAgentTrace } from './support/agentTrace';
import { bestOf } from './support/timing';

const SPAN_COUNT = 200_000;
const BATCH_SIZE = 512;
const ROUNDS = 5;

/** Agent traces of 950 to 1,050 spans totalling `SPAN_COUNT`, their ids numbered from `firstTrace`. */
function agentTraces(firstTrace: number): Span[] {
  const spans: Span[] = [];
  for (let t = 0; spans.length < SPAN_COUNT; t++) {
    const traceId = (firstTrace + t).toString(16).padStart(32, '0');
    const size = Math.min(950 + (t % 101), SPAN_COUNT - spans.length);
    generateAgentTrace(size).forEach((span, i) => spans.push(withDetails({ ...span, traceId }, t, i)));
  }
  return spans;
}

/** Tool arguments (a few repeated), tool results, finish reasons and the odd failed model call. */
function withDetails(span: Span, trace: number, index: number): Span {
  const attributes = new Map(span.attributes);
  if (attributes.has('gen_ai.tool.name')) {
    attributes.set('gen_ai.tool.call.arguments', `{"query":"q${(trace * 31 + index) % 40}"}`);
    attributes.set('gen_ai.tool.call.result', 'result line\n'.repeat(index % 97 === 0 ? 4000 : 20));
  } else if (attributes.get('gen_ai.operation.name') === 'chat') {
    attributes.set('gen_ai.response.finish_reasons', [index % 150 === 0 ? 'length' : 'stop']);
    if (index % 301 === 0)
      return { ...span, attributes, status: { code: StatusCode.Error, message: '429 rate limit' } };
  }
  return { ...span, attributes };
}

function batches(spans: readonly Span[]): Span[][] {
  const result: Span[][] = [];
  for (let i = 0; i < spans.length; i += BATCH_SIZE) result.push(spans.slice(i, i + BATCH_SIZE));
  return result;
}

const store = new TraceStore({ maxSpans: SPAN_COUNT });
for (const batch of batches(agentTraces(0))) store.ingest(batch);
let findingCount = 0;
const fullMs = bestOf(ROUNDS, () => (findingCount = evaluateTraces(store.traces()).length));
console.log(`${store.spanCount} spans, ${store.traceCount} traces, ${findingCount} findings, best of ${ROUNDS}`);
console.log(`findings 200k spans: ${fullMs.toFixed(1)} ms`);

// Live: a full store keeps receiving new traces and evicting the oldest; the index follows each ingest's change.
const index = new FindingsIndex(store);
index.reset();
let pending: StoreChange | undefined;
store.onDidChange((change) => (pending = change));
const timings: number[] = [];
const collectYoung = () => (globalThis.gc as ((options: object) => void) | undefined)?.({ type: 'minor' });
for (const batch of batches(agentTraces(1_000_000))) {
  store.ingest(batch);
  collectYoung();
  const started = performance.now();
  index.update(pending!);
  timings.push(performance.now() - started);
}
timings.sort((a, b) => a - b);
const p99 = timings[Math.ceil(0.99 * timings.length) - 1]!;
console.log(`${timings.length} batches of ${BATCH_SIZE}, median ${timings[timings.length >> 1]!.toFixed(2)} ms`);
console.log(`findings per ingest p99: ${p99.toFixed(2)} ms`);

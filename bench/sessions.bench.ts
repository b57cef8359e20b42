/**
 * Grouping by session over a full store (200k spans in 20k chat turns), compared with what every root refresh of the
 * Traces view already costs: listing the traces and recording each one's start. Half the turns name no conversation
 * (each is read span by span, the worst case), a quarter name it on the root, a quarter on an LLM call below it.
 * Run: node --import tsx bench/sessions.bench.ts
 */
import { SessionIndex } from '../src/core/sessions';
import { TraceStore } from '../src/core/store/traceStore';
import type { TraceRecord } from '../src/core/store/types';
import { makeSpan, type PlainAttributes } from '../test/support/spanBuilder';
import { bestOf } from './support/timing';

const TRACES = 20_000;
const SPANS_PER_TRACE = 10;
const CONVERSATIONS = 2_000;
const ROUNDS = 5;

function fillStore(): TraceStore {
  const store = new TraceStore({ maxSpans: 2 * TRACES * SPANS_PER_TRACE });
  const start = Date.UTC(2026, 0, 1);
  for (let t = 0; t < TRACES; t++) {
    const traceId = t.toString(16).padStart(32, '0');
    const session: PlainAttributes = { 'gen_ai.conversation.id': `conversation-${t % CONVERSATIONS}` };
    const root = makeSpan({
      traceId,
      name: 'invoke_agent',
      startMs: start + t * 1000,
      attributes: t % 4 === 1 ? session : {},
    });
    const spans = [root];
    for (let i = 1; i < SPANS_PER_TRACE; i++) {
      const llm: PlainAttributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': 100,
        'gen_ai.usage.output_tokens': 20,
      };
      const attributes = t % 4 === 3 && i === SPANS_PER_TRACE - 1 ? { ...llm, ...session } : llm;
      spans.push(
        makeSpan({ traceId, parentSpanId: root.spanId, name: 'chat', startMs: start + t * 1000 + i, attributes }),
      );
    }
    store.ingest(spans);
  }
  return store;
}

const store = fillStore();
const listingMs = bestOf(ROUNDS, () => {
  const starts = new Map<string, bigint>();
  for (const trace of store.traces()) starts.set(trace.summary.traceId, trace.summary.startTimeUnixNano);
});
const firstMs = bestOf(ROUNDS, () => new SessionIndex().group(store.traces()));
const index = new SessionIndex();
const sessions = index.group(store.traces()).sessions.size;
const regroupMs = bestOf(ROUNDS, () => index.group(store.traces()));
// A new span in one trace of each conversation-less kind: only that trace is read again.
const changed: TraceRecord = store.traces()[0]!;
const oneChangedMs = bestOf(ROUNDS, () => {
  store.ingest([
    makeSpan({ traceId: changed.summary.traceId, parentSpanId: changed.roots[0]!.span.spanId, name: 'step' }),
  ]);
  index.group(store.traces());
});

console.log(`${store.spanCount} spans, ${store.traceCount} traces, ${sessions} sessions, best of ${ROUNDS}`);
console.log(`baseline: listing the traces for a root refresh ${listingMs.toFixed(1)} ms`);
const row = (label: string, ms: number) =>
  console.log(
    `${label.padEnd(40)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / listingMs).toFixed(1).padStart(5)}x listing`,
  );
row('first grouping (every trace read)', firstMs);
row('regrouping, nothing changed', regroupMs);
row('regrouping after one trace changed', oneChangedMs);

/**
 * Store memory: the heap the TraceStore keeps per span of realistic GenAI OTLP/protobuf requests (prompts,
 * completions, tool calls, token usage), against the protobuf bytes those spans arrived as. The goal is at most 2x.
 *   node --expose-gc --import tsx bench/storeMemory.bench.ts        (npm run bench)
 * The requests are decoded and ingested as the receiver does (decodeTraceRequestProto, spansOf, ingest); the encoded
 * bodies are Buffers outside the V8 heap, so heapUsed after a full collection counts what the store retains.
 */
import { spansOf } from '../src/core/model';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { TraceStore } from '../src/core/store/traceStore';
import { encodeWithProtobufjs } from '../test/support/protobufjsOracle';
import { buildPayload, SPANS_PER_TRACE, TRACES } from './support/genAiPayload';

/** 50 requests of 2000 spans: 100k spans, enough for the per-span figure to settle to a few bytes. */
const REQUESTS = 50;

const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** heapUsed after full collections; a second one frees what the first only finalised. */
function settledHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function main(): void {
  if (!collectGarbage) {
    console.log('store memory: run with node --expose-gc');
    process.exitCode = 1;
    return;
  }
  const bodies = Array.from({ length: REQUESTS }, (_, index) =>
    Buffer.from(encodeWithProtobufjs(buildPayload(20260301 + index))),
  );
  const protobufBytes = bodies.reduce((sum, body) => sum + body.length, 0);
  // The decoder's module-level caches fill on first use; they are not the store's.
  decodeTraceRequestProto(Buffer.from(encodeWithProtobufjs(buildPayload(1))));

  const before = settledHeap(collectGarbage);
  const store = new TraceStore({ maxSpans: REQUESTS * TRACES * SPANS_PER_TRACE });
  for (const body of bodies) store.ingest(spansOf(decodeTraceRequestProto(body).request));
  const retained = settledHeap(collectGarbage) - before;

  const spans = store.spanCount;
  console.log(
    `${REQUESTS} requests of ${TRACES} traces x ${SPANS_PER_TRACE} spans: ${spans} spans, ` +
      `${(protobufBytes / spans).toFixed(0)} bytes of protobuf per span`,
  );
  console.log(
    `store memory: ${(retained / spans).toFixed(0)} bytes per span (${(retained / protobufBytes).toFixed(1)}x the OTLP bytes)`,
  );
}

main();

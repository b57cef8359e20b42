/**
 * Cost of the span analyzer (analyzeSpan), which the store runs on every span it ingests or reloads, on realistic
 * spans of each convention, decoded from OTLP/protobuf as the receiver gets them (so keys are decoded strings, not
 * the literals of the source). The baseline, measured in the same run, is one pass over each span's attributes: the
 * least any analysis that looks at every attribute could cost.
 *   node --import tsx bench/analyze.bench.ts        (npm run bench)
 */
import { spansOf, type Span } from '../src/core/model';
import { decodeTraceRequestProto } from '../src/core/otlp/traceProtobuf';
import { analyzeSpan } from '../src/core/semantics/analyze';
import { encodeWithProtobufjs } from '../test/support/protobufjsOracle';
import { makeSpan, type SpanInit } from '../test/support/spanBuilder';
import { generateAgentTrace } from './support/agentTrace';
import { CONVENTION_SPANS, PLAIN_SPANS } from './support/conventionSpans';
import { buildPayload } from './support/genAiPayload';
import { bestOf } from './support/timing';

const SPANS_PER_SET = 60_000;
const SPANS_PER_REQUEST = 500;
const ROUNDS = 9;

/** Bound once: called per span (an imported binding is a getter call under CommonJS). */
const analyze = analyzeSpan;

/** `spans` (of one instrumentation scope) sent and decoded as the receiver does, in requests of 500. */
function decoded(spans: readonly Span[]): Span[] {
  const result: Span[] = [];
  for (let first = 0; first < spans.length; first += SPANS_PER_REQUEST) {
    const batch = spans.slice(first, first + SPANS_PER_REQUEST);
    const { resource, scope } = batch[0]!;
    const request = {
      resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans: batch }] }],
    };
    result.push(...spansOf(decodeTraceRequestProto(encodeWithProtobufjs(request)).request));
  }
  return result;
}

/** Copies of each span, decoded per scope, then interleaved as spans of different producers arrive in one trace. */
function interleaved(inits: readonly SpanInit[]): Span[] {
  const copies = Math.ceil(SPANS_PER_SET / inits.length);
  const columns = inits.map((init) => decoded(Array.from({ length: copies }, () => makeSpan(init))));
  const spans: Span[] = [];
  for (let copy = 0; copy < copies; copy++) for (const column of columns) spans.push(column[copy]!);
  return spans;
}

function repeated(make: () => Span[]): Span[] {
  const spans: Span[] = [];
  while (spans.length < SPANS_PER_SET) spans.push(...make());
  return decoded(spans.slice(0, SPANS_PER_SET));
}

let seed = 1;
const sets: [string, Span[]][] = [
  ['OTel GenAI payload', repeated(() => spansOf(buildPayload(seed++)))],
  ['agent trace', repeated(() => generateAgentTrace(2000))],
  ['other conventions', interleaved(CONVENTION_SPANS)],
  ['plain HTTP/DB spans', interleaved(PLAIN_SPANS)],
];

let sink = 0;
for (const [label, spans] of sets) {
  const analyzeMs = bestOf(ROUNDS, () => {
    for (const span of spans) if (analyze(span).kind !== 'other') sink++;
  });
  const passMs = bestOf(ROUNDS, () => {
    for (const span of spans) for (const key of span.attributes.keys()) sink += key.length;
  });
  const nanosPerSpan = (analyzeMs * 1e6) / spans.length;
  console.log(
    `analyzeSpan, ${label}: ${nanosPerSpan.toFixed(0)} ns/span  (${(analyzeMs / passMs).toFixed(1)}x one pass over the attributes)`,
  );
}
if (sink < 0) console.log(sink);

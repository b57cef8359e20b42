import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSpanId, newTraceId, parseTraceparent } from '../../../src/core/gateway/traceContext';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

test('a valid traceparent names the caller’s trace and span', () => {
  assert.deepEqual(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`), { traceId: TRACE_ID, spanId: SPAN_ID });
  // Not sampled still names the caller: the gateway records every call.
  assert.deepEqual(parseTraceparent(` 00-${TRACE_ID}-${SPAN_ID}-00 `), { traceId: TRACE_ID, spanId: SPAN_ID });
  // A later version may append fields, which are ignored.
  assert.deepEqual(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-extra`), { traceId: TRACE_ID, spanId: SPAN_ID });
});

test('an invalid traceparent is ignored, so the call starts a trace of its own', () => {
  for (const header of [
    undefined,
    '',
    ['a', 'b'],
    `ff-${TRACE_ID}-${SPAN_ID}-01`,
    `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
    `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`,
  ]) {
    assert.equal(parseTraceparent(header), undefined, String(header));
  }
});

test('new ids are lowercase hex of OTLP’s lengths, and differ', () => {
  assert.match(newTraceId(), /^[0-9a-f]{32}$/);
  assert.match(newSpanId(), /^[0-9a-f]{16}$/);
  assert.notEqual(newTraceId(), newTraceId());
});

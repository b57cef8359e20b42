import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataPointRejectionMessage, logRejectionMessage, rejectionMessage } from '../../src/core/otlp/wire';

test('rejection messages count what was left out, in the singular for one and with thousands separators', () => {
  assert.equal(rejectionMessage(0), undefined);
  assert.equal(rejectionMessage(1), '1 span rejected: invalid trace_id or span_id');
  assert.equal(rejectionMessage(1200), '1,200 spans rejected: invalid trace_id or span_id');
  assert.equal(logRejectionMessage(0), undefined);
  assert.equal(
    logRejectionMessage(2),
    '2 log records rejected: trace_id must be 16 bytes and span_id 8 bytes when set',
  );
  assert.equal(dataPointRejectionMessage(0), undefined);
  assert.equal(dataPointRejectionMessage(1), '1 data point rejected: their metric has no name');
});

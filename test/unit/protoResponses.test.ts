import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  encodeExportResponseProto,
  encodeRetryStatusProto,
  encodeStatusProto,
} from '../../src/core/otlp/protoResponses';
import { bigintOf, ExportTraceServiceResponse } from '../support/protobufjsOracle';
import { int, message, text } from '../support/protoWriter';

describe('protobuf responses', () => {
  test('full success is an empty ExportTraceServiceResponse', () => {
    const bytes = encodeExportResponseProto();
    assert.equal(bytes.length, 0);
    assert.equal(ExportTraceServiceResponse.decode(bytes).partialSuccess ?? undefined, undefined);
  });

  test('partial success carries rejected_spans and error_message', () => {
    const bytes = encodeExportResponseProto({
      rejectedSpans: 3,
      errorMessage: '3 spans rejected: invalid trace_id or span_id',
    });
    const decoded = ExportTraceServiceResponse.decode(bytes).partialSuccess;
    assert.equal(bigintOf(decoded?.rejectedSpans), 3n);
    assert.equal(decoded?.errorMessage, '3 spans rejected: invalid trace_id or span_id');

    const large = ExportTraceServiceResponse.decode(
      encodeExportResponseProto({ rejectedSpans: 2 ** 40, errorMessage: 'é' }),
    );
    assert.equal(bigintOf(large.partialSuccess?.rejectedSpans), 2n ** 40n);
    assert.equal(large.partialSuccess?.errorMessage, 'é');
  });

  test('google.rpc.Status has code (field 1, varint) and message (field 2, UTF-8)', () => {
    assert.deepStrictEqual([...encodeStatusProto(3, 'bad ✓')], [0x08, 3, 0x12, 7, ...Buffer.from('bad ✓')]);
    assert.deepStrictEqual([...encodeStatusProto(0, '')], []);
    assert.deepStrictEqual([...encodeStatusProto(400, '')], [0x08, 0x90, 0x03]);
  });

  test('google.rpc.Status with a RetryInfo detail: an Any holding its retry_delay in seconds', () => {
    const retryInfo = message(1, int(1, 5)); // retry_delay: Duration {seconds}
    const detail = message(3, text(1, 'type.googleapis.com/google.rpc.RetryInfo'), message(2, retryInfo));
    assert.deepStrictEqual(
      [...encodeRetryStatusProto(14, 'paused', 5)],
      [...int(1, 14), ...text(2, 'paused'), ...detail],
    );
  });
});

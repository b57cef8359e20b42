import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endToEndHeaders } from '../../../src/core/gateway/upstream';

test('end-to-end headers pass, credentials included; hop-by-hop ones and those Connection names do not', () => {
  const kept = endToEndHeaders(
    {
      authorization: 'Bearer sk-test',
      'x-api-key': 'key',
      'content-type': 'application/json',
      connection: 'keep-alive, X-Trace-Hop',
      'keep-alive': 'timeout=5',
      'x-trace-hop': '1',
      'transfer-encoding': 'chunked',
      'proxy-authorization': 'Basic abc',
      host: '127.0.0.1:4319',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
    new Set(['host']),
  );
  assert.deepEqual(kept, {
    authorization: 'Bearer sk-test',
    'x-api-key': 'key',
    'content-type': 'application/json',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
});

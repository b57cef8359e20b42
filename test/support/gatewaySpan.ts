/** The span the gateway records for a model call, built as the gateway builds it, for the tests of what reads it. */
import assert from 'node:assert/strict';
import { callSpan, type CallRecord } from '../../src/core/gateway/callSpan';
import { CallMeter } from '../../src/core/gateway/meter';
import { PROVIDERS } from '../../src/core/gateway/providers';
import type { ProviderId } from '../../src/core/gateway/wire';

/** What a test may set of what the gateway records: content is recorded unless `recordContent` is false. */
export type RecordedParts = Partial<Pick<CallRecord, 'recordContent' | 'recordedRequest'>>;

/** The span for `body` sent to `provider`'s `path`, answered 200. */
export function gatewayCallSpan(
  provider: ProviderId,
  path: string,
  body: Record<string, unknown>,
  { recordContent = true, recordedRequest }: RecordedParts = {},
) {
  const wire = PROVIDERS[provider];
  const call = wire.parseRequest('POST', path, body);
  assert.ok(call, 'the gateway reads the request as a model call');
  return callSpan({
    provider: wire,
    call,
    meter: new CallMeter(0),
    outcome: { status: 200, failure: undefined },
    startUnixNano: 1_000_000n,
    endUnixNano: 2_000_000n,
    endMs: 1,
    upstream: new URL(wire.defaultUpstream),
    userAgent: 'test',
    parent: undefined,
    estimated: {},
    recordContent,
    recordedRequest,
  });
}

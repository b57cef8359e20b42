import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAX_TEXT_LENGTH,
  modelServerText,
  parseFromWebview,
  withModelServer,
  type FromWebview,
  type SpanDetails,
} from '../../src/shared/protocol';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

const GOOD: readonly FromWebview[] = [
  { type: 'ready', traceId: TRACE_ID },
  { type: 'selectSpan', traceId: TRACE_ID, spanId: SPAN_ID },
  { type: 'openSpanDetails', traceId: TRACE_ID, spanId: SPAN_ID },
  { type: 'replaySpan', traceId: TRACE_ID, spanId: SPAN_ID },
  { type: 'evaluateSpan', traceId: TRACE_ID, spanId: SPAN_ID },
  { type: 'jumpToCode', traceId: TRACE_ID, spanId: SPAN_ID, toSide: true, requestId: 7 },
  { type: 'requestSpanDetails', traceId: TRACE_ID, spanId: SPAN_ID, requestId: 0 },
  { type: 'reportError', traceId: TRACE_ID, message: 'TypeError: x is undefined' },
];

/** Bad values for each field, by field name. */
const BAD_VALUES: Record<string, readonly unknown[]> = {
  traceId: [
    undefined,
    null,
    42,
    TRACE_ID.toUpperCase(),
    TRACE_ID.slice(1),
    TRACE_ID + '0',
    'g' + TRACE_ID.slice(1),
    '0'.repeat(32),
    ` ${TRACE_ID.slice(1)}`,
  ],
  spanId: [undefined, null, 1, SPAN_ID.toUpperCase(), SPAN_ID.slice(1), SPAN_ID + 'a', '0'.repeat(16), TRACE_ID],
  toSide: [undefined, null, 'true', 1, 0],
  requestId: [undefined, null, '7', -1, 1.5, NaN, Infinity, 2 ** 53],
  message: [undefined, null, 3, { text: 'x' }, 'x'.repeat(MAX_TEXT_LENGTH + 1)],
};

describe('parseFromWebview', () => {
  test('accepts every well-formed message as it is', () => {
    for (const message of GOOD) {
      assert.deepEqual(parseFromWebview(structuredClone(message)), message);
    }
    const longest = { type: 'reportError', traceId: TRACE_ID, message: 'x'.repeat(MAX_TEXT_LENGTH) };
    assert.deepEqual(parseFromWebview(longest), longest);
  });

  test('rejects each malformed field of each message', () => {
    for (const message of GOOD) {
      for (const field of Object.keys(message)) {
        if (field === 'type') continue;
        const badValues = BAD_VALUES[field];
        assert.ok(badValues !== undefined, `no bad values listed for ${field}`);
        for (const bad of badValues) {
          const broken = { ...message, [field]: bad };
          assert.equal(parseFromWebview(broken), undefined, `${message.type} with ${field} = ${String(bad)}`);
        }
      }
    }
  });

  test('rejects missing and unknown fields', () => {
    for (const message of GOOD) {
      for (const field of Object.keys(message)) {
        const { [field]: _removed, ...missing } = message as unknown as Record<string, unknown>;
        assert.equal(parseFromWebview(missing), undefined, `${message.type} without ${field}`);
      }
      assert.equal(parseFromWebview({ ...message, extra: 1 }), undefined, `${message.type} with an extra field`);
    }
  });

  test('rejects what is not a message', () => {
    const notMessages: unknown[] = [
      undefined,
      null,
      'ready',
      7,
      [],
      [{ type: 'ready', traceId: TRACE_ID }],
      { traceId: TRACE_ID },
      { type: 'init', traceId: TRACE_ID },
      // The host's lanes are never taken from the page.
      { type: 'modelServers', traceId: TRACE_ID, lanes: [], staleAfterMs: 30_000 },
      { type: 'toString', traceId: TRACE_ID },
      { type: '__proto__', traceId: TRACE_ID },
      { type: 'hasOwnProperty', traceId: TRACE_ID },
      JSON.parse(`{"type":"ready","traceId":"${TRACE_ID}","__proto__":{"spanId":"${SPAN_ID}"}}`),
    ];
    for (const value of notMessages) assert.equal(parseFromWebview(value), undefined, JSON.stringify(value));
  });

  test('a field inherited from the prototype does not count', () => {
    const inherited = Object.create({ spanId: SPAN_ID }) as Record<string, unknown>;
    inherited.type = 'selectSpan';
    inherited.traceId = TRACE_ID;
    assert.equal(parseFromWebview(inherited), undefined);
  });
});

describe('withModelServer', () => {
  const details: SpanDetails = {
    spanId: SPAN_ID,
    attributes: [['gen_ai.request.model', 'gpt-4o']],
    resource: [],
    events: [],
  };
  const update = (spanId: string, modelServer: string | null) =>
    ({ type: 'spanModelServer', traceId: TRACE_ID, spanId, modelServer }) as const;

  test("sets, replaces and removes the selected span's line, keeping the rest of its details", () => {
    const shown = withModelServer(details, update(SPAN_ID, 'queue 14 waiting · vLLM'));
    assert.ok(shown !== undefined);
    assert.equal(modelServerText(shown), 'queue 14 waiting · vLLM');
    assert.deepEqual(shown.attributes, details.attributes);
    const replaced = withModelServer(shown, update(SPAN_ID, 'KV cache 97% · vLLM'));
    assert.ok(replaced !== undefined);
    assert.equal(modelServerText(replaced), 'KV cache 97% · vLLM');
    const removed = withModelServer(replaced, update(SPAN_ID, null));
    assert.deepEqual(removed, details);
  });

  test('an update about another span changes nothing', () => {
    assert.equal(withModelServer(details, update('c8be7c7270314442', 'queue 14 waiting · vLLM')), undefined);
  });
});

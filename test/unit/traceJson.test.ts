import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spansOf, type AttributeValue, type Span } from '../../src/core/model';
import { encodeTraceRequestJson } from '../../src/core/otlp/jsonEncoders';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { decodeTraceRequestProto } from '../../src/core/otlp/traceProtobuf';
import { OtlpDecodeError } from '../../src/core/otlp/types';
import { encodeWithProtobufjs } from '../support/protobufjsOracle';
import { expectedDecode, randomTraceRequest, Rng } from '../support/randomRequest';

const FIXTURES = join(__dirname, '..', 'fixtures');

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** OTLP/JSON text of one request holding `spans` (plain objects) in one scope. */
function requestJson(spans: object[], resource: object = {}): string {
  return JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'test' }, spans }] }] });
}

function onlySpan(json: string): Span {
  const spans = spansOf(decodeTraceRequestJson(json).request);
  assert.equal(spans.length, 1);
  return spans[0]!;
}

function spanWith(fields: object): Span {
  return onlySpan(requestJson([{ traceId: TRACE_ID, spanId: SPAN_ID, ...fields }]));
}

function attributeOf(value: unknown): AttributeValue {
  return spanWith({ attributes: [{ key: 'key', value }] }).attributes.get('key')!;
}

function assertDecodeError(json: string, message: string): void {
  assert.throws(
    () => decodeTraceRequestJson(json),
    (error: unknown) => error instanceof OtlpDecodeError && error.message === message,
    message,
  );
}

/** Mutations that OTLP/JSON allows: upper-case ids, int64 as numbers, enums as strings, unknown keys. */
function variantOf(json: unknown, rng: Rng): unknown {
  if (Array.isArray(json)) return json.map((item) => variantOf(item, rng));
  if (typeof json !== 'object' || json === null) return json;
  const variant: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' && /^(traceId|spanId|parentSpanId)$/.test(key) && rng.chance(0.5)) {
      variant[key] = value.toUpperCase();
    } else if (
      typeof value === 'string' &&
      /UnixNano$|^intValue$/.test(key) &&
      Number.isSafeInteger(Number(value)) &&
      rng.chance(0.5)
    ) {
      variant[key] = Number(value);
    } else if (typeof value === 'number' && (key === 'kind' || key === 'code') && rng.chance(0.5)) {
      variant[key] = String(value);
    } else variant[key] = variantOf(value, rng);
  }
  if (rng.chance(0.2)) variant.someFutureField = { nested: [1, 'two'] };
  return variant;
}

describe('decodeTraceRequestJson', () => {
  test('each JSON fixture decodes to what its protobuf twin decodes to', () => {
    for (const name of ['genai-agent', 'openinference-llm', 'vercel-ai']) {
      const fromJson = decodeTraceRequestJson(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
      assert.deepStrictEqual(fromJson, decodeTraceRequestProto(readFileSync(join(FIXTURES, `${name}.pb`))), name);
      assert.ok(spansOf(fromJson.request).length > 0);
    }
  });

  test('ids are case-insensitive hex and come out lower-case', () => {
    const span = spanWith({
      traceId: TRACE_ID.toUpperCase(),
      spanId: 'EeE19B7ec3c1b174',
      parentSpanId: 'ABCDEF0123456789',
    });
    assert.equal(span.traceId, TRACE_ID);
    assert.equal(span.spanId, SPAN_ID);
    assert.equal(span.parentSpanId, 'abcdef0123456789');
  });

  test('an empty, missing or all-zero parent id means a root span', () => {
    assert.equal(spanWith({}).parentSpanId, undefined);
    assert.equal(spanWith({ parentSpanId: '' }).parentSpanId, undefined);
    assert.equal(spanWith({ parentSpanId: null }).parentSpanId, undefined);
    assert.equal(spanWith({ parentSpanId: '0000000000000000' }).parentSpanId, undefined);
  });

  test('rejects spans with invalid ids and counts them', () => {
    const result = decodeTraceRequestJson(
      requestJson([
        { traceId: TRACE_ID, spanId: SPAN_ID, name: 'kept' },
        { traceId: 'zz'.repeat(16), spanId: SPAN_ID },
        { traceId: TRACE_ID.slice(1), spanId: SPAN_ID },
        { traceId: '0'.repeat(32), spanId: SPAN_ID },
        { traceId: TRACE_ID, spanId: '0'.repeat(16) },
        { traceId: TRACE_ID },
        { traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: 'abcd' },
        { traceId: TRACE_ID, spanId: SPAN_ID, links: [{ traceId: 'not hex', spanId: SPAN_ID }] },
      ]),
    );
    assert.deepEqual(
      spansOf(result.request).map((span) => span.name),
      ['kept'],
    );
    assert.equal(result.rejectedSpans, 7);
    assert.equal(result.rejectionMessage, '7 spans rejected: invalid trace_id or span_id');
  });

  test('times are exact bigints from strings or numbers, even beyond 2^53', () => {
    const span = spanWith({ startTimeUnixNano: '1760000000000000001', endTimeUnixNano: 1760000000000 });
    assert.equal(span.startTimeUnixNano, 1760000000000000001n);
    assert.equal(span.endTimeUnixNano, 1760000000000n);

    // As a JSON number beyond 2^53, JSON.parse alone would round it to 1760000000000000000.
    const text = requestJson([{ traceId: TRACE_ID, spanId: SPAN_ID, startTimeUnixNano: 0 }]).replace(
      '"startTimeUnixNano":0',
      '"startTimeUnixNano":1760000000000000001',
    );
    assert.equal(onlySpan(text).startTimeUnixNano, 1760000000000000001n);
    assert.equal(
      onlySpan(text.replace('1760000000000000001', '18446744073709551615')).startTimeUnixNano,
      2n ** 64n - 1n,
    );
  });

  test('quoting long integer literals for exactness leaves strings and fractions alone', () => {
    const text = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  name: 'digits 12345678901234567890 and "quotes"\\',
                  endTimeUnixNano: 0,
                  attributes: [
                    { key: '12345678901234567890', value: { stringValue: '98765432109876543210' } },
                    { key: 'fraction', value: { doubleValue: 0 } },
                    { key: 'exponent', value: { doubleValue: 0 } },
                    { key: 'big', value: { intValue: 0 } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    })
      .replace('"endTimeUnixNano":0', '"endTimeUnixNano":1760000000000000001')
      .replace('"doubleValue":0}}', '"doubleValue":12345678901234567890.5}}')
      .replace('"doubleValue":0}}', '"doubleValue":1e-12345678901234567}}')
      .replace('"intValue":0', '"intValue":-9223372036854775808');
    const span = onlySpan(text);
    assert.equal(span.name, 'digits 12345678901234567890 and "quotes"\\');
    assert.equal(span.endTimeUnixNano, 1760000000000000001n);
    assert.equal(span.attributes.get('12345678901234567890'), '98765432109876543210');
    // The double nearest the text, as JSON.parse reads it (the literal has more digits than a double holds).
    assert.equal(span.attributes.get('fraction'), Number('12345678901234567890.5'));
    assert.equal(span.attributes.get('exponent'), 0);
    assert.equal(span.attributes.get('big'), -(2n ** 63n));
  });

  test('intValue as a string or a number: a number while safe, else a bigint', () => {
    assert.equal(attributeOf({ intValue: '42' }), 42);
    assert.equal(attributeOf({ intValue: 42 }), 42);
    assert.equal(attributeOf({ intValue: '-7' }), -7);
    assert.equal(attributeOf({ intValue: '9007199254740993' }), 9007199254740993n);
    assert.equal(attributeOf({ intValue: '-9223372036854775808' }), -(2n ** 63n));
  });

  test('doubleValue may be a number, "NaN", "Infinity", "-Infinity" or a numeric string', () => {
    assert.equal(attributeOf({ doubleValue: 0.25 }), 0.25);
    assert.ok(Number.isNaN(attributeOf({ doubleValue: 'NaN' })));
    assert.equal(attributeOf({ doubleValue: 'Infinity' }), Infinity);
    assert.equal(attributeOf({ doubleValue: '-Infinity' }), -Infinity);
    assert.equal(attributeOf({ doubleValue: '1.5e3' }), 1500);
    assert.ok(Object.is(attributeOf({ doubleValue: '-0' }), -0));
  });

  test('every other AnyValue type, and null for an empty AnyValue', () => {
    assert.equal(attributeOf({ stringValue: 'ünï 🧪' }), 'ünï 🧪');
    assert.equal(attributeOf({ boolValue: false }), false);
    assert.deepStrictEqual(attributeOf({ bytesValue: '3q2+7w==' }), Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    assert.deepStrictEqual(attributeOf({ bytesValue: '3q2-7w' }), Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
    assert.deepStrictEqual(attributeOf({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, {}] } }), [
      'a',
      1,
      null,
    ]);
    assert.deepStrictEqual(attributeOf({ arrayValue: {} }), []);
    assert.deepStrictEqual(
      attributeOf({ kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }, { key: 'none' }] } }),
      new Map<string, AttributeValue>([
        ['k', true],
        ['none', null],
      ]),
    );
    assert.equal(attributeOf({}), null);
    assert.equal(attributeOf(null), null);
  });

  test('enums are integers; numeric strings and the proto names are accepted too', () => {
    assert.equal(spanWith({ kind: 3 }).kind, 3);
    assert.equal(spanWith({ kind: '2' }).kind, 2);
    assert.equal(spanWith({ kind: 'SPAN_KIND_CLIENT' }).kind, 3);
    assert.deepEqual(spanWith({ status: { code: '2', message: 'boom' } }).status, { code: 2, message: 'boom' });
    assert.deepEqual(spanWith({ status: { code: 'STATUS_CODE_OK' } }).status, { code: 1, message: '' });
  });

  test('missing fields take their defaults and unknown fields are ignored', () => {
    const { request } = decodeTraceRequestJson(
      JSON.stringify({
        extra: true,
        resourceSpans: [
          { unknown: 1, scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: SPAN_ID, future: { a: 1 } }] }] },
        ],
      }),
    );
    const span = spansOf(request)[0]!;
    assert.deepStrictEqual(
      { ...span, resource: undefined, scope: undefined },
      {
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: undefined,
        traceState: '',
        flags: 0,
        name: '',
        kind: 0,
        startTimeUnixNano: 0n,
        endTimeUnixNano: 0n,
        attributes: new Map(),
        droppedAttributesCount: 0,
        events: [],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        status: { code: 0, message: '' },
        resource: undefined,
        scope: undefined,
      },
    );
    assert.deepStrictEqual(span.resource, { attributes: new Map(), droppedAttributesCount: 0 });
    assert.deepStrictEqual(span.scope, { name: '', version: '', attributes: new Map(), droppedAttributesCount: 0 });
    assert.deepStrictEqual(decodeTraceRequestJson('{}').request, { resourceSpans: [] });
  });

  test('accepts what encodeTraceRequestJson writes, in every form OTLP/JSON allows', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rng = new Rng(seed);
      const expected = expectedDecode(randomTraceRequest(rng));
      const json = encodeTraceRequestJson(expected.request);
      assert.ok(!json.includes('\n'), 'one line');
      const decoded = decodeTraceRequestJson(json);
      assert.deepStrictEqual(decoded.request, expected.request, `seed ${seed}`);
      assert.equal(decoded.rejectedSpans, 0);
      assert.deepStrictEqual(
        decodeTraceRequestJson(JSON.stringify(variantOf(JSON.parse(json), rng))).request,
        expected.request,
        `seed ${seed} variant`,
      );
    }
  });

  test('decodes random requests exactly as the protobuf decoder decodes their protobuf encoding', () => {
    for (let seed = 200; seed < 230; seed++) {
      const request = randomTraceRequest(new Rng(seed), { invalidIds: false });
      const fromProtobuf = decodeTraceRequestProto(encodeWithProtobufjs(request));
      assert.deepStrictEqual(decodeTraceRequestJson(encodeTraceRequestJson(fromProtobuf.request)), fromProtobuf);
    }
  });

  test('errors name the path of the offending field', () => {
    const spans = (span: object) =>
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans: [{}, {}, {}, span] }] }] });
    assertDecodeError(
      spans({ traceId: TRACE_ID, spanId: SPAN_ID, startTimeUnixNano: 'soon' }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an unsigned 64-bit integer',
    );
    assertDecodeError(
      spans({
        attributes: [
          { key: 'a', value: { stringValue: 'x' } },
          { key: 'b', value: { intValue: 1.5 } },
        ],
      }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].attributes[1].value.intValue: expected a 64-bit integer (number or decimal string)',
    );
    assertDecodeError(
      spans({
        attributes: [
          {
            key: 'a',
            value: {
              arrayValue: { values: [{ kvlistValue: { values: [{ key: 'k', value: { boolValue: 'yes' } }] } }] },
            },
          },
        ],
      }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.arrayValue.values[0].kvlistValue.values[0].value.boolValue: expected true or false',
    );
    assertDecodeError(
      spans({ name: 5 }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].name: expected a string',
    );
    assertDecodeError(
      spans({ kind: 'client' }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].kind: expected an integer enum value',
    );
    assertDecodeError(
      spans({ status: { code: 1.5 } }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].status.code: expected an integer enum value',
    );
    assertDecodeError(
      spans({ events: {} }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].events: expected an array',
    );
    assertDecodeError(
      spans({ droppedAttributesCount: -1 }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].droppedAttributesCount: expected an unsigned 32-bit integer',
    );
    assertDecodeError(
      spans({ attributes: [{ key: 'b', value: { bytesValue: 'not base64!' } }] }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.bytesValue: expected a base64 string',
    );
    assertDecodeError(
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: 'travel-agent' }] } }],
      }),
      'Invalid OTLP JSON: resourceSpans[0].resource.attributes[0].value: expected an AnyValue object',
    );
    assertDecodeError(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ scope: [] }] }] }),
      'Invalid OTLP JSON: resourceSpans[0].scopeSpans[0].scope: expected an object',
    );
    assertDecodeError(
      JSON.stringify({ resourceSpans: [null] }),
      'Invalid OTLP JSON: resourceSpans[0]: expected an object',
    );
    assertDecodeError(JSON.stringify({ resourceSpans: {} }), 'Invalid OTLP JSON: resourceSpans: expected an array');
    assertDecodeError('[]', 'Invalid OTLP JSON: expected an object with "resourceSpans"');
    assertDecodeError('42', 'Invalid OTLP JSON: expected an object with "resourceSpans"');
  });

  test('text that is not JSON is an OtlpDecodeError', () => {
    for (const text of ['', '{', '{"resourceSpans": [}', 'resourceSpans']) {
      assert.throws(
        () => decodeTraceRequestJson(text),
        (error: unknown) => error instanceof OtlpDecodeError && error.message.startsWith('Invalid OTLP JSON: '),
      );
    }
  });

  test('a UTF-8 byte order mark is ignored', () => {
    assert.equal(
      spansOf(decodeTraceRequestJson(`\ufeff${requestJson([{ traceId: TRACE_ID, spanId: SPAN_ID }])}`).request).length,
      1,
    );
  });

  test('deep AnyValue nesting fails cleanly instead of overflowing the stack', () => {
    const depth = 5000;
    const value = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"bottom"}${']}}'.repeat(depth)}`;
    const text = requestJson([{ traceId: TRACE_ID, spanId: SPAN_ID, attributes: [{ key: 'deep', value: null }] }]);
    assert.throws(
      () => decodeTraceRequestJson(text.replace('"value":null', `"value":${value}`)),
      /nested deeper than 64 levels/,
    );
  });
});

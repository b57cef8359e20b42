import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spansOf, type AttributeValue, type Span } from '../../src/core/model';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { decodeTraceRequestProto } from '../../src/core/otlp/traceProtobuf';
import { OtlpDecodeError } from '../../src/core/otlp/types';
import { decodeWithProtobufjs, encodeWithProtobufjs } from '../support/protobufjsOracle';
import { bytesField, int, message, tag, text } from '../support/protoWriter';
import { expectedDecode, injectUnknownFields, randomTraceRequest, Rng } from '../support/randomRequest';
import { protobufTwinOf } from '../support/writeFixtures';

const FIXTURES = join(__dirname, '..', 'fixtures');
const FIXTURE_NAMES = ['genai-agent', 'openinference-llm', 'vercel-ai'];

function fixtureBytes(name: string): Uint8Array {
  return readFileSync(join(FIXTURES, `${name}.pb`));
}

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** A Span message with valid ids and `extra` fields. */
function spanBytes(...extra: number[][]): number[] {
  return message(2, bytesField(1, TRACE_ID), bytesField(2, SPAN_ID), text(5, 'span'), ...extra);
}

/** A request with one ResourceSpans holding `content`. */
function requestOf(...scopeSpansContent: number[][]): Uint8Array {
  return Uint8Array.from(message(1, message(2, ...scopeSpansContent)));
}

function onlySpan(bytes: Uint8Array): Span {
  const spans = spansOf(decodeTraceRequestProto(bytes).request);
  assert.equal(spans.length, 1);
  return spans[0]!;
}

function attributeOf(value: number[]): AttributeValue {
  return onlySpan(requestOf(spanBytes(message(9, text(1, 'key'), message(2, value))))).attributes.get('key')!;
}

describe('decodeTraceRequestProto', () => {
  test('decodes every fixture as protobufjs does, and as the decoded JSON twin', () => {
    for (const name of FIXTURE_NAMES) {
      const bytes = fixtureBytes(name);
      const decoded = decodeTraceRequestProto(bytes);
      assert.deepStrictEqual(decoded, decodeWithProtobufjs(bytes), name);
      assert.deepStrictEqual(
        decoded,
        decodeTraceRequestJson(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')),
        name,
      );
    }
  });

  test('the checked-in .pb fixtures are what writeFixtures.ts makes from the JSON', () => {
    for (const name of FIXTURE_NAMES) {
      const regenerated = protobufTwinOf(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
      assert.deepStrictEqual(Buffer.from(regenerated), Buffer.from(fixtureBytes(name)), `${name}.pb is stale`);
    }
  });

  test('normalises the GenAI agent fixture: ids, times, attribute types, shared resource and scope', () => {
    const { request, rejectedSpans, rejectionMessage } = decodeTraceRequestProto(fixtureBytes('genai-agent'));
    assert.equal(rejectedSpans, 0);
    assert.equal(rejectionMessage, undefined);
    const spans = spansOf(request);
    const byName = (name: string) => spans.filter((span) => span.name === name);
    assert.deepEqual(spans.map((span) => span.name).sort(), [
      'chat gpt-4o',
      'chat gpt-4o',
      'execute_tool get_weather',
      'invoke_agent TravelPlanner',
      'tools/call get_weather',
      'tools/call get_weather',
    ]);

    const root = byName('invoke_agent TravelPlanner')[0]!;
    assert.equal(root.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(root.spanId, '00f067aa0ba902b7');
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.startTimeUnixNano, 1760000000000000000n);
    assert.equal(root.endTimeUnixNano, 1760000004200000000n);
    assert.equal(root.flags, 257);
    assert.deepEqual(
      root.attributes.get('app.session.fingerprint'),
      Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]),
    );
    assert.equal(root.links[0]!.spanId, 'b9c7c989f97918e1');
    assert.equal(root.links[0]!.flags, 257);

    const [firstChat] = byName('chat gpt-4o');
    assert.equal(firstChat!.kind, 3);
    assert.equal(firstChat!.parentSpanId, root.spanId);
    assert.equal(firstChat!.attributes.get('gen_ai.usage.input_tokens'), 1250);
    assert.equal(firstChat!.attributes.get('gen_ai.request.stream'), true);
    assert.equal(firstChat!.attributes.get('gen_ai.response.time_to_first_chunk'), 0.412);
    assert.deepEqual(firstChat!.attributes.get('gen_ai.response.finish_reasons'), ['tool_calls']);
    assert.match(firstChat!.attributes.get('gen_ai.input.messages') as string, /^\[\{"role":"system"/);

    const tool = byName('execute_tool get_weather')[0]!;
    assert.deepEqual(
      tool.attributes.get('gen_ai.tool.call.arguments'),
      new Map<string, AttributeValue>([
        ['city', 'Lisbon'],
        ['days', 3],
        ['metric', true],
      ]),
    );

    const [failedCall, retriedCall] = byName('tools/call get_weather');
    assert.equal(failedCall!.attributes.get('mcp.method.name'), 'tools/call');
    assert.deepEqual(failedCall!.status, { code: 2, message: 'Request timed out after 300 ms' });
    assert.equal(failedCall!.events[0]!.name, 'exception');
    assert.equal(failedCall!.events[0]!.timeUnixNano, 1760000001609000000n);
    assert.match(failedCall!.events[0]!.attributes.get('exception.stacktrace') as string, /^Traceback[^]*McpError/);
    assert.equal(retriedCall!.parentSpanId, tool.spanId);

    // One Resource object for the whole ResourceSpans, one scope object per ScopeSpans.
    for (const span of spans) assert.equal(span.resource, request.resourceSpans[0]!.resource);
    for (const scopeSpans of request.resourceSpans[0]!.scopeSpans) {
      for (const span of scopeSpans.spans) assert.equal(span.scope, scopeSpans.scope);
    }
    assert.equal(root.resource.attributes.get('service.name'), 'travel-agent');
  });

  test('agrees with protobufjs and with the generator on random requests, with and without unknown fields', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rng = new Rng(seed);
      const request = randomTraceRequest(rng);
      const bytes = encodeWithProtobufjs(request);
      const expected = expectedDecode(request);
      assert.deepStrictEqual(decodeTraceRequestProto(bytes), expected, `seed ${seed}`);
      assert.deepStrictEqual(decodeWithProtobufjs(bytes), expected, `seed ${seed} (oracle)`);

      const withUnknownFields = injectUnknownFields(bytes, rng);
      assert.ok(withUnknownFields.length > bytes.length || bytes.length === 0);
      assert.deepStrictEqual(decodeTraceRequestProto(withUnknownFields), expected, `seed ${seed} with unknown fields`);
      assert.deepStrictEqual(
        decodeWithProtobufjs(withUnknownFields),
        expected,
        `seed ${seed} with unknown fields (oracle)`,
      );
    }
  });

  test('decodes the same bytes the same way again (caches across requests keep nothing stale)', () => {
    const first = randomTraceRequest(new Rng(7));
    const second = randomTraceRequest(new Rng(8));
    const firstBytes = encodeWithProtobufjs(first);
    const secondBytes = encodeWithProtobufjs(second);
    assert.deepStrictEqual(decodeTraceRequestProto(firstBytes), expectedDecode(first));
    assert.deepStrictEqual(decodeTraceRequestProto(secondBytes), expectedDecode(second));
    assert.deepStrictEqual(decodeTraceRequestProto(firstBytes), expectedDecode(first));
  });

  test('reads a body that starts at an odd offset of a larger buffer', () => {
    const bytes = fixtureBytes('genai-agent');
    const backing = new ArrayBuffer(bytes.length + 8);
    const view = new Uint8Array(backing, 3, bytes.length);
    view.set(bytes);
    new Uint8Array(backing).fill(0xff, 0, 3);
    assert.deepStrictEqual(decodeTraceRequestProto(view), decodeTraceRequestProto(bytes));
    assert.deepStrictEqual(
      decodeTraceRequestProto(Buffer.from(backing, 3, bytes.length)),
      decodeTraceRequestProto(bytes),
    );
  });

  test('an empty body is an empty request', () => {
    assert.deepStrictEqual(decodeTraceRequestProto(new Uint8Array(0)), {
      request: { resourceSpans: [] },
      rejectedSpans: 0,
      rejectionMessage: undefined,
    });
  });

  test('rejects spans with invalid ids, counts them and says why', () => {
    const zeros = (bytes: number) => '00'.repeat(bytes);
    const bytes = requestOf(
      message(2, bytesField(1, TRACE_ID.slice(2)), bytesField(2, SPAN_ID)), // 15-byte trace id
      message(2, bytesField(1, zeros(16)), bytesField(2, SPAN_ID)),
      message(2, bytesField(1, TRACE_ID), bytesField(2, zeros(8))),
      message(2, bytesField(1, TRACE_ID)), // no span id
      message(2, bytesField(1, TRACE_ID), bytesField(2, SPAN_ID), bytesField(4, 'abcd')), // 2-byte parent
      message(2, bytesField(1, TRACE_ID), bytesField(2, SPAN_ID), text(5, 'kept')),
    );
    const result = decodeTraceRequestProto(bytes);
    assert.equal(result.rejectedSpans, 5);
    assert.equal(result.rejectionMessage, '5 spans rejected: invalid trace_id or span_id');
    assert.deepEqual(
      spansOf(result.request).map((span) => span.name),
      ['kept'],
    );

    const one = decodeTraceRequestProto(requestOf(message(2, bytesField(1, TRACE_ID))));
    assert.equal(one.rejectionMessage, '1 span rejected: invalid trace_id or span_id');
  });

  test('an empty or all-zero parent id means a root span', () => {
    assert.equal(onlySpan(requestOf(spanBytes(bytesField(4, '')))).parentSpanId, undefined);
    assert.equal(onlySpan(requestOf(spanBytes(bytesField(4, '0000000000000000')))).parentSpanId, undefined);
    assert.equal(onlySpan(requestOf(spanBytes(bytesField(4, 'ABCDEF0123456789')))).parentSpanId, 'abcdef0123456789');
  });

  test("int64 values: numbers while safe, bigints beyond, negatives from two's complement", () => {
    const cases: [bigint, AttributeValue][] = [
      [0n, 0],
      [-1n, -1],
      [2n ** 49n - 1n, 2 ** 49 - 1],
      [2n ** 49n, 2 ** 49],
      [2n ** 53n - 1n, Number.MAX_SAFE_INTEGER],
      [-(2n ** 53n) + 1n, Number.MIN_SAFE_INTEGER],
      [2n ** 53n, 2n ** 53n],
      [-(2n ** 53n), -(2n ** 53n)],
      [2n ** 63n - 1n, 2n ** 63n - 1n],
      [-(2n ** 63n), -(2n ** 63n)],
    ];
    for (const [wire, expected] of cases) assert.deepStrictEqual(attributeOf(int(3, wire)), expected, `int ${wire}`);
  });

  test('decodes every AnyValue type; an AnyValue with nothing set is null', () => {
    const double = (value: number) => {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleLE(value);
      return [...tag(4, 1), ...bytes];
    };
    assert.equal(attributeOf(text(1, 'héllo 🌍')), 'héllo 🌍');
    assert.equal(attributeOf(int(2, 1)), true);
    assert.equal(attributeOf(int(2, 0)), false);
    assert.equal(attributeOf(double(-2.5)), -2.5);
    assert.ok(Number.isNaN(attributeOf(double(NaN))));
    assert.ok(Object.is(attributeOf(double(-0)), -0));
    assert.deepStrictEqual(attributeOf(message(5, message(1, text(1, 'a')), message(1, int(3, 2)), message(1))), [
      'a',
      2,
      null,
    ]);
    assert.deepStrictEqual(
      attributeOf(message(6, message(1, text(1, 'k'), message(2, text(1, 'v'))), message(1, text(1, 'empty')))),
      new Map<string, AttributeValue>([
        ['k', 'v'],
        ['empty', null],
      ]),
    );
    assert.deepStrictEqual(attributeOf(bytesField(7, '00ff10')), Uint8Array.from([0, 255, 16]));
    assert.equal(attributeOf([]), null);
  });

  test('bytes values are copies that do not keep the request body alive', () => {
    const body = requestOf(spanBytes(message(9, text(1, 'key'), message(2, bytesField(7, 'aabbcc')))));
    const value = onlySpan(body).attributes.get('key') as Uint8Array;
    assert.equal(value.byteLength, 3);
    assert.equal(value.buffer.byteLength, 3);
    body.fill(0);
    assert.deepStrictEqual(value, Uint8Array.from([0xaa, 0xbb, 0xcc]));
  });

  test('strings: invalid UTF-8 becomes U+FFFD, and similar short strings are not confused', () => {
    const invalid = message(9, text(1, 'key'), message(2, message(1, [0x61, 0xe9, 0x62])));
    assert.equal(onlySpan(requestOf(spanBytes(invalid))).attributes.get('key'), 'a\ufffdb');
    // Same length, first, middle and last byte: the same cache slot, different strings.
    const names = ['aXcdefg', 'aYcdefg', 'é', 'aXcdefg', 'aYcdefg'];
    for (const name of names) assert.equal(onlySpan(requestOf(spanBytes(text(5, name)))).name, name);
    const lone = onlySpan(requestOf(spanBytes(message(5, [0xe9]))));
    assert.equal(lone.name, '\ufffd');
  });

  test('fields may come in any order: a resource after its spans is still the one they share', () => {
    const bytes = Uint8Array.from(
      message(
        1,
        message(2, message(1, text(1, 'scope-after-span')), spanBytes()),
        message(1, message(1, text(1, 'service.name'), message(2, text(1, 'late-resource')))),
        text(3, 'https://opentelemetry.io/schemas/1.26.0'),
      ),
    );
    const { request } = decodeTraceRequestProto(bytes);
    const span = spansOf(request)[0]!;
    assert.equal(span.resource.attributes.get('service.name'), 'late-resource');
    assert.equal(span.resource, request.resourceSpans[0]!.resource);
    assert.equal(request.resourceSpans[0]!.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
    assert.equal(span.scope, request.resourceSpans[0]!.scopeSpans[0]!.scope);
  });

  test('a known field with an unexpected wire type is skipped like an unknown field', () => {
    const span = onlySpan(requestOf(spanBytes(int(5, 7), [...tag(6, 2), 1, 0x09])));
    assert.equal(span.name, 'span');
    assert.equal(span.kind, 0);
  });

  test('truncated at any offset: an OtlpDecodeError exactly when protobufjs fails too, else the same result', () => {
    const bytes = fixtureBytes('vercel-ai');
    let failures = 0;
    for (let end = 0; end < bytes.length; end++) {
      const truncated = bytes.subarray(0, end);
      let expected: ReturnType<typeof decodeWithProtobufjs> | undefined;
      try {
        expected = decodeWithProtobufjs(truncated);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) {
        assert.throws(() => decodeTraceRequestProto(truncated), OtlpDecodeError, `truncated at ${end}`);
        failures++;
      } else assert.deepStrictEqual(decodeTraceRequestProto(truncated), expected, `truncated at ${end}`);
    }
    assert.ok(failures > bytes.length * 0.9, `${failures} of ${bytes.length} truncations failed`);
  });

  test('malformed input throws OtlpDecodeError saying what is wrong and where', () => {
    const cases: [string, number[], RegExp][] = [
      ['wire type 6', [...tag(1, 6)], /invalid wire type 6 \(field 1\) at byte 0/],
      [
        'wire type 7 in a span',
        [...message(1, message(2, message(2, [...tag(20, 7)])))],
        /invalid wire type 7 \(field 20\) at byte 6/,
      ],
      [
        'length beyond the body',
        [...tag(1, 2), 10, 1, 2],
        /length 10 runs past the end of its message \(2 bytes left\) at byte 2/,
      ],
      [
        'length beyond the parent message',
        [...message(1, [...tag(2, 2), 5]), 0, 0, 0, 0, 0],
        /length 5 runs past the end/,
      ],
      ['truncated varint', [...tag(1, 0), 0x80], /truncated varint at byte 1/],
      [
        'varint longer than 10 bytes',
        [...tag(1, 0), ...new Array<number>(10).fill(0xff), 1],
        /varint longer than 10 bytes at byte 1/,
      ],
      ['field number 0', [0x02, 0x00], /invalid field number 0 at byte 0/],
      ['end group without start', [...tag(3, 4)], /end of group 3 without a start at byte 0/],
      ['unterminated group', [...tag(3, 3), ...int(1, 5)], /truncated varint/],
      ['mismatched group end', [...tag(3, 3), ...tag(4, 4)], /group 3 ended by the end tag of 4/],
      ['truncated fixed64', [...message(1, message(2, message(2, [...tag(7, 1), 1, 2])))], /truncated 8-byte field/],
    ];
    for (const [name, bytes, pattern] of cases) {
      assert.throws(
        () => decodeTraceRequestProto(Uint8Array.from(bytes)),
        (error: unknown) => error instanceof OtlpDecodeError && pattern.test(error.message),
        name,
      );
    }
  });

  test('deeply nested AnyValues and groups fail cleanly instead of overflowing the stack', () => {
    let nested: number[] = text(1, 'bottom');
    for (let depth = 0; depth < 200; depth++) nested = message(5, message(1, nested));
    assert.throws(() => attributeOf(nested), /nested deeper than 64 levels/);

    const groups = [...new Array<number[]>(100).fill(tag(9, 3)).flat()];
    assert.throws(() => decodeTraceRequestProto(Uint8Array.from(groups)), /groups nested deeper than 64 levels/);
  });

  test('random corruption of valid requests never throws anything but OtlpDecodeError', () => {
    const rng = new Rng(99);
    const samples = [fixtureBytes('genai-agent'), encodeWithProtobufjs(randomTraceRequest(rng, { maxSpans: 3 }))];
    let decodeErrors = 0;
    for (let round = 0; round < 600; round++) {
      const corrupted = Uint8Array.from(rng.pick(samples));
      for (let flips = rng.int(1, 4); flips > 0; flips--) corrupted[rng.int(0, corrupted.length - 1)] = rng.int(0, 255);
      try {
        decodeTraceRequestProto(corrupted);
      } catch (error) {
        assert.ok(error instanceof OtlpDecodeError, `round ${round}: ${String(error)}`);
        decodeErrors++;
      }
    }
    assert.ok(decodeErrors > 0);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { spansOf, type AttributeValue } from '../../src/core/model';
import { encodeExportResponseJson, encodeStatusJson, encodeTraceRequestJson } from '../../src/core/otlp/jsonEncoders';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';

const FIXTURES = join(__dirname, '..', 'fixtures');

describe('OTLP/JSON encoding', () => {
  test('encodeTraceRequestJson writes OTLP/JSON: hex ids, decimal-string times and ints, typed AnyValues', () => {
    const { request } = decodeTraceRequestJson(readFileSync(join(FIXTURES, 'genai-agent.json'), 'utf8'));
    const json = JSON.parse(encodeTraceRequestJson(request)) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const root = json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(root.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(root.startTimeUnixNano, '1760000000000000000');
    assert.equal(root.parentSpanId, undefined);
    const attributes = root.attributes as { key: string; value: unknown }[];
    assert.deepEqual(attributes.find((attribute) => attribute.key === 'app.session.fingerprint')!.value, {
      bytesValue: '3q2+7wABAgM=',
    });
    assert.deepEqual(attributes.find((attribute) => attribute.key === 'code.line.number')!.value, { intValue: '42' });

    const special = new Map<string, AttributeValue>([
      ['nan', NaN],
      ['inf', -Infinity],
      ['negativeZero', -0],
      ['half', 0.5],
      ['huge', 2n ** 60n],
      ['none', null],
      ['list', [1, 'a']],
      ['map', new Map([['k', true]])],
    ]);
    const span = { ...spansOf(request)[0]!, attributes: special };
    const encoded = encodeTraceRequestJson({
      resourceSpans: [
        { ...request.resourceSpans[0]!, scopeSpans: [{ ...request.resourceSpans[0]!.scopeSpans[0]!, spans: [span] }] },
      ],
    });
    const reencoded = JSON.parse(encoded) as {
      resourceSpans: { scopeSpans: { spans: { attributes: { key: string; value: unknown }[] }[] }[] }[];
    };
    const values = Object.fromEntries(
      reencoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.map((attribute) => [
        attribute.key,
        attribute.value,
      ]),
    );
    assert.deepEqual(values, {
      nan: { doubleValue: 'NaN' },
      inf: { doubleValue: '-Infinity' },
      negativeZero: { doubleValue: '-0' },
      half: { doubleValue: 0.5 },
      huge: { intValue: '1152921504606846976' },
      none: {},
      list: { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] } },
      map: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } },
    });
    assert.deepStrictEqual(spansOf(decodeTraceRequestJson(encoded).request)[0]!.attributes, special);
  });

  test('export responses: {} on success, partialSuccess with rejectedSpans as an int64 string', () => {
    assert.equal(encodeExportResponseJson(), '{}');
    assert.equal(
      encodeExportResponseJson({ rejectedSpans: 3, errorMessage: '3 spans rejected: invalid trace_id or span_id' }),
      '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 spans rejected: invalid trace_id or span_id"}}',
    );
  });

  test('google.rpc.Status as JSON', () => {
    assert.equal(encodeStatusJson(3, 'Invalid OTLP JSON: "x"'), '{"code":3,"message":"Invalid OTLP JSON: \\"x\\""}');
  });
});

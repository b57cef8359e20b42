import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind, StatusCode, type AttributeValue, type Span } from '../../src/core/model';
import type { AiSpanInfo } from '../../src/core/semantics/types';
import {
  attributeValueText,
  displayAttributes,
  isoTime,
  renderMissingSpan,
  renderSpanDetails,
} from '../../src/core/spanDetailsText';
import type { SpanNode } from '../../src/core/store/types';
import { makeLogRecord } from '../support/logBuilder';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const START = 1_767_225_600_000_000_000n; // 2026-01-01T00:00:00Z

function makeSpan(overrides: Partial<Span> = {}): Span {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    parentSpanId: undefined,
    traceState: '',
    flags: 0,
    name: 'chat gpt-4o',
    kind: SpanKind.Client,
    startTimeUnixNano: START,
    endTimeUnixNano: START + 1_250_000_000n,
    attributes: new Map(),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.Unset, message: '' },
    resource: { attributes: new Map([['service.name', 'travel-app']]), droppedAttributesCount: 0 },
    scope: {
      name: 'opentelemetry.instrumentation.openai',
      version: '0.3.0',
      attributes: new Map(),
      droppedAttributesCount: 0,
    },
    ...overrides,
  };
}

function noAi(): AiSpanInfo {
  return {
    kind: 'other',
    convention: undefined,
    provider: undefined,
    requestModel: undefined,
    responseModel: undefined,
    inputTokens: undefined,
    outputTokens: undefined,
    cachedTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
    streaming: undefined,
    ttftMs: undefined,
    tpotMs: undefined,
    ttftSource: undefined,
    tpotSource: undefined,
    tokensSource: undefined,
    tokensEstimated: undefined,
    firstTextMs: undefined,
    longestGapMs: undefined,
    stalls: undefined,
    toolName: undefined,
    agentName: undefined,
    code: undefined,
  };
}

function node(span: Span, ai: Partial<AiSpanInfo> = {}, orphan = false): SpanNode {
  return { span, ai: { ...noAi(), ...ai }, parent: undefined, children: [], orphan };
}

/** The lines of one top-level section (`attributes:` … up to the next blank line). */
function section(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex(
    (line) => line === `${name}:` || line.startsWith(`${name}: `) || line.startsWith(`${name}:  #`),
  );
  assert.ok(start >= 0, `section ${name} in:\n${text}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end === -1 ? undefined : end);
}

function renderAttributes(attributes: [string, AttributeValue][]): string[] {
  return section(renderSpanDetails(node(makeSpan({ attributes: new Map(attributes) }))), 'attributes').slice(1);
}

describe('renderSpanDetails', () => {
  test('summarises what was understood of an LLM call', () => {
    const text = renderSpanDetails(
      node(makeSpan({ status: { code: StatusCode.Error, message: 'rate limited' } }), {
        kind: 'llm',
        convention: 'otel-genai',
        provider: 'openai',
        requestModel: 'gpt-4o',
        responseModel: 'gpt-4o-2024-08-06',
        inputTokens: 340,
        cachedTokens: 128,
        cacheWriteTokens: 64,
        outputTokens: 120,
        reasoningTokens: 30,
        streaming: true,
        ttftMs: 210,
        tpotMs: 8.5,
      }),
    );
    assert.deepEqual(section(text, 'summary'), [
      'summary:',
      '  kind: LLM call',
      '  convention: OpenTelemetry GenAI',
      '  provider: "openai"',
      '  model: "gpt-4o-2024-08-06"',
      '  requestModel: "gpt-4o"',
      '  streaming: true',
      '  inputTokens: 340',
      '  cachedTokens: 128',
      '  cacheWriteTokens: 64',
      '  outputTokens: 120',
      '  reasoningTokens: 30',
      '  ttft: 210 ms',
      '  tpot: 8.5 ms',
      '  duration: 1.25 s',
      '  status: ERROR',
      '  statusMessage: "rate limited"',
    ]);
  });

  test('says which figures were measured at the gateway, which tokens are estimated, and the stream figures', () => {
    const text = renderSpanDetails(
      node(makeSpan(), {
        kind: 'llm',
        inputTokens: 1234,
        outputTokens: 345,
        tokensSource: 'gateway',
        tokensEstimated: true,
        ttftMs: 420,
        ttftSource: 'gateway',
        tpotMs: 12,
        tpotSource: 'span',
        firstTextMs: 1300,
        longestGapMs: 2100,
        stalls: 3,
      }),
    );
    const lines = section(text, 'summary');
    for (const line of [
      '  inputTokens: 1234  # estimated, measured at the gateway',
      '  outputTokens: 345  # estimated, measured at the gateway',
      '  ttft: 420 ms  # measured at the gateway',
      '  tpot: 12 ms',
      '  timeToFirstText: 1.3 s  # measured at the gateway',
      '  longestChunkGap: 2.1 s  # measured at the gateway',
      '  stalls: 3  # 3 stalls over 1 s, measured at the gateway',
    ]) {
      assert.ok(lines.includes(line), `${line} in\n${lines.join('\n')}`);
    }
  });

  test('lists identity, kind and exact times of the span', () => {
    const span = makeSpan({ parentSpanId: '00f067aa0ba902b7', traceState: 'vendor=1', flags: 1 });
    const lines = section(renderSpanDetails(node(span, {}, true)), 'span');
    assert.deepEqual(lines, [
      'span:',
      '  name: "chat gpt-4o"',
      `  traceId: ${TRACE_ID}`,
      `  spanId: ${SPAN_ID}`,
      '  parentSpanId: 00f067aa0ba902b7  # not received (yet)',
      '  kind: CLIENT',
      '  start: 2026-01-01T00:00:00.000000000Z',
      '  end: 2026-01-01T00:00:01.250000000Z',
      '  service: "travel-app"',
      '  traceState: "vendor=1"',
      '  flags: 0x01',
    ]);
  });

  test('shows scalar attributes by type, sorted by key', () => {
    assert.deepEqual(
      renderAttributes([
        ['z.string', 'hello "world"'],
        ['a.int', 42],
        ['b.double', 0.25],
        ['c.bool', false],
        ['d.big', 2n ** 64n],
        ['e.null', null],
        ['f.nan', Number.NaN],
      ]),
      [
        '  a.int: 42',
        '  b.double: 0.25',
        '  c.bool: false',
        '  d.big: 18446744073709551616',
        '  e.null: null',
        '  f.nan: .nan',
        '  z.string: "hello \\"world\\""',
      ],
    );
  });

  test('pretty-prints strings that hold JSON objects or arrays', () => {
    const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
    assert.deepEqual(
      renderAttributes([
        ['gen_ai.input.messages', messages],
        ['not.json', '{oops'],
      ]),
      [
        '  gen_ai.input.messages:  # JSON string, shown parsed',
        '    [',
        '      {',
        '        "role": "user",',
        '        "parts": [',
        '          {',
        '            "type": "text",',
        '            "content": "Hi"',
        '          }',
        '        ]',
        '      }',
        '    ]',
        '  not.json: "{oops"',
      ],
    );
  });

  test('keeps multi-line text readable as a literal block', () => {
    assert.deepEqual(renderAttributes([['exception.stacktrace', 'Traceback:\n  File "a.py", line 1\nError: boom']]), [
      '  exception.stacktrace: |-',
      '    Traceback:',
      '      File "a.py", line 1',
      '    Error: boom',
    ]);
    // Control characters other than newline and tab would be invisible in a block: the quoted form escapes them.
    assert.deepEqual(renderAttributes([['windows.text', 'line one\r\nline two']]), [
      '  windows.text: "line one\\r\\nline two"',
    ]);
  });

  test('nests arrays and maps, keeping short scalar arrays on one line', () => {
    const nested = new Map<string, AttributeValue>([
      ['name', 'get_weather'],
      ['tags', ['a', 'b']],
      ['empty', new Map()],
    ]);
    assert.deepEqual(
      renderAttributes([
        ['list.short', ['stop', 'length']],
        ['list.long', ['x'.repeat(50), 'y'.repeat(50)]],
        ['list.empty', []],
        ['map', nested],
        ['list.of.maps', [new Map([['id', 1]])]],
      ]),
      [
        '  list.empty: []',
        '  list.long:',
        `    - "${'x'.repeat(50)}"`,
        `    - "${'y'.repeat(50)}"`,
        '  list.of.maps:',
        '    -',
        '      id: 1',
        '  list.short: ["stop", "length"]',
        '  map:',
        '    name: "get_weather"',
        '    tags: ["a", "b"]',
        '    empty: {}',
      ],
    );
  });

  test('shows bytes as base64 with their length and hex', () => {
    assert.deepEqual(renderAttributes([['hash', new Uint8Array([0xde, 0xad, 0xbe, 0xef])]]), [
      '  hash: !!binary "3q2+7w=="  # 4 bytes, hex deadbeef',
    ]);
  });

  test('span text cannot change the document structure', () => {
    const span = makeSpan({
      name: 'evil\nsummary: hacked # really',
      attributes: new Map<string, AttributeValue>([
        ['odd key: with colon', 'v'],
        ['line\nbreak', 'v'],
        ['sep', 'a\u2028b'],
      ]),
    });
    const text = renderSpanDetails(node(span));
    assert.equal(text.split('\n')[0], '# evil summary: hacked # really');
    assert.equal(text.split('\n').filter((line) => line.startsWith('summary:')).length, 1);
    assert.deepEqual(section(text, 'attributes').slice(1), [
      '  "line\\nbreak": "v"',
      '  "odd key: with colon": "v"',
      '  sep: "a\\u2028b"',
    ]);
    assert.match(section(text, 'span')[1]!, /^ {2}name: "evil\\nsummary: hacked # really"$/);
  });

  test('shows events in time order relative to the span start, with their attributes', () => {
    const span = makeSpan({
      events: [
        {
          name: 'exception',
          timeUnixNano: START + 900_000_000n,
          attributes: new Map([['exception.type', 'TimeoutError']]),
          droppedAttributesCount: 0,
        },
        {
          name: 'First Token Stream Event',
          timeUnixNano: START + 210_000_000n,
          attributes: new Map(),
          droppedAttributesCount: 0,
        },
      ],
      droppedEventsCount: 2,
    });
    assert.deepEqual(section(renderSpanDetails(node(span)), 'events'), [
      'events:  # 2, times from span start, 2 dropped by the sender',
      '  - name: "First Token Stream Event"',
      '    time: +210 ms',
      '  - name: "exception"',
      '    time: +900 ms',
      '    attributes:  # 1',
      '      exception.type: "TimeoutError"',
    ]);
  });

  test('shows links, resource and scope', () => {
    const span = makeSpan({
      links: [
        {
          traceId: 'ffffffffffffffffffffffffffffffff',
          spanId: '1111111111111111',
          traceState: '',
          attributes: new Map([['link.kind', 'transport']]),
          droppedAttributesCount: 0,
          flags: 0,
        },
      ],
    });
    const text = renderSpanDetails(node(span));
    assert.deepEqual(section(text, 'links'), [
      'links:  # 1',
      '  - traceId: ffffffffffffffffffffffffffffffff',
      '    spanId: 1111111111111111',
      '    attributes:  # 1',
      '      link.kind: "transport"',
    ]);
    assert.deepEqual(section(text, 'resource'), ['resource:', '  attributes:  # 1', '    service.name: "travel-app"']);
    assert.deepEqual(section(text, 'scope'), [
      'scope:',
      '  name: "opentelemetry.instrumentation.openai"',
      '  version: "0.3.0"',
    ]);
    assert.equal(section(renderSpanDetails(node(makeSpan())), 'events')[0], 'events: []');
  });

  test('a span that left the store says so and names its ids', () => {
    const text = renderMissingSpan(TRACE_ID, SPAN_ID);
    assert.match(text, new RegExp(`Span ${SPAN_ID} of trace ${TRACE_ID}`));
    assert.match(text, /no longer held/);
    assert.match(text, /aiTraceLens\.store\.maxSpans/);
  });
});

describe('isoTime', () => {
  test('keeps the nanoseconds OTLP carries', () => {
    assert.equal(isoTime(START + 123_456_789n), '2026-01-01T00:00:00.123456789Z');
    assert.equal(isoTime(0n), '1970-01-01T00:00:00.000000000Z');
  });
});

describe('attributeValueText', () => {
  test('shows strings unquoted, JSON strings pretty-printed, containers as YAML blocks, bytes as base64', () => {
    assert.equal(attributeValueText('say "hi"\nbye'), 'say "hi"\nbye');
    assert.equal(attributeValueText('{"a":1}'), '{\n  "a": 1\n}');
    assert.equal(attributeValueText(12345678901234567890n), '12345678901234567890');
    assert.equal(attributeValueText(['x', 2, true]), '["x", 2, true]');
    assert.equal(
      attributeValueText(
        new Map<string, AttributeValue>([
          ['k', 'v'],
          ['n', [new Map([['a', 1]])]],
        ]),
      ),
      'k: "v"\nn:\n  -\n    a: 1',
    );
    assert.match(attributeValueText(new Uint8Array([1, 2])), /^!!binary "AQI=" {2}# 2 bytes, hex 0102$/);
  });

  test('displayAttributes sorts by key', () => {
    const attributes = new Map<string, AttributeValue>([
      ['b', 1],
      ['a', null],
    ]);
    assert.deepEqual(displayAttributes(attributes), [
      ['a', 'null'],
      ['b', '1'],
    ]);
  });

  test("lists the span's log records with time, severity, event name, body and attributes, as YAML text", () => {
    const startMs = Number(START / 1_000_000n);
    const logs = [
      makeLogRecord({
        timeMs: startMs + 12,
        eventName: 'gen_ai.user.message',
        body: { content: 'Hi <script>alert(1)</script>' },
      }),
      makeLogRecord({
        timeMs: startMs + 40,
        severityNumber: 17,
        body: 'tool failed\nretrying',
        attributes: { 'code.line.number': 42 },
      }),
    ];
    assert.deepEqual(section(renderSpanDetails(node(makeSpan()), logs), 'logs'), [
      'logs:  # 2, times from span start',
      '  - time: +12 ms',
      '    severity: "INFO"',
      '    event: "gen_ai.user.message"',
      '    body:',
      '      content: "Hi <script>alert(1)</script>"',
      '  - time: +40 ms',
      '    severity: "ERROR"',
      '    body: |-',
      '      tool failed',
      '      retrying',
      '    attributes:  # 1',
      '      code.line.number: 42',
    ]);
    assert.deepEqual(section(renderSpanDetails(node(makeSpan())), 'logs'), ['logs: []']);
  });
});

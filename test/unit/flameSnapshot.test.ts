import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlameLayout } from '../../src/core/flame/layout';
import { serializeTrace, traceHeader } from '../../src/core/flame/snapshot';
import { StatusCode } from '../../src/core/model';
import { AI_KINDS } from '../../src/shared/aiKinds';
import { LevelCuller } from '../../src/shared/flame/cull';
import { FlameFlag, SUMMARY_RESOLUTIONS, type FlameAxis } from '../../src/shared/flame/layout';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import { TraceStore } from '../../src/core/store/traceStore';
import {
  decodeSnapshot,
  emptySnapshot,
  FigureFlag,
  spanIdAt,
  type TraceSnapshot,
} from '../../src/shared/flame/snapshot';
import { T0, TOOL, chat, id, indexOf, recordOf, span, type Rect } from '../support/flameSpans';
import { DEFAULT_TRACE_ID, makeSpan } from '../support/spanBuilder';
import { deserializeWebviewMessage, serializeWebviewMessage } from '../webview/webviewWire';
import { gatewaySpan } from './gatewaySpans';

const culler = new LevelCuller();

describe('trace snapshot', () => {
  const spans = [
    span('root', undefined, 0, 1000),
    span('llm', 'root', 100, 400, { ...chat('gpt-4o', 1200, 300), 'gen_ai.usage.cache_read.input_tokens': 1000 }),
    span('tool', 'root', 600, 100, TOOL),
    span('late', 'tool', 650, 200), // ends after its parent: clipped again on the webview side
    makeSpan({
      name: 'mcp fails',
      spanId: id('mcp'),
      parentSpanId: id('root'),
      startMs: T0 + 700,
      durationMs: 50,
      attributes: { 'mcp.method.name': 'tools/call' },
      status: { code: StatusCode.Error, message: 'tool not found' },
    }),
  ];

  function hasNoBigintOrMap(value: unknown, path = 'snapshot'): void {
    assert.notEqual(typeof value, 'bigint', `${path} is a bigint`);
    assert.ok(!(value instanceof Map) && !(value instanceof Set), `${path} is a Map or Set`);
    if (ArrayBuffer.isView(value)) {
      // Typed arrays go to the page as binary: each must own its buffer, which VS Code sends whole.
      assert.equal(value.byteOffset, 0, `${path} is a view into a larger buffer`);
      assert.equal(value.byteLength, value.buffer.byteLength, `${path} is a view into a larger buffer`);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      assert.ok(Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype, `${path} is not plain data`);
      for (const [key, child] of Object.entries(value)) hasNoBigintOrMap(child, `${path}.${key}`);
    }
  }

  /** The snapshot after VS Code's trip to the page: JSON text with the typed arrays' buffers beside it. */
  function delivered(snapshot: TraceSnapshot): TraceSnapshot {
    return deserializeWebviewMessage(serializeWebviewMessage(snapshot)) as TraceSnapshot;
  }

  test('is plain data with typed arrays that survives structured clone and VS Code’s message serialization', () => {
    const snapshot = serializeTrace(recordOf(spans));
    hasNoBigintOrMap(snapshot);
    assert.deepEqual(structuredClone(snapshot), snapshot);
    const wire = serializeWebviewMessage(snapshot);
    assert.equal(
      wire.buffers.length,
      Object.keys(snapshot.columns).length + 1,
      'one binary buffer per column and the ids',
    );
    assert.deepEqual(delivered(snapshot), snapshot);

    // Spans of one name and model add nothing per span to the JSON part: from 500 to 1000 of them, only the digits of
    // the columns' byte lengths change.
    const repeated = Array.from({ length: 1000 }, (_, i) =>
      makeSpan({
        spanId: id(`r${i}`),
        parentSpanId: id('root'),
        name: 'chat',
        startMs: T0 + i,
        durationMs: 1,
        attributes: chat('gpt-4o', 1, 1),
      }),
    );
    const grown = (count: number) =>
      serializeWebviewMessage(serializeTrace(recordOf([...spans, ...repeated.slice(0, count)]))).json.length;
    const perSpan = (grown(1000) - grown(500)) / 500;
    assert.ok(perSpan < 0.1, `${perSpan} JSON characters per span`);
  });

  test('decodes back to the layout the host built, NaN included', () => {
    const record = recordOf(spans);
    const layout = buildFlameLayout(record);
    const snapshot = delivered(serializeTrace(record));
    const decoded = decodeSnapshot(snapshot);
    for (const key of [
      'start',
      'duration',
      'trueStart',
      'trueDuration',
      'depth',
      'kind',
      'flags',
      'parent',
      'ttft',
    ] as const) {
      assert.deepEqual(decoded.layout[key], layout[key], key);
    }
    assert.deepEqual(decoded.layout.levels, layout.levels);
    assert.deepEqual(decoded.layout.levelMaxEnd, layout.levelMaxEnd);
    assert.deepEqual(decoded.layout.summaries, [[], [], []], 'levels this small are culled bar by bar');
    assert.deepEqual(
      Array.from({ length: layout.count }, (_, i) => spanIdAt(snapshot.spanIds, i)),
      layout.spanIds,
    );
    assert.equal(decoded.layout.maxDepth, layout.maxDepth);
    const late = indexOf(layout, 'late');
    assert.ok(decoded.layout.flags[late]! & FlameFlag.Clipped);
    assert.equal(decoded.layout.duration[late], 50);
    assert.equal(decoded.layout.trueDuration[late], 200, 'a clipped span keeps its own duration');
    assert.deepEqual([...snapshot.columns.clipped], [late], 'only clipped spans send their own range');
    const kinds = AI_KINDS.filter((_, kind) => snapshot.presentKinds & (1 << kind));
    assert.deepEqual(
      kinds,
      AI_KINDS.filter((_, kind) => layout.kind.includes(kind)),
      'the legend lists the kinds present',
    );
    assert.ok(kinds.includes('mcp') && kinds.includes('llm'));
    assert.equal(snapshot.presentFlags, FlameFlag.Error | FlameFlag.Clipped, 'one span failed, one was clipped');
    const llm = indexOf(layout, 'llm');
    assert.equal(decoded.inputTokens[llm], 1200);
    assert.equal(decoded.outputTokens[llm], 300);
    assert.equal(decoded.cachedTokens[llm], 1000);
    assert.ok(Number.isNaN(decoded.inputTokens[indexOf(layout, 'tool')]));
  });

  test("carries who measured each span's figures, estimated tokens and the gateway's stream figures", () => {
    const store = new TraceStore({ maxSpans: 100 });
    store.ingest([
      span('root', undefined, 0, 1000),
      span('chat', 'root', 10, 900, { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }),
      gatewaySpan({
        trace: DEFAULT_TRACE_ID,
        id: id('gw'),
        parent: id('chat'),
        start: T0 + 20,
        end: T0 + 880,
        ttft: 0.42,
        tpot: 0.012,
        attributes: {
          [GatewayAttributes.outputTokensEstimated]: true,
          [GatewayAttributes.timeToFirstText]: 1.3,
          [GatewayAttributes.longestChunkGap]: 2.1,
          [GatewayAttributes.stalls]: 3,
        },
      }),
    ]);
    const record = store.getTrace(DEFAULT_TRACE_ID)!;
    const decoded = decodeSnapshot(delivered(serializeTrace(record)));
    const layout = buildFlameLayout(record);
    const [root, chatCall, gateway] = ['root', 'chat', 'gw'].map((name) => indexOf(layout, name));
    const all = FigureFlag.TtftAtGateway | FigureFlag.TpotAtGateway | FigureFlag.TokensAtGateway;
    assert.equal(decoded.figureFlags[chatCall!], all | FigureFlag.TokensEstimated);
    assert.equal(decoded.figureFlags[gateway!], all | FigureFlag.TokensEstimated);
    assert.equal(decoded.figureFlags[root!], 0);
    assert.equal(decoded.layout.ttft[chatCall!], 420);
    assert.ok(Math.abs(decoded.tpot[chatCall!]! - 12) < 1e-5);
    assert.deepEqual(
      [decoded.firstText[chatCall!], decoded.longestGap[chatCall!], decoded.stalls[chatCall!]],
      [1300, 2100, 3],
    );
    for (const column of [decoded.firstText, decoded.longestGap, decoded.stalls]) {
      assert.ok(Number.isNaN(column[root!]), 'unknown where the span has no gateway figures');
    }
  });

  test('carries the level summaries of a large trace to the page', () => {
    const children = Array.from({ length: SUMMARY_RESOLUTIONS[0] + 100 }, (_, i) =>
      span(`c${i}`, 'root', i * 0.2, i % 50 === 0 ? 3 : 0.1, i % 3 === 0 ? chat('gpt-4o', 1, 1) : TOOL),
    );
    const record = recordOf([span('root', undefined, 0, 2000), ...children]);
    const layout = buildFlameLayout(record);
    assert.equal(layout.summaries[0]!.length, 0);
    assert.equal(layout.summaries[1]!.length, SUMMARY_RESOLUTIONS.length);
    const decoded = decodeSnapshot(delivered(serializeTrace(record)));
    assert.deepEqual(decoded.layout.summaries, layout.summaries);
    const draw = (axis: FlameAxis) => {
      const columns = new Int32Array(1000);
      const rects: Rect[] = [];
      const drawn = culler.drawSummarized(axis, 1, 0, layout.totalMs / 1000, 1000, columns, (index, x, width, merged) =>
        rects.push({ index, x, width, merged }),
      );
      assert.ok(drawn, 'a summary applies to the whole trace');
      return { columns, rects };
    };
    const drawn = draw(decoded.layout);
    assert.deepEqual(drawn, draw(layout));
    assert.ok(
      drawn.columns.some((index) => index >= 0),
      'sub-pixel bars are drawn as columns',
    );
    assert.ok(drawn.rects.length > 0, 'wide bars as rectangles');
  });

  test('carries the labels and tooltips text per span, each distinct text once', () => {
    const snapshot = serializeTrace(recordOf([...spans, span('llm2', 'root', 800, 100, chat('gpt-4o', 10, 5))]));
    const text = (column: ArrayLike<number>) => Array.from(column, (index) => snapshot.strings[index]);
    assert.deepEqual(text(snapshot.columns.name), ['root', 'llm', 'tool', 'late', 'mcp fails', 'llm2']);
    assert.deepEqual(text(snapshot.columns.model), ['', 'gpt-4o', '', '', '', 'gpt-4o']);
    assert.deepEqual(text(snapshot.columns.statusMessage), ['', '', '', '', 'tool not found', '']);
    assert.equal(new Set(snapshot.strings).size, snapshot.strings.length);
  });

  test('rejects a column of the wrong length or type', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const withColumn = (key: keyof TraceSnapshot['columns'], value: unknown) =>
      ({ ...snapshot, columns: { ...snapshot.columns, [key]: value } }) as TraceSnapshot;
    assert.throws(
      () => decodeSnapshot(withColumn('flags', snapshot.columns.flags.slice(0, 4))),
      /column flags holds 4 elements, expected 5/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('depth', new Float64Array(snapshot.count))),
      /column depth holds no Uint16Array/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('name', new Float32Array(snapshot.count))),
      /column name holds no string indexes/,
    );
    assert.throws(() => decodeSnapshot({ ...snapshot, spanIds: snapshot.spanIds.slice(1) }), RangeError);
    assert.throws(
      () => decodeSnapshot(withColumn('clippedTrueStart', new Float64Array(0))),
      /column clippedTrueStart holds 0 elements, expected 1/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('figureFlags', new Float32Array(snapshot.count))),
      /column figureFlags holds no Uint8Array/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('stalls', new Float32Array(2))),
      /column stalls holds 2 elements, expected 5/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('levelOrder', snapshot.columns.levelOrder.slice(1))),
      /column levelOrder holds 4 elements/,
    );
  });

  test('rejects level and summary sizes that do not add up to the columns', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const withColumn = (key: keyof TraceSnapshot['columns'], value: Int32Array) => ({
      ...snapshot,
      columns: { ...snapshot.columns, [key]: value },
    });
    assert.throws(
      () => decodeSnapshot(withColumn('levelSizes', Int32Array.of(1, 3, 0))),
      /the levels hold other than 5 spans/,
    );
    assert.throws(
      () => decodeSnapshot(withColumn('levelSizes', Int32Array.of(1, 5, -1))),
      /column levelSizes holds the size -1/,
    );
    const sizes = 3 * SUMMARY_RESOLUTIONS.length;
    const none = () => new Int32Array(sizes).fill(-1);
    const short = new RegExp(`column summaryWideSizes holds ${sizes - 1} elements, expected ${sizes}`);
    assert.throws(() => decodeSnapshot(withColumn('summaryWideSizes', none().subarray(1))), short);
    // The finest summary of depth 1, said to be there with no wide bars: its buckets are not.
    const one = none();
    one[SUMMARY_RESOLUTIONS.length] = 0;
    const missing = new RegExp(`column summaryBest holds 0 elements, expected ${SUMMARY_RESOLUTIONS[0]}`);
    assert.throws(() => decodeSnapshot(withColumn('summaryWideSizes', one)), missing);
  });

  test('a text index outside the table reads as no text rather than failing the page', () => {
    const snapshot = serializeTrace(recordOf(spans));
    const name = snapshot.columns.name.slice();
    name[2] = snapshot.strings.length;
    assert.equal(decodeSnapshot({ ...snapshot, columns: { ...snapshot.columns, name } }).layout.count, 5);
  });

  test('the empty snapshot the page shows while the trace is on its way decodes to no bars', () => {
    const decoded = decodeSnapshot(emptySnapshot(DEFAULT_TRACE_ID));
    assert.equal(decoded.layout.traceId, DEFAULT_TRACE_ID);
    assert.equal(decoded.layout.count, 0);
    assert.deepEqual(decoded.layout.levels, []);
    assert.ok(
      emptySnapshot(DEFAULT_TRACE_ID).version < serializeTrace(recordOf(spans)).version,
      'any real snapshot is newer',
    );
  });

  test('header: duration, call counts, errors and tokens by model', () => {
    const record = recordOf([...spans, span('llm2', 'root', 800, 100, chat('gpt-4o-mini', 10, 5))]);
    const header = traceHeader(record.summary);
    assert.equal(header.rootName, 'root');
    assert.equal(header.startUnixMs, T0);
    assert.equal(header.durationMs, 1000);
    assert.equal(header.spanCount, 6);
    assert.equal(header.errorCount, 1);
    assert.equal(header.llmCalls, 2);
    assert.equal(header.toolCalls, 1);
    assert.equal(header.mcpCalls, 1);
    assert.deepEqual(
      header.byModel.map(({ model, calls, inputTokens, outputTokens }) => [model, calls, inputTokens, outputTokens]),
      [
        ['gpt-4o', 1, 1200, 300],
        ['gpt-4o-mini', 1, 10, 5],
      ],
    );
    assert.notEqual(header.byModel[0], record.summary.byModel[0], 'a copy, not the store’s live object');
  });
});

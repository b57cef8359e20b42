/**
 * What the flame graph webview receives of a trace: typed-array columns (the layout and the per-span numbers its
 * tooltips need) and the per-span text as indexes into one table of unique strings. No bigint, Map or class instance,
 * so it survives structured clone: the host posts it after the page says `ready`, and VS Code (engines >= 1.57) sends
 * the typed arrays' bytes as binary rather than as JSON. Span names repeat (`chat gpt-4o` thousands of times), so the
 * string table keeps the text part small. Colours are not in it: the webview takes them from the active theme.
 */
import { AI_KINDS } from '../semantics/types';
import type { ModelTotals, TokenTotals, TraceRecord, TraceSummary } from '../store/types';
import { buildFlameLayout, clipToParents, concatLevels, levelsFromOrder, ownTokens, type FlameLayout } from './flameLayout';

/** The figures of the flame graph's header line. */
export interface TraceHeader {
  readonly rootName: string;
  readonly service: string | null;
  /** Milliseconds since the epoch. */
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly spanCount: number;
  readonly errorCount: number;
  readonly llmCalls: number;
  readonly toolCalls: number;
  readonly mcpCalls: number;
  /** Summed over llm and embedding spans, as the store counts them. */
  readonly tokens: Readonly<TokenTotals>;
  /** Most tokens first. */
  readonly byModel: readonly Readonly<ModelTotals>[];
}

export function traceHeader(summary: TraceSummary): TraceHeader {
  return {
    rootName: summary.rootName,
    service: summary.service ?? null,
    startUnixMs: Number(summary.startTimeUnixNano / 1_000_000n),
    durationMs: summary.durationMs,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    llmCalls: summary.callCounts.llm,
    toolCalls: summary.callCounts.tool,
    mcpCalls: summary.callCounts.mcp,
    tokens: { ...summary.tokens },
    byModel: summary.byModel.map((totals) => ({ ...totals })),
  };
}

/** Indexes into `TraceSnapshot.strings`: 16-bit while the table has at most 65536 entries, as it nearly always has. */
export type StringIndexes = Uint16Array | Uint32Array;

/**
 * One element per span in layout order (`levelOrder` aside). What the webview derives in one pass is not sent, which
 * keeps the message smaller: the drawn (clipped) bars (the same `clipToParents` from the true times) and the per-span
 * token widths (`ownTokens`). The levels' order is sent, since the page would otherwise sort 100k spans before its
 * first paint.
 */
export interface SnapshotColumns {
  readonly trueStart: Float64Array;
  readonly trueDuration: Float64Array;
  readonly depth: Uint16Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly parent: Int32Array;
  readonly ttft: Float32Array;
  /** NaN when the span does not report it. Float32 holds every count up to 16.7M exactly, far above any context. */
  readonly inputTokens: Float32Array;
  readonly outputTokens: Float32Array;
  readonly cachedTokens: Float32Array;
  /** Ms, NaN when unknown. */
  readonly tpot: Float32Array;
  readonly name: StringIndexes;
  /** Response model, else request model, else ''. */
  readonly model: StringIndexes;
  /** '' when the span's status carries no message. */
  readonly statusMessage: StringIndexes;
  /** The host's `FlameLayout.levels` one after the other (`concatLevels`): span indexes by depth, then by start. */
  readonly levelOrder: Int32Array;
}

export interface TraceSnapshot {
  readonly traceId: string;
  /** The store's version of the trace: a webview drops a snapshot older than the one it shows. */
  readonly version: number;
  readonly header: TraceHeader;
  readonly count: number;
  readonly totalMs: number;
  /**
   * Every span id in layout order as its 8 bytes (the receivers keep only 8-byte ids, as 16 hex digits): binary like
   * the columns, and half the size of the hex text.
   */
  readonly spanIds: Uint8Array;
  /** The distinct texts the `name`, `model` and `statusMessage` columns point into. */
  readonly strings: readonly string[];
  readonly columns: SnapshotColumns;
}

export const SPAN_ID_BYTES = 8;

/** Each span id's hex digits as bytes; an id of another form (no receiver stores one) would come back changed. */
function spanIdBytes(spanIds: readonly string[]): Uint8Array {
  const bytes = new Uint8Array(spanIds.length * SPAN_ID_BYTES);
  for (let i = 0; i < spanIds.length; i++) {
    const id = spanIds[i]!;
    for (let b = 0; b < SPAN_ID_BYTES; b++) bytes[i * SPAN_ID_BYTES + b] = parseInt(id.slice(2 * b, 2 * b + 2), 16);
  }
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The hex span id at `index` of a snapshot's `spanIds`. */
export function spanIdAt(spanIds: Uint8Array, index: number): string {
  let id = '';
  for (let b = index * SPAN_ID_BYTES; b < (index + 1) * SPAN_ID_BYTES; b++) id += HEX[spanIds[b]!];
  return id;
}

/** Interns strings into a table, returning each one's index. */
class StringTable {
  readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();

  index(text: string): number {
    let index = this.indexes.get(text);
    if (index === undefined) {
      index = this.strings.length;
      this.strings.push(text);
      this.indexes.set(text, index);
    }
    return index;
  }
}

function optional(value: number | undefined): number {
  return value ?? NaN;
}

export function serializeTrace(record: TraceRecord): TraceSnapshot {
  const nodes = record.spans();
  const layout = buildFlameLayout(record, nodes);
  const count = layout.count;
  const table = new StringTable();
  const name = new Uint32Array(count);
  const model = new Uint32Array(count);
  const statusMessage = new Uint32Array(count);
  const inputTokens = new Float32Array(count);
  const outputTokens = new Float32Array(count);
  const cachedTokens = new Float32Array(count);
  const tpot = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const { span, ai } = nodes[i]!;
    name[i] = table.index(span.name);
    model[i] = table.index(ai.responseModel ?? ai.requestModel ?? '');
    statusMessage[i] = table.index(span.status.message);
    inputTokens[i] = optional(ai.inputTokens);
    outputTokens[i] = optional(ai.outputTokens);
    cachedTokens[i] = optional(ai.cachedTokens);
    tpot[i] = optional(ai.tpotMs);
  }
  return {
    traceId: layout.traceId,
    version: record.summary.version,
    header: traceHeader(record.summary),
    count,
    totalMs: layout.totalMs,
    spanIds: spanIdBytes(layout.spanIds),
    strings: table.strings,
    columns: {
      trueStart: layout.trueStart,
      trueDuration: layout.trueDuration,
      depth: layout.depth,
      kind: layout.kind,
      flags: layout.flags,
      parent: layout.parent,
      ttft: layout.ttft,
      inputTokens,
      outputTokens,
      cachedTokens,
      tpot,
      name: narrowIndexes(name, table.strings.length),
      model: narrowIndexes(model, table.strings.length),
      statusMessage: narrowIndexes(statusMessage, table.strings.length),
      levelOrder: concatLevels(layout.levels, count),
    },
  };
}

function narrowIndexes(indexes: Uint32Array, tableSize: number): StringIndexes {
  return tableSize <= 0x10000 ? Uint16Array.from(indexes) : indexes;
}

/** A trace of no spans: what the webview shows while the host's snapshot is on its way. */
export function emptySnapshot(traceId: string): TraceSnapshot {
  const none = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };
  const header: TraceHeader = {
    rootName: '',
    service: null,
    startUnixMs: 0,
    durationMs: 0,
    spanCount: 0,
    errorCount: 0,
    llmCalls: 0,
    toolCalls: 0,
    mcpCalls: 0,
    tokens: none,
    byModel: [],
  };
  const columns: SnapshotColumns = {
    trueStart: new Float64Array(0),
    trueDuration: new Float64Array(0),
    depth: new Uint16Array(0),
    kind: new Uint8Array(0),
    flags: new Uint8Array(0),
    parent: new Int32Array(0),
    ttft: new Float32Array(0),
    inputTokens: new Float32Array(0),
    outputTokens: new Float32Array(0),
    cachedTokens: new Float32Array(0),
    tpot: new Float32Array(0),
    name: new Uint16Array(0),
    model: new Uint16Array(0),
    statusMessage: new Uint16Array(0),
    levelOrder: new Int32Array(0),
  };
  return { traceId, version: -1, header, count: 0, totalMs: 0, spanIds: new Uint8Array(0), strings: [], columns };
}

/** The webview's side of a snapshot: the layout again, plus the per-span numbers only tooltips read. */
export interface DecodedSnapshot {
  readonly layout: FlameLayout;
  readonly inputTokens: Float32Array;
  readonly outputTokens: Float32Array;
  readonly cachedTokens: Float32Array;
  readonly tpot: Float32Array;
}

type ColumnType =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/** The column as a `type` of `length` elements; a RangeError names the column when it is not one. */
function column<T extends ColumnType>(columns: SnapshotColumns, key: keyof SnapshotColumns, type: T, length: number): InstanceType<T> {
  const value: unknown = columns[key];
  if (!(value instanceof type)) throw new RangeError(`column ${key} holds no ${type.name}`);
  if (value.length !== length) throw new RangeError(`column ${key} holds ${value.length} elements, expected ${length}`);
  return value as InstanceType<T>;
}

function indexColumn(columns: SnapshotColumns, key: 'name' | 'model' | 'statusMessage', length: number): StringIndexes {
  const value: unknown = columns[key];
  return value instanceof Uint16Array ? column(columns, key, Uint16Array, length) : column(columns, key, Uint32Array, length);
}

/** Largest value of an index column; -1 when empty. */
function maxOf(values: StringIndexes): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * Rebuilds the layout from a snapshot without the store. Checks what came over the wire, since the page must not
 * draw from a column of another length: throws a RangeError when a column is missing, of another type or length,
 * points outside the string table, or the level order lists a span outside its depth or out of start order.
 */
export function decodeSnapshot(snapshot: TraceSnapshot): DecodedSnapshot {
  const { count, columns } = snapshot;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`span count ${String(count)} is not a count`);
  if (typeof columns !== 'object' || columns === null) throw new RangeError('the snapshot has no columns');
  if (!(snapshot.spanIds instanceof Uint8Array) || snapshot.spanIds.length !== count * SPAN_ID_BYTES) {
    throw new RangeError(`span id column holds ${String(snapshot.spanIds?.length)} bytes, expected ${count} × ${SPAN_ID_BYTES}`);
  }
  if (!Array.isArray(snapshot.strings) || !snapshot.strings.every((text) => typeof text === 'string')) {
    throw new RangeError('the string table is not a list of strings');
  }
  for (const key of ['name', 'model', 'statusMessage'] as const) {
    if (maxOf(indexColumn(columns, key, count)) >= snapshot.strings.length) {
      throw new RangeError(`column ${key} points outside the string table`);
    }
  }
  const trueStart = column(columns, 'trueStart', Float64Array, count);
  const trueDuration = column(columns, 'trueDuration', Float64Array, count);
  const parent = column(columns, 'parent', Int32Array, count);
  const flags = column(columns, 'flags', Uint8Array, count);
  const depth = column(columns, 'depth', Uint16Array, count);
  // A parent after its child would read an unclipped range, or one out of bounds.
  for (let i = 0; i < count; i++) {
    if (parent[i]! >= i || parent[i]! < -1) throw new RangeError(`span ${i} has parent ${parent[i]}, not an earlier span`);
  }
  const kind = column(columns, 'kind', Uint8Array, count);
  const inputTokens = column(columns, 'inputTokens', Float32Array, count);
  const outputTokens = column(columns, 'outputTokens', Float32Array, count);
  const tokens = new Float64Array(count);
  for (let i = 0; i < count; i++) tokens[i] = ownTokens(AI_KINDS[kind[i]!] ?? 'other', inputTokens[i]!, outputTokens[i]!);
  const { start, duration } = clipToParents(trueStart, trueDuration, parent, flags);
  const maxDepth = Math.max(0, maxOf(depth));
  const levelOrder = column(columns, 'levelOrder', Int32Array, count);
  const { levels, levelMaxEnd } = levelsFromOrder(levelOrder, start, duration, depth, count === 0 ? 0 : maxDepth + 1);
  const layout: FlameLayout = {
    traceId: snapshot.traceId,
    count,
    start,
    duration,
    trueStart,
    trueDuration,
    depth,
    kind,
    flags,
    parent,
    ttft: column(columns, 'ttft', Float32Array, count),
    tokens,
    maxDepth,
    totalMs: snapshot.totalMs,
    levels,
    levelMaxEnd,
  };
  return {
    layout,
    inputTokens,
    outputTokens,
    cachedTokens: column(columns, 'cachedTokens', Float32Array, count),
    tpot: column(columns, 'tpot', Float32Array, count),
  };
}

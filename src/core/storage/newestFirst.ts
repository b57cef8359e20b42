/**
 * Loads the durable store newest first, for a window that starts with a store on disk: the newest traces appear after
 * the first batch, and loading stops before it would evict anything, leaving a cursor from which `loadOlder` goes on
 * ("Load older traces").
 *
 * Records can only be framed forward (a record's start says where it ends), so each segment is framed whole, newest
 * segment first, and its records are decoded from the last to the first. Spans of consecutive records are ingested
 * together as `older` than everything held (TraceStore, LogStore and MetricStore then keep arrival order), a batch at a
 * time with a turn of the event loop between batches, so the host is never blocked for long.
 */
import { open, readFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Span } from '../model';
import type { LogRecord } from '../otlp/logModel';
import { dataPointCount, type Metric } from '../otlp/metricModel';
import type { LogStore } from '../store/logStore';
import { knownMetric } from '../modelServers/knownMetrics';
import type { ModelServerStore } from '../modelServers/modelServerStore';
import type { MetricStore } from '../store/metricStore';
import type { TraceStore } from '../store/traceStore';
import { describeError } from '../../shared/errors';
import { decodeRecord, type LoadReport } from './loadStore';
import { SEGMENT_HEADER_BYTES } from './segmentFormat';
import { cutTail, frameSegment, listSegments, type FramedSegment } from './segmentReader';

/** Spans ingested at once: large enough that a batch's fixed costs vanish, small enough to keep turns short. */
const SPANS_PER_BATCH = 4096;
/** Records per batch when they hold few spans (logs, metrics). */
const RECORDS_PER_BATCH = 256;

/** A place in the store: a byte offset in the segment with this sequence number. */
export interface StorePosition {
  sequence: number;
  offset: number;
}

export interface NewestFirstOptions {
  /**
   * Stop before the record whose spans would take the trace store past this many spans: nothing is evicted. The trace
   * store's own bound caps it. A record with more spans than the budget leaves room for is never loaded.
   */
  spanBudget: number;
  /** Segments with this sequence number or higher are not read (the owner's own new segment). */
  beforeSequence?: number;
  /** Truncate torn tails (only the window that holds the store's lock may: another process may be writing). */
  repair: boolean;
  /** Called after each batch is ingested (the host refreshes the tree), with the report so far. */
  onBatch?: (report: NewestFirstReport) => void;
}

export interface NewestFirstReport extends LoadReport {
  /** Where a tail continues reading the newest segment: just after its last whole record at load time. */
  end: StorePosition | undefined;
  /** The newest record not loaded (budget reached), from which loadOlder continues; undefined when all was loaded. */
  older: StorePosition | undefined;
}

type Stores = { traces: TraceStore; logs: LogStore; metrics?: MetricStore; modelServers?: ModelServerStore };

/** Loads the store in `dir` newest first, until everything is loaded or the span budget is reached. */
export function loadNewestFirst(dir: string, stores: Stores, options: NewestFirstOptions): Promise<NewestFirstReport> {
  return loadBefore(dir, undefined, stores, options);
}

/**
 * Loads records older than `from`, newest first, with the same budget rule. A position is a boundary between records
 * (`older` is the one just after the record not loaded), so the record there is the first one loaded. `end` is left
 * undefined: tailing starts from the first load's.
 */
export function loadOlder(
  dir: string,
  from: StorePosition,
  stores: Stores,
  options: NewestFirstOptions,
): Promise<NewestFirstReport> {
  return loadBefore(dir, from, stores, options);
}

async function loadBefore(
  dir: string,
  from: StorePosition | undefined,
  stores: Stores,
  options: NewestFirstOptions,
): Promise<NewestFirstReport> {
  const report: NewestFirstReport = {
    segments: 0,
    records: 0,
    damaged: [],
    tornTails: [],
    spans: 0,
    logRecords: 0,
    metricDataPoints: 0,
    undecodable: [],
    end: undefined,
    older: undefined,
  };
  const budget = Math.min(options.spanBudget, stores.traces.spanBound);
  // Model-server counters are rates between scrapes in time order: only the first load, gathered, feeds them.
  const batch = new Batch(stores, report, options.onBatch, from === undefined);
  const before = Math.min(options.beforeSequence ?? Infinity, from === undefined ? Infinity : from.sequence + 1);
  const segments = (await segmentsIn(dir)).filter(({ sequence }) => sequence < before).reverse();
  // The first segment read is the one a writer may be appending to, unless loading older records.
  let newest = from === undefined;
  for (const { sequence, path } of segments) {
    const limit = sequence === from?.sequence ? from.offset : undefined;
    const framed = await readFramed(path, limit);
    if (framed === undefined) continue;
    report.segments++;
    // A limited read ends at a record boundary found before: its tail was dealt with then.
    if (framed.tornAt !== undefined && limit === undefined) {
      const { tornAt } = framed;
      // Without the lock, the newest segment's tail may be a record being written: not reported, tailing reads it.
      if (options.repair || !newest) await cutTail(path, tornAt, framed.bytes - tornAt, options.repair, report);
      if (options.repair && tornAt === 0) continue;
    }
    if (newest) {
      report.end = { sequence, offset: framed.records.at(-1)?.end ?? SEGMENT_HEADER_BYTES };
      newest = false;
    }
    for (let index = framed.records.length - 1; index >= 0; index--) {
      const { offset, end, request } = framed.records[index]!;
      let decoded;
      try {
        decoded = decodeRecord(request);
      } catch (error) {
        report.records++;
        report.undecodable.push(
          `A stored ${request.signal} request at ${path}:${offset} does not decode: ${describeError(error)}`,
        );
        continue;
      }
      if (decoded.signal === 'traces' && stores.traces.spanCount + batch.spans + decoded.spans.length > budget) {
        report.older = { sequence, offset: end };
        // Damage is reported once, by the load that passes it.
        report.damaged.push(...framed.damaged.filter((damaged) => damaged.offset >= end));
        await batch.finish();
        return report;
      }
      report.records++;
      batch.add(decoded);
      if (batch.full) await batch.flush();
    }
    report.damaged.push(...framed.damaged);
  }
  await batch.finish();
  return report;
}

/** The segments in `dir`, oldest first; none when it does not exist (nothing was stored yet). */
async function segmentsIn(dir: string): Promise<{ sequence: number; path: string }[]> {
  try {
    return await listSegments(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The segment's records, up to `limit` bytes when given; undefined when the bounds deleted it meanwhile. */
async function readFramed(path: string, limit: number | undefined): Promise<FramedSegment | undefined> {
  try {
    if (limit === undefined) return frameSegment(path, await readFile(path));
    const handle = await open(path, 'r');
    try {
      const bytes = Buffer.alloc(limit);
      const { bytesRead } = await handle.read(bytes, 0, limit, 0);
      return frameSegment(path, bytes.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Decoded records gathered newest first, ingested oldest first as older than everything held. */
class Batch {
  private spanChunks: Span[][] = [];
  private logChunks: LogRecord[][] = [];
  private metricChunks: Metric[][] = [];
  /** The model servers' metrics of each flush, newest first, added in time order by `finish`. */
  private readonly serverChunks: Metric[][] | undefined;
  private records = 0;
  spans = 0;

  constructor(
    private readonly stores: Stores,
    private readonly report: NewestFirstReport,
    private readonly onBatch: ((report: NewestFirstReport) => void) | undefined,
    feedModelServers: boolean,
  ) {
    this.serverChunks = feedModelServers && stores.modelServers ? [] : undefined;
  }

  get full(): boolean {
    return this.spans >= SPANS_PER_BATCH || this.records >= RECORDS_PER_BATCH;
  }

  add(decoded: ReturnType<typeof decodeRecord>): void {
    this.records++;
    if (decoded.signal === 'traces') {
      this.spanChunks.push(decoded.spans);
      this.spans += decoded.spans.length;
    } else if (decoded.signal === 'logs') this.logChunks.push(decoded.records);
    else this.metricChunks.push(decoded.metrics);
  }

  /** Ingests what was gathered, tells `onBatch`, and lets the event loop turn. */
  async flush(): Promise<void> {
    if (this.records === 0) return;
    const spans = inArrivalOrder(this.spanChunks);
    const logs = inArrivalOrder(this.logChunks);
    const metrics = inArrivalOrder(this.metricChunks);
    this.spanChunks = [];
    this.logChunks = [];
    this.metricChunks = [];
    this.records = 0;
    this.spans = 0;
    if (spans.length > 0) this.stores.traces.ingest(spans, { older: true });
    if (logs.length > 0) this.stores.logs.add(logs, { older: true });
    if (metrics.length > 0) this.stores.metrics?.add(metrics, { older: true });
    if (this.serverChunks !== undefined) {
      const serverMetrics = metrics.filter((metric) => knownMetric(metric.name) !== undefined);
      if (serverMetrics.length > 0) this.serverChunks.push(serverMetrics);
    }
    this.report.spans += spans.length;
    this.report.logRecords += logs.length;
    this.report.metricDataPoints += metrics.reduce((sum, metric) => sum + dataPointCount(metric), 0);
    this.onBatch?.(this.report);
    await yieldToEventLoop();
  }

  /** The last flush, then the model servers' metrics of the whole load, oldest first. */
  async finish(): Promise<void> {
    await this.flush();
    if (this.serverChunks !== undefined && this.serverChunks.length > 0) {
      this.stores.modelServers?.add(inArrivalOrder(this.serverChunks));
    }
  }
}

/** The items of chunks gathered newest first, oldest first (a loop: `flat()` is several times slower in V8). */
function inArrivalOrder<T>(chunks: readonly (readonly T[])[]): T[] {
  const items: T[] = [];
  for (let index = chunks.length - 1; index >= 0; index--) for (const item of chunks[index]!) items.push(item);
  return items;
}

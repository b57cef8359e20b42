/**
 * Log records kept in memory, correlated with spans by their trace and span ids.
 *
 * A record is keyed by its ids when it arrives, whether or not its span has arrived yet (an SDK's log and span
 * batches are exported independently, so logs often come first); readers join by ids when they ask, so nothing has to
 * be re-linked when the span arrives. Records without a trace id are kept too, apart.
 *
 * Bounds: at most `maxRecords` (changed with `setMaxRecords`); beyond, the oldest received are evicted first and
 * counted. A trace's records also go when the trace store evicts that trace (`followTraces`), and all go when it is
 * cleared.
 */
import { Emitter, type Disposable, type Event } from '../events';
import { recordTimeOf, type LogRecord } from '../otlp/logModel';
import { checkBound } from './bound';
import type { StoreChange } from './types';

export interface LogStoreOptions {
  maxRecords: number;
}

/** What one add, eviction or clear changed. */
export interface LogStoreChange {
  /** Traces that gained records, or lost some to the bound ('' stands for records without a trace). */
  readonly updatedTraces: readonly string[];
  readonly cleared: boolean;
}

/** The trace store side `followTraces` needs. */
export interface TraceChanges {
  readonly onDidChange: Event<StoreChange>;
}

/** One stored record; `removed` marks it when its trace went, so the age queue can skip it. */
interface Entry {
  readonly record: LogRecord;
  removed: boolean;
}

/** Records of one trace, by span id ('' for records with only a trace id), each list in arrival order. */
type TraceLogs = Map<string, Entry[]>;

const NO_RECORDS: readonly LogRecord[] = [];

export class LogStore {
  private readonly changeEmitter = new Emitter<LogStoreChange>();
  readonly onDidChange: Event<LogStoreChange> = this.changeEmitter.event;

  private readonly byTrace = new Map<string, TraceLogs>();
  /** Every live entry, oldest first from `head` (removed entries are skipped when reached). */
  private queue: Entry[] = [];
  private head = 0;
  private live = 0;
  private evicted = 0;
  private maxRecords: number;

  constructor(options: LogStoreOptions) {
    this.maxRecords = checkBound('maxRecords', options.maxRecords);
  }

  get recordCount(): number {
    return this.live;
  }

  /** Records evicted to respect `maxRecords` since the store was created or last cleared. */
  get evictedRecords(): number {
    return this.evicted;
  }

  /**
   * With `older`, the records arrived before every record held (the durable store loaded newest first): they go in
   * front, as the first to be evicted, and only as many of the newest of them as the bound leaves room for are kept.
   */
  add(records: readonly LogRecord[], options?: { older?: boolean }): void {
    if (records.length === 0) return;
    const updated = new Set<string>();
    if (options?.older === true) this.addOlder(records, updated);
    else for (const record of records) this.entriesOf(record).push(this.enqueue(record, updated));
    this.evictToFit(updated);
    this.changeEmitter.fire({ updatedTraces: [...updated], cleared: false });
  }

  /** Changes the bound; a lower one evicts the oldest records at once. */
  setMaxRecords(maxRecords: number): void {
    this.maxRecords = checkBound('maxRecords', maxRecords);
    const updated = new Set<string>();
    this.evictToFit(updated);
    if (updated.size > 0) this.changeEmitter.fire({ updatedTraces: [...updated], cleared: false });
  }

  /** The span's records by time (then arrival). */
  forSpan(traceId: string, spanId: string): readonly LogRecord[] {
    if (traceId === '' || spanId === '') return NO_RECORDS;
    const entries = this.byTrace.get(traceId)?.get(spanId);
    return entries ? byTime(entries.map((entry) => entry.record)) : NO_RECORDS;
  }

  /** All records of the trace, those of its spans and those with only its trace id, by time. */
  forTrace(traceId: string): readonly LogRecord[] {
    if (traceId === '') return NO_RECORDS;
    const traceLogs = this.byTrace.get(traceId);
    if (!traceLogs) return NO_RECORDS;
    return byTime([...traceLogs.values()].flatMap((entries) => entries.map((entry) => entry.record)));
  }

  /** Records that name no trace, by time. */
  uncorrelated(): readonly LogRecord[] {
    const entries = this.byTrace.get('')?.get('');
    return entries ? byTime(entries.map((entry) => entry.record)) : NO_RECORDS;
  }

  /** Drops the trace's records (its trace was evicted). */
  removeTrace(traceId: string): void {
    const traceLogs = this.byTrace.get(traceId);
    if (!traceLogs || traceId === '') return;
    this.byTrace.delete(traceId);
    for (const entries of traceLogs.values()) {
      for (const entry of entries) entry.removed = true;
      this.live -= entries.length;
    }
    this.compactIfSparse();
  }

  clear(): void {
    this.byTrace.clear();
    this.queue = [];
    this.head = 0;
    this.live = 0;
    this.evicted = 0;
    this.changeEmitter.fire({ updatedTraces: [], cleared: true });
  }

  /** Removes a trace's records when the trace store evicts it, and everything when it is cleared. */
  followTraces(traces: TraceChanges): Disposable {
    return traces.onDidChange((change) => {
      if (change.cleared) this.clear();
      else for (const traceId of change.removed) this.removeTrace(traceId);
    });
  }

  /** The list the record's entry goes to, created if it is the first of its span. */
  private entriesOf(record: LogRecord): Entry[] {
    let traceLogs = this.byTrace.get(record.traceId);
    if (!traceLogs) {
      traceLogs = new Map();
      this.byTrace.set(record.traceId, traceLogs);
    }
    let entries = traceLogs.get(record.spanId);
    if (!entries) {
      entries = [];
      traceLogs.set(record.spanId, entries);
    }
    return entries;
  }

  /** A live entry for the record, at the end of the age queue. */
  private enqueue(record: LogRecord, updated: Set<string>): Entry {
    const entry: Entry = { record, removed: false };
    this.queue.push(entry);
    this.live++;
    updated.add(record.traceId);
    return entry;
  }

  /** Puts the newest records that fit in front of those held; the others count as evicted. */
  private addOlder(records: readonly LogRecord[], updated: Set<string>): void {
    const kept = records.slice(records.length - Math.min(records.length, Math.max(0, this.maxRecords - this.live)));
    this.evicted += records.length - kept.length;
    const held = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    // Each list gains its new entries in front at once: one by one would be quadratic for the records of no trace.
    const additions = new Map<Entry[], { record: LogRecord; added: Entry[] }>();
    for (const record of kept) {
      const entries = this.entriesOf(record);
      let addition = additions.get(entries);
      if (!addition) {
        addition = { record, added: [] };
        additions.set(entries, addition);
      }
      addition.added.push(this.enqueue(record, updated));
    }
    for (const [entries, { record, added }] of additions) {
      this.byTrace.get(record.traceId)!.set(record.spanId, added.concat(entries));
    }
    this.queue = this.queue.concat(held);
  }

  /** Evicts the oldest records past the bound, adding their traces to `updated`. */
  private evictToFit(updated: Set<string>): void {
    while (this.live > this.maxRecords) {
      const entry = this.queue[this.head++]!;
      if (entry.removed) continue;
      this.removeEntry(entry);
      updated.add(entry.record.traceId);
      this.evicted++;
    }
    this.compactIfSparse();
  }

  /** The oldest entry of its list is nearly always first in it, so this is O(1) in practice. */
  private removeEntry(entry: Entry): void {
    const { traceId, spanId } = entry.record;
    const traceLogs = this.byTrace.get(traceId)!;
    const entries = traceLogs.get(spanId)!;
    entries.splice(entries.indexOf(entry), 1);
    if (entries.length === 0) {
      traceLogs.delete(spanId);
      if (traceLogs.size === 0) this.byTrace.delete(traceId);
    }
    entry.removed = true;
    this.live--;
  }

  /** Drops consumed and removed entries from the queue once they are most of it, so it stays O(live). */
  private compactIfSparse(): void {
    const held = this.queue.length - this.head;
    if (held < 1024 || held < 2 * this.live) return;
    this.queue = this.queue.slice(this.head).filter((entry) => !entry.removed);
    this.head = 0;
  }
}

function byTime(records: LogRecord[]): LogRecord[] {
  // Array sort is stable: records with the same time stay in arrival order.
  return records.sort((a, b) => {
    const timeA = recordTimeOf(a);
    const timeB = recordTimeOf(b);
    return timeA < timeB ? -1 : timeA > timeB ? 1 : 0;
  });
}

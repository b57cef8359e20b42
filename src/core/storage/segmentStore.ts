/**
 * The durable store: every received OTLP request appended to rotating segment files in one directory (format:
 * segmentFormat.ts; reading back: segmentReader.ts).
 *
 * Durability: `append` resolves once the record has been handed to the operating system (an fs write), so a request
 * the receiver answered 200 survives the process being killed. The files are fsynced at least every second while
 * there are unsynced writes, when a segment is rotated, and on `close`, so a power loss costs at most about a second.
 *
 * Bounds: segments rotate at `segmentBytes`, or at half of `maxBytes` when that is smaller, so that the newest segment
 * fits the bound; at open and after each rotation the oldest segments are deleted while the total is over `maxBytes`
 * or their newest record is older than `maxAgeMs` (a segment from an earlier run counts its file's modification time
 * as its newest record).
 *
 * Writes are serialized; the appends that arrive while a write is in progress are written together by the next one (one
 * writev), so a busy receiver pays one system call per write rather than per request. The timed fsync runs beside the
 * writes rather than in their queue, so appends never wait for the disk. A write that fails (disk full, no permission,
 * read-only) is said once through the log and the store stops writing: `append` then resolves at once, so receiving
 * goes on in memory, and `failure` says why.
 */
import { mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReceiverLog } from '../receiver/options';
import { NO_LOG } from '../receiver/options';
import type { OtlpSignal } from '../receiver/signals';
import { describeError } from '../../shared/errors';
import { recordHead, segmentHeader, type BodyEncoding, type StoredRequest } from './segmentFormat';
import { listSegments, readSegments, segmentFileName, type ReadReport, type RecordVisitor } from './segmentReader';

export const DEFAULT_STORE_MAX_BYTES = 2 * 1024 * 1024 * 1024;
export const DEFAULT_STORE_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** The longest an acknowledged write waits for its fsync. */
export const SYNC_INTERVAL_MS = 1000;

export interface SegmentStoreOptions {
  maxBytes?: number;
  maxAgeMs?: number;
  segmentBytes?: number;
  log?: ReceiverLog;
  /** The clock the age bound is measured with (tests move it). */
  now?: () => number;
}

interface Segment {
  sequence: number;
  path: string;
  bytes: number;
  newestMs: number;
}

export class SegmentStore {
  private maxBytes: number;
  private maxAgeMs: number;
  private readonly segmentBytes: number;
  private readonly log: ReceiverLog;
  private readonly now: () => number;
  /** Oldest first; the last one is being written when `handle` is set. */
  private segments: Segment[] = [];
  private nextSequence = 1;
  private handle: FileHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Appends waiting for the queued write that will take them all, and its promise. */
  private waiting: { requests: StoredRequest[]; written: Promise<void> } | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  /** The timed fsync in progress, if any: the segment is closed only after it. */
  private syncing: Promise<void> = Promise.resolve();
  private unsynced = false;
  private failed: string | undefined;
  private closed = false;
  /** The first sequence number this store writes: older segments were there when it opened. */
  private ownFrom = 1;

  private constructor(
    readonly dir: string,
    options: SegmentStoreOptions,
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_STORE_MAX_BYTES;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_STORE_MAX_AGE_MS;
    // A segment larger than the bound would be deleted as soon as it rotates, newest records and all.
    this.segmentBytes = Math.min(options.segmentBytes ?? DEFAULT_SEGMENT_BYTES, Math.floor(this.maxBytes / 2));
    this.log = options.log ?? NO_LOG;
    this.now = options.now ?? Date.now;
  }

  /** The store in `dir` (created if missing). It never rejects: a directory it cannot use leaves it failed. */
  static async open(dir: string, options: SegmentStoreOptions = {}): Promise<SegmentStore> {
    const store = new SegmentStore(dir, options);
    await store.serialized(() => store.guarded(() => store.scan()));
    return store;
  }

  /** Why the store stopped writing, if it did. */
  get failure(): string | undefined {
    return this.failed;
  }

  /** Segments from this sequence number on were written by this store; older ones were there when it opened. */
  get firstOwnSequence(): number {
    return this.ownFrom;
  }

  /** The newest segment's sequence number (0 while there is none): what a Clear now would clear through. */
  get newestSequence(): number {
    return this.segments.at(-1)?.sequence ?? this.nextSequence - 1;
  }

  /** The segment files and their total size, as this store knows them. */
  get size(): { segments: number; bytes: number } {
    return { segments: this.segments.length, bytes: this.segments.reduce((sum, segment) => sum + segment.bytes, 0) };
  }

  /** Resolves once the request is handed to the OS, or at once when the store has failed or is closed. */
  append(signal: OtlpSignal, encoding: BodyEncoding, body: Uint8Array, receivedAtMs: number): Promise<void> {
    if (this.failed !== undefined || this.closed) return Promise.resolve();
    const request = { signal, encoding, body, receivedAtMs };
    if (this.waiting) {
      this.waiting.requests.push(request);
      return this.waiting.written;
    }
    const requests = [request];
    const written = this.serialized(() => {
      // From here on, appends wait for the next write.
      this.waiting = undefined;
      return this.guarded(() => this.write(requests));
    });
    this.waiting = { requests, written };
    return written;
  }

  /** Fsyncs what was written. */
  flush(): Promise<void> {
    return this.serialized(() => this.guarded(() => this.sync()));
  }

  /** Every stored record, oldest first, after the writes queued before; torn tails are cut off. */
  readAll(visit: RecordVisitor): Promise<ReadReport> {
    return this.serialized(() => readSegments(this.dir, visit, true));
  }

  /** Deletes every segment; the next append starts a new one. */
  clear(): Promise<void> {
    return this.clearThrough(Number.MAX_SAFE_INTEGER);
  }

  /** Deletes the segments up to sequence number `through`; appends go on in a newer segment. */
  clearThrough(through: number): Promise<void> {
    return this.serialized(() =>
      this.guarded(async () => {
        if ((this.segments.at(-1)?.sequence ?? 0) <= through) await this.closeSegment(false);
        for (const { sequence, path } of await listSegments(this.dir)) {
          if (sequence <= through) await rm(path, { force: true });
        }
        this.segments = this.segments.filter((segment) => segment.sequence > through);
        if (through < Number.MAX_SAFE_INTEGER) this.nextSequence = Math.max(this.nextSequence, through + 1);
      }),
    );
  }

  /** New size and age bounds, applied at once. */
  setBounds(bounds: { maxBytes: number; maxAgeMs: number }): Promise<void> {
    this.maxBytes = bounds.maxBytes;
    this.maxAgeMs = bounds.maxAgeMs;
    return this.serialized(() => this.guarded(() => this.enforceBounds()));
  }

  /** Fsyncs and closes; later appends are dropped. */
  close(): Promise<void> {
    return this.serialized(async () => {
      this.closed = true;
      await this.guarded(() => this.closeSegment(true));
    });
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a file operation; its failure fails the store instead of reaching the caller. */
  private async guarded(operation: () => Promise<void>): Promise<void> {
    if (this.failed !== undefined) return;
    try {
      await operation();
    } catch (error) {
      await this.fail(error);
    }
  }

  private async scan(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const { sequence, path } of await listSegments(this.dir)) {
      const { size, mtimeMs } = await stat(path);
      this.segments.push({ sequence, path, bytes: size, newestMs: mtimeMs });
      this.nextSequence = sequence + 1;
    }
    this.ownFrom = this.nextSequence;
    await this.enforceBounds();
  }

  private async write(requests: readonly StoredRequest[]): Promise<void> {
    if (this.closed) return;
    const segment = this.segments.at(-1);
    if (!this.handle || !segment) return this.startSegment().then(() => this.write(requests));
    const buffers: Uint8Array[] = [];
    let expected = 0;
    for (const request of requests) {
      const head = recordHead(request);
      buffers.push(head, request.body);
      expected += head.length + request.body.length;
      segment.newestMs = Math.max(segment.newestMs, request.receivedAtMs);
    }
    const { bytesWritten } = await this.handle.writev(buffers);
    if (bytesWritten !== expected) throw new Error(`only ${bytesWritten} of ${expected} bytes were written`);
    segment.bytes += expected;
    this.unsynced = true;
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      this.syncBeside();
    }, SYNC_INTERVAL_MS).unref();
    if (segment.bytes >= this.segmentBytes) {
      await this.closeSegment(true);
      await this.enforceBounds();
    }
  }

  /** The timed fsync, outside the queue: writes go on meanwhile, and a failure fails the store as a write's would. */
  private syncBeside(): void {
    const handle = this.handle;
    if (!this.unsynced || !handle) return;
    this.unsynced = false;
    this.syncing = handle.datasync().catch(async (error: unknown) => {
      if (this.failed === undefined) await this.fail(error);
    });
  }

  private async startSegment(): Promise<void> {
    const sequence = this.nextSequence++;
    const path = join(this.dir, segmentFileName(sequence));
    const handle = await open(path, 'wx');
    const header = segmentHeader();
    try {
      await handle.write(header);
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    // Without records it has no age to keep it.
    this.segments.push({ sequence, path, bytes: header.length, newestMs: -Infinity });
  }

  private async sync(): Promise<void> {
    await this.syncing;
    if (!this.unsynced || !this.handle) return;
    this.unsynced = false;
    await this.handle.datasync();
  }

  private async closeSegment(sync: boolean): Promise<void> {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    const handle = this.handle;
    if (!handle) return;
    this.handle = undefined;
    await this.syncing;
    try {
      if (sync && this.unsynced) await handle.datasync();
      this.unsynced = false;
    } finally {
      await handle.close();
    }
  }

  /** Deletes the oldest closed segments while the store is over its size or they are over its age. */
  private async enforceBounds(): Promise<void> {
    const oldestKept = this.now() - this.maxAgeMs;
    let total = this.size.bytes;
    while (this.segments.length > (this.handle ? 1 : 0)) {
      const oldest = this.segments[0]!;
      if (total <= this.maxBytes && oldest.newestMs >= oldestKept) return;
      await rm(oldest.path, { force: true });
      this.segments.shift();
      total -= oldest.bytes;
    }
  }

  private async fail(error: unknown): Promise<void> {
    this.failed = describeError(error);
    this.log.error(
      `The trace store in ${this.dir} cannot be written, so what is received is kept in memory only: ${this.failed}`,
    );
    const handle = this.handle;
    this.handle = undefined;
    clearTimeout(this.syncTimer);
    await handle?.close().catch(() => undefined);
  }
}

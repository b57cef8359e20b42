/**
 * Durable storage as the extension uses it: one store directory shared by every VS Code window of the user.
 *
 * The window holding the directory's lock (storeLock.ts) is the owner: its receivers and gateway listen, and it
 * appends what they take to the segments before answering. Every other window follows: its servers stay stopped and
 * show the owner's state (owner.json), and it reads the segments as they grow (storeTail.ts), so what the owner
 * receives shows everywhere within a poll. A follower tries the lock at every poll: when the owner closes (its lock is
 * released) or crashes (its lock goes stale), one follower takes over the ports and the writing.
 *
 * At start every window loads the store newest first, up to its memory bound, in batches that yield to the event
 * loop (newestFirst.ts); what did not fit stays on disk for `loadOlder`. Pause and Clear act in every window through
 * control.json (sharedFiles.ts). When the directory cannot be used, the window receives in memory alone, as before.
 *
 * What a window makes itself (replays, judge calls and their evaluation events) goes the way received data goes
 * (`recordSpans`, `recordLogs`): the owner ingests and appends it as it does the gateway's spans; a follower posts it
 * to the owner's receiver, which appends it before answering, and reads it back from the segments like anything else,
 * so no window ingests it twice.
 */
import { mkdir } from 'node:fs/promises';
import { Emitter, type Event } from '../events';
import { GATEWAY_STATE_KINDS, type GatewayState, type GatewaySupervisor } from '../gateway/gatewaySupervisor';
import { endpointUrl } from '../endpoint';
import { traceRequestOf, traceRequestOfSpans, type Span } from '../model';
import { encodeTraceRequestJson } from '../otlp/jsonEncoders';
import { logsRequestOf, type LogRecord } from '../otlp/logModel';
import { encodeLogsRequestJson } from '../otlp/logsJson';
import { postOtlp } from '../postTraces';
import { WINDOW_RECORD_HEADER, type ReceiverLog } from '../receiver/options';
import type { OtlpSignal } from '../receiver/signals';
import {
  RECEIVER_STATE_KINDS,
  type ReceiverState,
  type ReceiverStores,
  type ReceiverSupervisor,
} from '../receiver/receiverSupervisor';
import { describeError } from '../../shared/errors';
import { loadNewestFirst, loadOlder, type NewestFirstReport, type StorePosition } from './newestFirst';
import { NO_CONTROL, parseControl, SharedFile, type SharedControl } from './sharedFiles';
import { listSegments, type DamagedRecord } from './segmentReader';
import { SegmentStore } from './segmentStore';
import type { StorageSettings } from './storageSettings';
import { StoreLock } from './storeLock';
import { StoreTail } from './storeTail';
import { ingestStored, type LoadReport } from './loadStore';
import type { StoredRequest } from './segmentFormat';

/** How often a follower reads new records and the shared files, and tries the lock. */
const FOLLOW_POLL_MS = 250;

/** `memory`: storage is off or unusable, so this window receives on its own, in memory. */
export type WindowRole = 'starting' | 'owner' | 'follower' | 'memory';

export interface SharedStoreOptions {
  /** The store directory; undefined when storage is turned off. */
  dir: string | undefined;
  stores: ReceiverStores;
  receiver: ReceiverSupervisor;
  gateway: GatewaySupervisor;
  log: ReceiverLog;
  bounds: Omit<StorageSettings, 'enabled'>;
  /** Told once when the store cannot be written (disk full, no permission): receiving goes on in memory. */
  onWriteFailure?: (message: string) => void;
  /** How many spans memory holds (the trace store's bound): what the first load and each `loadOlder` bring. */
  spanBudget: () => number;
}

interface OwnerState {
  receiver: ReceiverState;
  gateway: GatewayState;
}

const utf8 = new TextEncoder();

export class SharedStore {
  private readonly changeEmitter = new Emitter<void>();
  /** The role, the loading state or what is left on disk changed. */
  readonly onDidChange: Event<void> = this.changeEmitter.event;

  private currentRole: WindowRole = 'starting';
  private lock: StoreLock | undefined;
  private segments: SegmentStore | undefined;
  private tail: StoreTail | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  /** Loading, following, clearing and taking over run one at a time: a Clear never interleaves with a read. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly control: SharedFile<SharedControl>;
  private readonly owner: SharedFile<OwnerState>;
  private controlState: SharedControl = NO_CONTROL;
  private publishing: Promise<void> = Promise.resolve();
  private older: StorePosition | undefined;
  private loads = 0;
  private closed = false;
  private readonly stateListeners: { dispose(): void }[] = [];

  private readonly dir: string;

  constructor(private readonly options: SharedStoreOptions) {
    this.dir = options.dir ?? '';
    this.control = new SharedFile(this.dir, 'control.json', parseControl);
    this.owner = new SharedFile(this.dir, 'owner.json', parseOwnerState);
  }

  get role(): WindowRole {
    return this.currentRole;
  }

  /** The store's directory, unless this window keeps its traces in memory only (storage off, or unusable). */
  get directory(): string | undefined {
    return this.currentRole === 'memory' ? undefined : this.options.dir;
  }

  /** Whether older traces are on disk that memory has not loaded. */
  get hasOlderOnDisk(): boolean {
    return this.older !== undefined;
  }

  /** Why this window's writes to the store stopped, if they did: it then receives in memory only. */
  get writeFailure(): string | undefined {
    return this.segments?.failure;
  }

  /** Whether the store is being loaded into memory. */
  get isLoading(): boolean {
    return this.loads > 0;
  }

  /** Takes this window's role, starts its servers if it owns the store, and loads the store newest first. */
  async start(): Promise<void> {
    const { receiver, gateway, log } = this.options;
    const dir = this.dir;
    if (this.options.dir === undefined) {
      this.setRole('memory');
      await Promise.all([receiver.restart(), gateway.restart()]);
      return;
    }
    // No server starts before this window knows whether another one runs them.
    void receiver.follow();
    void gateway.follow();
    try {
      await mkdir(dir, { recursive: true });
      this.lock = await StoreLock.tryAcquire(dir, this.onLockLost);
    } catch (error) {
      log.error(`The trace store in ${dir} cannot be used, so traces are kept in memory only: ${describeError(error)}`);
      this.setRole('memory');
      await Promise.all([receiver.lead(), gateway.lead()]);
      return;
    }
    this.controlState = (await this.control.readIfChanged()) ?? NO_CONTROL;
    // Pause lasts while a window is open: the first window of a session starts receiving.
    if (this.lock && this.controlState.paused) await this.writeControl({ ...this.controlState, paused: false });
    receiver.setPaused(this.controlState.paused);
    if (this.lock) {
      await this.becomeOwner();
      await this.serialized(() => this.load(() => loadNewestFirst(dir, this.options.stores, this.loadOptions(true))));
    } else {
      await this.readOwnerState();
      await this.serialized(async () => {
        const report = await this.load(() => loadNewestFirst(dir, this.options.stores, this.loadOptions(false)));
        if (!this.closed && this.currentRole === 'starting') this.follow(report.end);
      });
    }
    this.timer = setInterval(() => void this.poll(), FOLLOW_POLL_MS);
  }

  /**
   * Spans this window made (a replay's, a judge's): in this window's trace store when this resolves, and kept and shown
   * in every window like received spans while the store is shared.
   */
  recordSpans(spans: readonly Span[]): Promise<void> {
    if (spans.length === 0) return Promise.resolve();
    const json = encodeTraceRequestJson(traceRequestOfSpans(spans));
    return this.recordOwn('traces', json, () => void this.options.stores.traces.ingest(spans));
  }

  /** Log records this window made (evaluation events), as `recordSpans` does spans. */
  recordLogs(records: readonly LogRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const json = encodeLogsRequestJson(logsRequestOf(records));
    return this.recordOwn('logs', json, () => this.options.stores.logs.add([...records]));
  }

  /** Empties memory in every window, and the disk. */
  clear(): Promise<void> {
    return this.serialized(async () => {
      if (this.currentRole === 'memory') return this.options.stores.traces.clear();
      const through = this.segments
        ? this.segments.newestSequence
        : Math.max(0, ...(await listSegments(this.dir).catch(() => [])).map((segment) => segment.sequence));
      await this.applyClear(through);
      await this.writeControl({ ...this.controlState, clearedThrough: through });
    });
  }

  /** Pauses or resumes receiving, in every window. */
  async setPaused(paused: boolean): Promise<void> {
    this.options.receiver.setPaused(paused);
    if (this.currentRole === 'memory') return;
    await this.writeControl({ ...this.controlState, paused });
  }

  /** Loads the next older traces from disk, as many as memory's bound again, raising the bound by what was loaded. */
  loadOlder(): Promise<LoadReport | undefined> {
    return this.serialized(async () => {
      const from = this.older;
      if (from === undefined) return undefined;
      const { traces } = this.options.stores;
      traces.setMaxSpans(traces.spanCount + this.options.spanBudget());
      return this.load(() =>
        loadOlder(this.dir, from, this.options.stores, {
          ...this.loadOptions(this.currentRole === 'owner'),
          spanBudget: traces.spanBound,
        }),
      );
    });
  }

  /** New size and age bounds for the disk. */
  async setBounds(bounds: Omit<StorageSettings, 'enabled'>): Promise<void> {
    this.options.bounds = bounds;
    await this.segments?.setBounds(bounds);
  }

  /** Stops following or owning: the owner's servers must be stopped first, so a follower can take its ports. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.queue;
    for (const listener of this.stateListeners.splice(0)) listener.dispose();
    await this.segments?.close();
    await this.lock?.release();
    this.segments = undefined;
    this.lock = undefined;
    this.changeEmitter.dispose();
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private readonly onLockLost = (reason: string) => void this.serialized(() => this.loseOwnership(reason));

  private loadOptions(repair: boolean) {
    return {
      spanBudget: this.options.spanBudget(),
      repair,
      ...(this.segments && { beforeSequence: this.segments.firstOwnSequence }),
      onBatch: () => this.changeEmitter.fire(),
    };
  }

  private async load(run: () => Promise<NewestFirstReport>): Promise<NewestFirstReport> {
    this.loads++;
    this.changeEmitter.fire();
    try {
      const report = await run();
      this.older = report.older;
      this.reportDamage(report.damaged);
      for (const problem of report.undecodable) this.options.log.warn(problem);
      return report;
    } finally {
      this.loads--;
      this.changeEmitter.fire();
    }
  }

  private async becomeOwner(): Promise<void> {
    const { receiver, gateway, log, bounds, stores } = this.options;
    const dir = this.dir;
    const onWriteFailure = this.options.onWriteFailure;
    // The store says why it failed through its log's one error; the host shows that too.
    const storeLog: ReceiverLog = {
      ...log,
      error: (message) => {
        log.error(message);
        onWriteFailure?.(message);
      },
    };
    const segments = await SegmentStore.open(dir, { ...bounds, log: storeLog });
    this.segments = segments;
    receiver.setRecording(({ signal, encoding, body }) => segments.append(signal, encoding, body, Date.now()));
    // The gateway ingests its spans itself, as the receivers do what they take: the segments are all that is left.
    gateway.setRecording(
      (span) => void this.appendOwn(segments, 'traces', encodeTraceRequestJson(traceRequestOf(span))),
    );
    this.stateListeners.push(
      receiver.onDidChangeState(() => void this.publishOwnerState()),
      gateway.onDidChangeState(() => void this.publishOwnerState()),
    );
    this.setRole('owner');
    if (stores.traces.spanCount === 0) log.info(`Traces are kept in ${dir}.`);
    await Promise.all([receiver.lead(), gateway.lead()]);
    await this.publishOwnerState();
  }

  private follow(from: StorePosition | undefined): void {
    const { stores } = this.options;
    const dir = this.dir;
    const ingest = (request: StoredRequest) => {
      try {
        ingestStored(request, stores);
      } catch (error) {
        this.options.log.warn(`A stored ${request.signal} request does not decode: ${describeError(error)}`);
      }
    };
    this.tail = new StoreTail(dir, from, ingest, (damage) => this.reportDamage([damage]));
    this.setRole('follower');
  }

  private appendOwn(segments: SegmentStore, signal: OtlpSignal, json: string): Promise<void> {
    return segments.append(signal, 'json', utf8.encode(json), Date.now());
  }

  /**
   * The owner ingests and appends, as the gateway's spans go. A follower posts to the owner's receiver (the segment
   * files have one writer), then reads the segments at once, so the data reaches its memory the one way the owner's
   * does; when the owner cannot take it (receiving paused or off, the owner gone), this window keeps it in memory.
   */
  private async recordOwn(signal: OtlpSignal, json: string, ingest: () => void): Promise<void> {
    const segments = this.segments;
    if (this.currentRole === 'owner' && segments) {
      ingest();
      return this.appendOwn(segments, signal, json);
    }
    if (this.currentRole === 'follower' && (await this.sendToOwner(signal, json))) {
      await this.serialized(async () => {
        if (this.tail && (await this.tail.read()) > 0) this.changeEmitter.fire();
      });
      return;
    }
    ingest();
  }

  private async sendToOwner(signal: OtlpSignal, json: string): Promise<boolean> {
    const { kind, host, port } = this.options.receiver.state;
    if (kind !== 'listening') {
      this.options.log.info(`The window receiving traces is not receiving (${kind}): this window keeps its ${signal}.`);
      return false;
    }
    try {
      const response = await postOtlp(endpointUrl(host, port), signal, json, 'application/json', undefined, {
        [WINDOW_RECORD_HEADER]: '1',
      });
      if (response.status === 200) return true;
      this.options.log.warn(
        `The window receiving traces refused this window's ${signal} (HTTP ${response.status}): this window keeps them.`,
      );
    } catch (error) {
      this.options.log.warn(
        `The window receiving traces could not be reached, so this window keeps its ${signal}: ${describeError(error)}`,
      );
    }
    return false;
  }

  /** A follower's poll: new records, the shared files, and the lock; the owner's: the shared files. */
  private poll(): void {
    if (this.polling || this.closed) return;
    this.polling = this.serialized(() => this.pollOnce())
      .catch((error: unknown) => this.options.log.error(`Following the trace store failed: ${describeError(error)}`))
      .finally(() => (this.polling = undefined));
  }

  private async pollOnce(): Promise<void> {
    await this.readControl();
    if (this.currentRole !== 'follower' || this.closed) return;
    if (this.tail && (await this.tail.read()) > 0) this.changeEmitter.fire();
    await this.readOwnerState();
    const lock = await StoreLock.tryAcquire(this.dir, this.onLockLost);
    if (lock === undefined) return;
    if (this.closed) return void lock.release();
    this.lock = lock;
    // The last owner has closed its segment: read what it wrote last before writing after it.
    await this.tail?.read();
    this.tail = undefined;
    this.options.log.info('The VS Code window that received traces closed: this window receives them now.');
    await this.becomeOwner();
  }

  private async readControl(): Promise<void> {
    const control = await this.control.readIfChanged();
    if (control === undefined) return;
    const previous = this.controlState;
    this.controlState = control;
    if (control.paused !== previous.paused) this.options.receiver.setPaused(control.paused);
    if (control.clearedThrough > previous.clearedThrough) await this.applyClear(control.clearedThrough);
  }

  private async applyClear(through: number): Promise<void> {
    this.controlState = { ...this.controlState, clearedThrough: Math.max(through, this.controlState.clearedThrough) };
    // The disk first: once a window's view is empty, what it showed is gone for good.
    await this.segments?.clearThrough(through);
    this.options.stores.traces.clear();
    this.older = undefined;
    this.tail?.moveTo({ sequence: through + 1, offset: 0 });
    this.changeEmitter.fire();
  }

  private async writeControl(control: SharedControl): Promise<void> {
    this.controlState = control;
    await this.control.write(control).catch((error: unknown) => {
      this.options.log.error(`The other VS Code windows could not be told: ${describeError(error)}`);
    });
  }

  /**
   * One write at a time, each of the state as it is then: two writes at once share the file written aside, and the
   * older state could land last, leaving the followers showing a receiver still starting (and not sending it anything).
   */
  private publishOwnerState(): Promise<void> {
    this.publishing = this.publishing.then(() => this.writeOwnerState());
    return this.publishing;
  }

  private async writeOwnerState(): Promise<void> {
    if (this.currentRole !== 'owner' || this.closed) return;
    const { receiver, gateway } = this.options;
    await this.owner.write({ receiver: receiver.state, gateway: gateway.state }).catch((error: unknown) => {
      this.options.log.warn(
        `The other VS Code windows could not be shown the receiver's state: ${describeError(error)}`,
      );
    });
  }

  private async readOwnerState(): Promise<void> {
    const state = await this.owner.readIfChanged();
    if (state === undefined || this.currentRole === 'owner') return;
    await Promise.all([this.options.receiver.follow(state.receiver), this.options.gateway.follow(state.gateway)]);
  }

  /** Another window took the lock (this one stalled past its staleness): follow it from where this one wrote. */
  private async loseOwnership(reason: string): Promise<void> {
    if (this.currentRole !== 'owner' || this.closed) return;
    const { receiver, gateway, log } = this.options;
    log.warn(`Another VS Code window took over receiving traces (${reason}); this window follows it.`);
    receiver.setRecording(undefined);
    gateway.setRecording(undefined);
    for (const listener of this.stateListeners.splice(0)) listener.dispose();
    const segments = this.segments;
    this.segments = undefined;
    this.lock = undefined;
    await Promise.all([receiver.follow(receiver.state), gateway.follow(gateway.state)]);
    await segments?.close();
    this.follow({ sequence: (segments?.newestSequence ?? 0) + 1, offset: 0 });
  }

  private reportDamage(damaged: readonly DamagedRecord[]): void {
    for (const { file, offset, bytes } of damaged) {
      this.options.log.warn(`Skipped ${bytes} damaged bytes of the trace store at offset ${offset} of ${file}.`);
    }
  }

  private setRole(role: WindowRole): void {
    this.currentRole = role;
    this.changeEmitter.fire();
  }
}

function parseOwnerState(value: unknown): OwnerState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { receiver, gateway } = value as Record<string, unknown>;
  if (!isServerState(receiver, RECEIVER_STATE_KINDS) || !isServerState(gateway, GATEWAY_STATE_KINDS)) return undefined;
  return { receiver: receiver as ReceiverState, gateway: gateway as GatewayState };
}

function isServerState(value: unknown, kinds: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, host, port } = value as Record<string, unknown>;
  return typeof kind === 'string' && kinds.includes(kind) && typeof host === 'string' && typeof port === 'number';
}

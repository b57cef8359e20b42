/**
 * Where the calls of the traces were made: each span resolved to a line of code, in the background, one at a time,
 * and only once per distinct origin (the same tool, function, stack or system prompt resolves to the same place
 * however many calls there were), so a busy agent costs a handful of resolutions rather than one per span. The host's
 * CodeLens and hover read the calls at each line.
 */
import type { AiKind } from '../../shared/aiKinds';
import type { SpanCost } from '../../shared/cost';
import { describeError } from '../../shared/errors';
import { Debouncer } from '../debounce';
import type { ReceiverLog } from '../receiver/options';
import { readString } from '../semantics/attributes';
import type { AiSpanInfo } from '../semantics/types';
import type { TraceStore } from '../store/traceStore';
import type { SpanNode, StoreChange } from '../store/types';
import { locationCall, type LocationCall } from './locationStats';
import { promptTexts } from './promptText';
import type { ResolvedLocation } from './resolveLocation';

const INDEX_DELAY_MS = 300;
/** Distinct origins waiting to be resolved at most; past it new ones wait until the queue drains. */
const MAX_PENDING = 2000;
/** Characters of a stack trace or system prompt that identify an origin. */
const SIGNATURE_TEXT = 400;
const AI_KINDS_SHOWN = new Set<AiKind>(['llm', 'embedding', 'agent', 'tool', 'mcp', 'retriever']);

/** A resolved line: its file by `FileKey`, 1-based `line`. */
interface Place {
  readonly file: string;
  readonly line: number;
}

/**
 * What decides where a span resolves to, as one key; undefined for spans not worth resolving: kinds outside the AI
 * kinds without code attributes, and LLM/agent spans whose only lead would be a varying user message.
 */
function originSignature(node: SpanNode): string | undefined {
  const { span, ai } = node;
  const stack = readString(span.attributes, 'code.stacktrace') ?? readString(span.attributes, 'exception.stacktrace');
  const system = promptTexts(span).find((text) => text.role === 'system')?.text;
  const hasLead = ai.code !== undefined || stack !== undefined;
  if (!hasLead) {
    if (!AI_KINDS_SHOWN.has(ai.kind)) return undefined;
    if ((ai.kind === 'llm' || ai.kind === 'agent') && system === undefined) return undefined;
    if ((ai.kind === 'tool' || ai.kind === 'mcp') && ai.toolName === undefined) return undefined;
    if (ai.kind === 'embedding' || ai.kind === 'retriever') return undefined;
  }
  return JSON.stringify([
    ai.kind,
    ai.code?.file,
    ai.code?.line,
    ai.code?.function,
    ai.toolName,
    stack?.slice(0, SIGNATURE_TEXT),
    system?.slice(0, SIGNATURE_TEXT),
  ]);
}

function placeKey(place: Place): string {
  return `${place.line}\n${place.file}`;
}

export interface LocationIndexOptions {
  /** Finds the source of a span; undefined when nothing matches. */
  resolve(node: SpanNode): Promise<ResolvedLocation | undefined>;
  /** The key a resolved file is known by, as readers look it up (the host's file URIs). */
  fileKey(path: string): string;
  /** Something read or removed changed the calls at some line. */
  onDidChange(): void;
  /** A call's cost (PriceBook.spanCost); the figures leave cost out without it. */
  price?(ai: AiSpanInfo): SpanCost | undefined;
  log: Pick<ReceiverLog, 'warn' | 'error'>;
}

export class LocationIndex {
  /** Origin signature → where it resolved (null: nowhere). */
  private readonly resolved = new Map<string, Place | null>();
  /** Origin signature → one span to resolve it with. */
  private readonly pending = new Map<string, { traceId: string; spanId: string }>();
  /** Traces to index again once a signature resolves. */
  private readonly waitingTraces = new Map<string, Set<string>>();
  /** File key → line → span key → call. */
  private readonly byFile = new Map<string, Map<number, Map<string, LocationCall>>>();
  private readonly placesByTrace = new Map<string, Set<string>>();
  private readonly dirtyTraces = new Set<string>();
  /** Each span's signature (null: not resolved), computed once: live traces are indexed again on every change. */
  private readonly signatures = new WeakMap<SpanNode, string | null>();
  /** One string per distinct signature, so the per-span cache holds references rather than copies. */
  private readonly interned = new Map<string, string>();
  private resolving = false;
  private disposed = false;
  private readonly indexer = new Debouncer(INDEX_DELAY_MS, () => this.indexDirty());

  constructor(
    private readonly store: TraceStore,
    private readonly options: LocationIndexOptions,
  ) {
    for (const trace of store.traces()) this.dirtyTraces.add(trace.summary.traceId);
    this.indexer.schedule();
  }

  /** The calls at each line of a file, by its key. */
  callsAt(file: string): ReadonlyMap<number, ReadonlyMap<string, LocationCall>> | undefined {
    return this.byFile.get(file);
  }

  onStoreChange(change: StoreChange): void {
    if (change.cleared) {
      this.byFile.clear();
      this.placesByTrace.clear();
      this.dirtyTraces.clear();
      this.options.onDidChange();
    }
    for (const traceId of change.removed) {
      this.removeTrace(traceId);
      this.dirtyTraces.delete(traceId);
    }
    for (const traceId of change.updated) this.dirtyTraces.add(traceId);
    if (change.removed.length > 0) this.options.onDidChange();
    if (this.dirtyTraces.size > 0) this.indexer.schedule();
  }

  /**
   * Forgets resolutions and indexes every trace again: all of them when mappings or folders changed; after a file
   * with figures was saved, those in it (its lines may have moved) and those that found nothing (it may now match).
   */
  invalidate(file?: string): void {
    const target = file;
    if (target !== undefined && !this.byFile.has(target)) return;
    for (const [signature, place] of this.resolved) {
      if (target === undefined || place === null || place.file === target) this.resolved.delete(signature);
    }
    for (const trace of this.store.traces()) this.dirtyTraces.add(trace.summary.traceId);
    this.indexer.schedule();
  }

  /** Indexes every trace again with the resolutions kept: the calls' costs changed with the prices. */
  reprice(): void {
    for (const trace of this.store.traces()) this.dirtyTraces.add(trace.summary.traceId);
    this.indexer.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.indexer.dispose();
  }

  private indexDirty(): void {
    const traces = [...this.dirtyTraces];
    this.dirtyTraces.clear();
    let changed = false;
    for (const traceId of traces) changed = this.indexTrace(traceId) || changed;
    if (changed) this.options.onDidChange();
    this.resolvePending().catch((error: unknown) =>
      this.options.log.error(`CodeLens: resolving spans failed: ${describeError(error)}`),
    );
  }

  /** Re-adds the trace's calls at their resolved places; queues signatures not resolved yet. Whether anything changed. */
  private indexTrace(traceId: string): boolean {
    let changed = this.removeTrace(traceId);
    const trace = this.store.getTrace(traceId);
    if (trace === undefined) return changed;
    const places = new Set<string>();
    for (const node of trace.spans()) {
      const signature = this.signatureOf(node);
      if (signature === null) continue;
      const place = this.resolved.get(signature);
      if (place === undefined) {
        if (!this.pending.has(signature) && this.pending.size < MAX_PENDING) {
          this.pending.set(signature, { traceId, spanId: node.span.spanId });
        }
        let waiting = this.waitingTraces.get(signature);
        if (waiting === undefined) this.waitingTraces.set(signature, (waiting = new Set()));
        waiting.add(traceId);
        continue;
      }
      if (place === null) continue;
      let lines = this.byFile.get(place.file);
      if (lines === undefined) this.byFile.set(place.file, (lines = new Map<number, Map<string, LocationCall>>()));
      let calls = lines.get(place.line);
      if (calls === undefined) lines.set(place.line, (calls = new Map<string, LocationCall>()));
      calls.set(`${traceId}/${node.span.spanId}`, locationCall(node, this.options.price?.(node.ai)));
      places.add(placeKey(place));
      changed = true;
    }
    if (places.size > 0) this.placesByTrace.set(traceId, places);
    return changed;
  }

  private signatureOf(node: SpanNode): string | null {
    let signature = this.signatures.get(node);
    if (signature === undefined) {
      const computed = originSignature(node);
      if (computed === undefined) signature = null;
      else {
        signature = this.interned.get(computed) ?? computed;
        this.interned.set(signature, signature);
      }
      this.signatures.set(node, signature);
    }
    return signature;
  }

  private removeTrace(traceId: string): boolean {
    const places = this.placesByTrace.get(traceId);
    if (places === undefined) return false;
    this.placesByTrace.delete(traceId);
    for (const key of places) {
      const newline = key.indexOf('\n');
      const line = Number(key.slice(0, newline));
      const file = key.slice(newline + 1);
      const lines = this.byFile.get(file);
      const calls = lines?.get(line);
      if (lines === undefined || calls === undefined) continue;
      for (const [spanKey, call] of calls) if (call.traceId === traceId) calls.delete(spanKey);
      if (calls.size === 0) lines.delete(line);
      if (lines.size === 0) this.byFile.delete(file);
    }
    return true;
  }

  /** Resolves queued signatures one at a time (each may search the workspace), then re-indexes the traces waiting. */
  private async resolvePending(): Promise<void> {
    if (this.resolving) return;
    this.resolving = true;
    try {
      for (const [signature, { traceId, spanId }] of this.pending) {
        if (this.disposed) return;
        this.pending.delete(signature);
        const node = this.store.getTrace(traceId)?.getSpan(spanId);
        if (node === undefined) {
          // Its trace left; another span with this origin queues it again when indexed.
          this.waitingTraces.delete(signature);
          continue;
        }
        const location = await this.options.resolve(node).catch((error: unknown) => {
          this.options.log.warn(`CodeLens: resolving "${node.span.name}" failed: ${describeError(error)}`);
          return undefined;
        });
        this.resolved.set(
          signature,
          location === undefined ? null : { file: this.options.fileKey(location.file), line: location.line },
        );
        for (const waiting of this.waitingTraces.get(signature) ?? []) this.dirtyTraces.add(waiting);
        this.waitingTraces.delete(signature);
        if (location !== undefined) this.indexer.schedule();
      }
    } finally {
      this.resolving = false;
    }
  }
}

/**
 * Trace figures next to the code: a CodeLens above each line that spans resolved to, and a hover with the last few
 * calls. Spans are resolved in the background, one at a time, and only once per distinct origin (the same tool,
 * function, stack or system prompt resolves to the same place however many calls there were), so a busy agent costs a
 * handful of resolutions rather than one per span. Lenses refresh debounced as traces arrive, change and leave.
 */
import * as vscode from 'vscode';
import type { CodeNavigator } from './codeNavigation';
import { Commands } from './contributions';
import {
  formatLocationStats,
  locationCall,
  locationStats,
  recentCallsMarkdown,
  type LocationCall,
} from './core/code/locationStats';
import { promptTexts } from './core/code/promptText';
import { Debouncer } from './core/debounce';
import { readString } from './core/semantics/attributes';
import type { TraceStore } from './core/store/traceStore';
import type { SpanNode, StoreChange } from './core/store/types';
import { DisposableStore } from './disposable';
import { describeError } from './receiverController';
import type { AiKind } from './shared/aiKinds';
import type { SpanElement } from './tracesTree';

const INDEX_DELAY_MS = 300;
const LENS_REFRESH_MS = 500;
const HOVER_CALLS = 5;
/** Distinct origins waiting to be resolved at most; past it new ones wait until the queue drains. */
const MAX_PENDING = 2000;
/** Characters of a stack trace or system prompt that identify an origin. */
const SIGNATURE_TEXT = 400;
const AI_KINDS_SHOWN = new Set<AiKind>(['llm', 'embedding', 'agent', 'tool', 'mcp', 'retriever']);

/** A resolved line: `file` as a URI string, 1-based `line`. */
interface Place {
  readonly uri: string;
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
  return `${place.line}\n${place.uri}`;
}

class LocationIndex {
  /** Origin signature → where it resolved (null: nowhere). */
  private readonly resolved = new Map<string, Place | null>();
  /** Origin signature → one span to resolve it with. */
  private readonly pending = new Map<string, { traceId: string; spanId: string }>();
  /** Traces to index again once a signature resolves. */
  private readonly waitingTraces = new Map<string, Set<string>>();
  /** URI → line → span key → call. */
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
    private readonly navigator: CodeNavigator,
    private readonly log: vscode.LogOutputChannel,
    private readonly onDidChange: () => void,
  ) {
    for (const trace of store.traces()) this.dirtyTraces.add(trace.summary.traceId);
    this.indexer.schedule();
  }

  callsAt(uri: vscode.Uri): ReadonlyMap<number, ReadonlyMap<string, LocationCall>> | undefined {
    return this.byFile.get(uri.toString());
  }

  onStoreChange(change: StoreChange): void {
    if (change.cleared) {
      this.byFile.clear();
      this.placesByTrace.clear();
      this.dirtyTraces.clear();
      this.onDidChange();
    }
    for (const traceId of change.removed) {
      this.removeTrace(traceId);
      this.dirtyTraces.delete(traceId);
    }
    for (const traceId of change.updated) this.dirtyTraces.add(traceId);
    if (change.removed.length > 0) this.onDidChange();
    if (this.dirtyTraces.size > 0) this.indexer.schedule();
  }

  /**
   * Forgets resolutions and indexes every trace again: all of them when mappings or folders changed; after a file
   * with figures was saved, those in it (its lines may have moved) and those that found nothing (it may now match).
   */
  invalidate(uri?: vscode.Uri): void {
    const target = uri?.toString();
    if (target !== undefined && !this.byFile.has(target)) return;
    for (const [signature, place] of this.resolved) {
      if (target === undefined || place === null || place.uri === target) this.resolved.delete(signature);
    }
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
    if (changed) this.onDidChange();
    this.resolvePending().catch((error: unknown) =>
      this.log.error(`CodeLens: resolving spans failed: ${describeError(error)}`),
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
      let lines = this.byFile.get(place.uri);
      if (lines === undefined) this.byFile.set(place.uri, (lines = new Map<number, Map<string, LocationCall>>()));
      let calls = lines.get(place.line);
      if (calls === undefined) lines.set(place.line, (calls = new Map<string, LocationCall>()));
      calls.set(`${traceId}/${node.span.spanId}`, locationCall(node));
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
      const uri = key.slice(newline + 1);
      const lines = this.byFile.get(uri);
      const calls = lines?.get(line);
      if (lines === undefined || calls === undefined) continue;
      for (const [spanKey, call] of calls) if (call.traceId === traceId) calls.delete(spanKey);
      if (calls.size === 0) lines.delete(line);
      if (lines.size === 0) this.byFile.delete(uri);
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
        const location = await this.navigator.resolve(node).catch((error: unknown) => {
          this.log.warn(`CodeLens: resolving "${node.span.name}" failed: ${describeError(error)}`);
          return undefined;
        });
        this.resolved.set(
          signature,
          location === undefined ? null : { uri: vscode.Uri.file(location.file).toString(), line: location.line },
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

/** The CodeLens and hover providers, present only while `aiTraceLens.codeLens.enabled` is on. */
export class TraceCodeLenses implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly refresher = new Debouncer(LENS_REFRESH_MS, () => this.changeEmitter.fire());
  private active: { index: LocationIndex; disposables: DisposableStore } | undefined;

  constructor(
    private readonly store: TraceStore,
    private readonly navigator: CodeNavigator,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  setEnabled(enabled: boolean): void {
    if (enabled === (this.active !== undefined)) return;
    if (!enabled) {
      this.active?.disposables.dispose();
      this.active = undefined;
      this.changeEmitter.fire();
      return;
    }
    const disposables = new DisposableStore();
    const index = disposables.add(
      new LocationIndex(this.store, this.navigator, this.log, () => this.refresher.schedule()),
    );
    disposables.add(this.store.onDidChange((change) => index.onStoreChange(change)));
    disposables.add(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this));
    disposables.add(vscode.languages.registerHoverProvider({ scheme: 'file' }, this));
    disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => index.invalidate()));
    disposables.add(
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.scheme === 'file') index.invalidate(document.uri);
      }),
    );
    this.active = { index, disposables };
  }

  /** Path mappings changed: every resolution may differ. */
  invalidate(): void {
    this.active?.index.invalidate();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lines = this.active?.index.callsAt(document.uri);
    if (lines === undefined) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const [line, calls] of lines) {
      const stats = locationStats([...calls.values()]);
      if (stats === undefined || line > document.lineCount) continue;
      const target: SpanElement = { type: 'span', traceId: stats.latest.traceId, spanId: stats.latest.spanId };
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line - 1, 0, line - 1, 0), {
          title: formatLocationStats(stats),
          tooltip: 'Open the latest trace of this code in the flame graph',
          command: Commands.openFlameGraph,
          arguments: [target],
        }),
      );
    }
    return lenses;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const calls = this.active?.index.callsAt(document.uri)?.get(position.line + 1);
    if (calls === undefined || calls.size === 0) return undefined;
    const markdown = new vscode.MarkdownString(
      recentCallsMarkdown([...calls.values()], HOVER_CALLS, (unixMs) => new Date(unixMs).toLocaleString()),
    );
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }

  dispose(): void {
    this.active?.disposables.dispose();
    this.active = undefined;
    this.refresher.dispose();
    this.changeEmitter.dispose();
  }
}

/**
 * Read-only documents rendered from one trace each (span details, trace comparisons): while open, they are rendered
 * again when their trace changes (spans or logs arriving, a span sent again) or leaves the store.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import type { LogStore } from '../core/store/logStore';
import type { TraceStore } from '../core/store/traceStore';
import type { StoreChange } from '../core/store/types';

const REFRESH_DELAY_MS = 200;

export abstract class TraceDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  private readonly changedTraces = new Set<string>();
  private everythingChanged = false;
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.refreshOpenDocuments());
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly scheme: string,
    protected readonly store: TraceStore,
    protected readonly logs: LogStore,
  ) {
    this.subscriptions = [
      store.onDidChange((change) => this.onStoreChange(change)),
      // A span's logs may arrive after it: its documents are refreshed like on a span change.
      logs.onDidChange((change) =>
        this.onStoreChange({ updated: change.updatedTraces, removed: [], cleared: change.cleared }),
      ),
    ];
  }

  abstract provideTextDocumentContent(uri: vscode.Uri): string;

  /** The traces a document of this provider shows (none for an address it does not own). */
  protected abstract tracesOf(uri: vscode.Uri): readonly string[];

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.debouncer.dispose();
    this.changeEmitter.dispose();
  }

  private onStoreChange(change: StoreChange): void {
    if (change.cleared) this.everythingChanged = true;
    for (const traceId of change.updated) this.changedTraces.add(traceId);
    for (const traceId of change.removed) this.changedTraces.add(traceId);
    // Only open documents need refreshing; with none open, store changes cost nothing here.
    if (vscode.workspace.textDocuments.some((document) => document.uri.scheme === this.scheme)) {
      this.debouncer.schedule();
    } else {
      this.changedTraces.clear();
      this.everythingChanged = false;
    }
  }

  private refreshOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme !== this.scheme) continue;
      const traces = this.tracesOf(document.uri);
      if (this.everythingChanged || traces.some((traceId) => this.changedTraces.has(traceId))) {
        this.changeEmitter.fire(document.uri);
      }
    }
    this.changedTraces.clear();
    this.everythingChanged = false;
  }
}

/**
 * The Traces view as the other features see it: which rows are selected (and when that changes), showing a trace or
 * span in it, and narrowing it to the traces a query matches. The traces feature connects its view; until it does,
 * nothing is selected and a reveal or filter does nothing.
 */
import * as vscode from 'vscode';
import type { TraceStore } from '../core/store/traceStore';
import type { TraceRecord } from '../core/store/types';
import type { TraceQuery } from '../core/traceql';
import type { TraceViewRow } from './commandTarget';

export interface TracesViewPort {
  /** The selected trace and span rows. */
  readonly selectedRows: readonly TraceViewRow[];
  /** The conversation whose row is selected first, when the view groups by session. */
  readonly selectedSessionId: string | undefined;
  readonly onDidChangeSelection: vscode.Event<unknown>;
  /** Shows a trace (e.g. the demo trace just sent), expanded, selected and focused. */
  revealTrace(traceId: string): Promise<void>;
  /** Selects a span chosen elsewhere (in a flame graph), only while the view is visible: it never pops it open. */
  revealSpan(traceId: string, spanId: string): Promise<void>;
  /** Lists only the traces a TraceQL query matches (a service map node's), and shows the view. */
  filterBy(query: TraceQuery): Promise<void>;
}

export class TracesViewLink implements TracesViewPort {
  private view: TracesViewPort | undefined;
  private readonly selectionEmitter = new vscode.EventEmitter<void>();
  /** Fires when the connected view's selection changes (the Statistics view follows it). */
  readonly onDidChangeSelection = this.selectionEmitter.event;

  constructor(private readonly store: TraceStore) {}

  connect(view: TracesViewPort): vscode.Disposable {
    this.view = view;
    const subscription = view.onDidChangeSelection(() => this.selectionEmitter.fire());
    return {
      dispose: () => {
        subscription.dispose();
        if (this.view === view) this.view = undefined;
      },
    };
  }

  get selectedRows(): readonly TraceViewRow[] {
    return this.view?.selectedRows ?? [];
  }

  get selectedSessionId(): string | undefined {
    return this.view?.selectedSessionId;
  }

  revealTrace(traceId: string): Promise<void> {
    return this.view?.revealTrace(traceId) ?? Promise.resolve();
  }

  revealSpan(traceId: string, spanId: string): Promise<void> {
    return this.view?.revealSpan(traceId, spanId) ?? Promise.resolve();
  }

  filterBy(query: TraceQuery): Promise<void> {
    return this.view?.filterBy(query) ?? Promise.resolve();
  }

  /** The trace a command run from the palette acts on: the one selected in the view, else the newest. */
  currentTrace(): TraceRecord | undefined {
    const selected = this.selectedRows[0];
    return (selected === undefined ? undefined : this.store.getTrace(selected.traceId)) ?? this.store.traces()[0];
  }
}

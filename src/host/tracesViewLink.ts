/**
 * The Traces view as the other features see it: which rows are selected, showing a trace or span in it, and narrowing
 * it to the traces a query matches. The traces feature connects its view; until it does, nothing is selected and a
 * reveal or filter does nothing.
 */
import type * as vscode from 'vscode';
import type { TraceStore } from '../core/store/traceStore';
import type { TraceRecord } from '../core/store/types';
import type { TraceQuery } from '../core/traceql';
import type { TraceViewRow } from './commandTarget';

export interface TracesViewPort {
  /** The selected trace and span rows. */
  readonly selectedRows: readonly TraceViewRow[];
  /** Shows a trace (e.g. the demo trace just sent), expanded, selected and focused. */
  revealTrace(traceId: string): Promise<void>;
  /** Selects a span chosen elsewhere (in a flame graph), only while the view is visible: it never pops it open. */
  revealSpan(traceId: string, spanId: string): Promise<void>;
  /** Lists only the traces a TraceQL query matches (a service map node's), and shows the view. */
  filterBy(query: TraceQuery): Promise<void>;
}

export class TracesViewLink implements TracesViewPort {
  private view: TracesViewPort | undefined;

  constructor(private readonly store: TraceStore) {}

  connect(view: TracesViewPort): vscode.Disposable {
    this.view = view;
    return {
      dispose: () => {
        if (this.view === view) this.view = undefined;
      },
    };
  }

  get selectedRows(): readonly TraceViewRow[] {
    return this.view?.selectedRows ?? [];
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

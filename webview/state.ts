/**
 * The one owner of what the page shows: the trace (its latest snapshot), the selected span, the search and its
 * matches, and whether bars are as wide as time or tokens. The chart, the panels and the saved view state read them
 * here; a change tells every listener what changed. (The zoom is d3-zoom's transform, which the chart owns.)
 */
import { TraceModel } from './traceModel';
import type { ChartMode } from './vscodeApi';

export type StateChange = 'model' | 'selection' | 'search' | 'mode';

export class ViewState {
  private currentModel: TraceModel;
  private selectedIndex = -1;
  private query = '';
  private searchMatches: Uint8Array | null = null;
  private chartMode: ChartMode = 'time';
  private readonly listeners: ((change: StateChange) => void)[] = [];

  constructor(model: TraceModel) {
    this.currentModel = model;
  }

  get model(): TraceModel {
    return this.currentModel;
  }

  /** The selected span's index in the model, -1 when none. */
  get selected(): number {
    return this.selectedIndex;
  }

  get search(): string {
    return this.query;
  }

  /** Per span, 1 when it matches the search; null when there is no search. */
  get matches(): Uint8Array | null {
    return this.searchMatches;
  }

  get mode(): ChartMode {
    return this.chartMode;
  }

  get selectedSpanId(): string | null {
    return this.selectedIndex < 0 ? null : this.currentModel.spanId(this.selectedIndex);
  }

  onChange(listener: (change: StateChange) => void): void {
    this.listeners.push(listener);
  }

  /** Shows another snapshot of the trace: the same span stays selected (if it is still there), the search applies. */
  setModel(model: TraceModel): void {
    const selectedId = this.selectedSpanId;
    this.currentModel = model;
    this.selectedIndex = model.indexOf(selectedId);
    this.searchMatches = model.matches(this.query);
    this.notify('model');
  }

  /** Selects a span (-1 clears); false when it was already the selection. */
  select(index: number): boolean {
    if (index === this.selectedIndex) return false;
    this.selectedIndex = index;
    this.notify('selection');
    return true;
  }

  setSearch(query: string): void {
    this.query = query;
    this.searchMatches = this.currentModel.matches(query);
    this.notify('search');
  }

  setMode(mode: ChartMode): void {
    if (mode === this.chartMode) return;
    this.chartMode = mode;
    this.notify('mode');
  }

  private notify(change: StateChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

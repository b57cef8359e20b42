/**
 * The one owner of what the page shows: the trace (its latest snapshot) and its findings, the selected span, the search
 * and its matches, and whether bars are as wide as time or tokens. The chart, the panels and the saved view state read them
 * here; a change tells every listener what changed. (The zoom is d3-zoom's transform, which the chart owns.)
 */
import type { SpanEvaluation } from '../src/shared/evaluations';
import { findingsOfSpan, severityMarks, type SpanFinding } from '../src/shared/findings';
import { TraceModel } from './traceModel';
import type { ChartMode } from './vscodeApi';

export type StateChange = 'model' | 'findings' | 'evaluations' | 'selection' | 'search' | 'mode';

export class ViewState {
  private currentModel: TraceModel;
  private selectedIndex = -1;
  private query = '';
  private searchMatches: Uint8Array | null = null;
  private chartMode: ChartMode = 'time';
  private findingList: readonly SpanFinding[] = [];
  private marks: Uint8Array = new Uint8Array(0);
  private evaluationList: readonly SpanEvaluation[] = [];
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

  /** Per span, the mark of its most severe finding (`SEVERITY_MARK`), 0 when it has none. */
  get findingMarks(): Uint8Array {
    return this.marks;
  }

  /** A span's findings, most severe first. */
  findingsOf(index: number): SpanFinding[] {
    return this.marks[index] ? findingsOfSpan(this.findingList, this.currentModel.spanId(index)) : [];
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
    this.marks = this.markFindings();
    this.notify('model');
  }

  /** Shows the trace's findings (the host sends them all whenever they change). */
  setFindings(findings: readonly SpanFinding[]): void {
    this.findingList = findings;
    this.marks = this.markFindings();
    this.notify('findings');
  }

  /** Shows the trace's evaluation results (the host sends them all whenever they change). */
  setEvaluations(evaluations: readonly SpanEvaluation[]): void {
    this.evaluationList = evaluations;
    this.notify('evaluations');
  }

  /** A span's evaluation results, in the order they were made. */
  evaluationsOf(index: number): SpanEvaluation[] {
    const spanId = index < 0 ? null : this.currentModel.spanId(index);
    return this.evaluationList.filter((evaluation) => evaluation.spanId === spanId);
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

  private markFindings(): Uint8Array {
    const model = this.currentModel;
    return severityMarks(this.findingList, (spanId) => model.indexOf(spanId), model.layout.count);
  }

  private notify(change: StateChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

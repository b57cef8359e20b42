/**
 * The flame graph page: header, toolbar, chart, tooltip and details panel for one trace, driven by the host's
 * messages and by the user, with its view state persisted through the VS Code API.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { emptySnapshot, type TraceSnapshot } from '../src/shared/flame/snapshot';
import type { FromWebview, SpanDetails, ToWebview } from '../src/shared/protocol';
import { FlameChart } from './chart';
import { DetailsPanel } from './details';
import { codicon, element } from './dom';
import { renderHeader, renderLegend } from './header';
import { Tooltip } from './tooltip';
import { TraceModel } from './traceModel';
import type { ChartMode, VsCodeApi, WebviewState } from './vscodeApi';

/** The host's `init` message: the page's first snapshot. */
export interface InitialData {
  readonly traceId: string;
  readonly snapshot: TraceSnapshot;
  readonly selectedSpanId: string | null;
}

/** How often a zoom or pan gesture persists the view; the last position is saved when the gesture stops. */
const VIEW_SAVE_INTERVAL_MS = 250;

type Request = { readonly kind: 'details' | 'jump'; readonly spanId: string };

export class FlameApp {
  private model: TraceModel;
  private readonly chart: FlameChart;
  private readonly tooltip = new Tooltip();
  private readonly details: DetailsPanel;
  private readonly headerSlot = element('div', 'header-slot');
  private readonly legendSlot = element('div', 'legend-slot');
  private readonly banner = element('div', 'banner');
  private readonly toolbar = element('div', 'toolbar');
  private readonly matchCount = element('span', 'match-count');
  /** Where the controls go once added: sized like them, so adding them after the first paint moves nothing. */
  private readonly controlSlots = {
    search: element('span', 'control-slot search-slot'),
    mode: element('span', 'control-slot mode-slot'),
    reset: element('span', 'control-slot reset-slot'),
  };
  /** The toolbar's controls, built after the trace's first frame (see `addControls`). */
  private controls:
    | {
        readonly searchField: HTMLElementTagNameMap['vscode-textfield'];
        readonly modeGroup: HTMLElementTagNameMap['vscode-radio-group'];
      }
    | undefined;
  private selected = -1;
  private search = '';
  private mode: ChartMode = 'time';
  private nextRequestId = 1;
  private readonly requests = new Map<number, Request>();
  /** The view saved for this trace, restored once the trace arrives; until then nothing is saved over it. */
  private readonly saved: WebviewState | undefined;
  private shown = false;
  /** Pending trailing save of a zoom or pan gesture (0 when none), and whether the view moved since the last save. */
  private viewSaveTimer = 0;
  private viewMoved = false;
  /** The details reply of the selected span, kept so that a live update does not fetch it again. */
  private selectedDetails: SpanDetails | undefined;

  /**
   * Builds the page around a trace of no spans, so that its DOM and layout are done while the host's snapshot is on
   * its way; `start` shows the trace.
   */
  constructor(
    private readonly api: VsCodeApi,
    root: HTMLElement,
    traceId: string,
    saved: WebviewState | undefined,
  ) {
    this.model = new TraceModel(emptySnapshot(traceId));
    this.saved = saved !== undefined && saved.traceId === traceId ? saved : undefined;
    this.chart = new FlameChart(this.model, {
      hover: (index, event) => {
        if (index < 0) this.tooltip.hide();
        else this.tooltip.show(this.model, index, event.clientX, event.clientY);
      },
      click: (index) => {
        this.chart.canvasElement.focus();
        this.select(index, false);
      },
      doubleClick: (index) => {
        if (index < 0) this.chart.resetZoom();
        else this.chart.zoomToSpan(index);
      },
      viewChanged: () => {
        // The bar under a still pointer changes as the view moves: the tooltip would describe another span.
        this.tooltip.hide();
        this.saveViewSoon();
      },
    });
    this.details = new DetailsPanel({
      jumpToCode: (toSide) => this.jumpToCode(toSide),
      openSpanDetails: () => {
        if (this.selected >= 0)
          this.post({ type: 'openSpanDetails', traceId: this.traceId, spanId: this.selectedId()! });
      },
    });
    this.banner.hidden = true;
    this.banner.setAttribute('role', 'status');
    this.matchCount.setAttribute('aria-live', 'polite');
    const slots = this.controlSlots;
    this.toolbar.append(slots.search, this.matchCount, slots.mode, slots.reset, this.legendSlot);
    root.replaceChildren(
      this.headerSlot,
      this.banner,
      this.toolbar,
      this.chart.element,
      this.details.element,
      this.tooltip.element,
    );
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Shows the host's first snapshot with the saved view, then the requested or restored selection (posted to the host). */
  start(initial: InitialData): void {
    this.model = new TraceModel(initial.snapshot);
    this.shown = true;
    this.chart.setModel(this.model);
    this.renderTrace();
    const restored = this.saved;
    if (restored !== undefined) this.setMode(restored.mode);
    this.setSearch(restored?.search ?? '');
    if (restored?.zoom) this.chart.zoomTo(restored.zoom.x0Ms, restored.zoom.x1Ms);
    const spanId = initial.selectedSpanId ?? restored?.selectedSpanId ?? null;
    this.select(this.model.indexOf(spanId), initial.selectedSpanId !== null);
    this.chart.requestDraw();
    // After the frame that draws the trace: a callback queued now runs after the chart's in the same frame.
    requestAnimationFrame(() => setTimeout(() => this.addControls()));
  }

  get traceId(): string {
    return this.model.traceId;
  }

  handle(message: ToWebview): void {
    if (message.type !== 'init' && message.traceId !== this.traceId) return;
    switch (message.type) {
      case 'init':
        if (message.traceId !== this.traceId) {
          this.replaceTrace(message.snapshot, message.selectedSpanId);
        } else {
          this.update(message.snapshot);
          if (message.selectedSpanId !== null) this.select(this.model.indexOf(message.selectedSpanId), true);
        }
        break;
      case 'update':
        this.update(message.snapshot);
        break;
      case 'select':
        this.select(this.model.indexOf(message.spanId), true);
        break;
      case 'logsChanged':
        if (this.selected >= 0) this.requestDetails(this.selectedId()!);
        break;
      case 'traceRemoved':
        this.banner.textContent =
          'This trace is no longer in the store (cleared or evicted): the flame graph shows its last state.';
        this.banner.hidden = false;
        break;
      case 'spanDetails': {
        const request = this.takeRequest(message.requestId, 'details');
        if (request === undefined || request.spanId !== this.selectedId()) break;
        if (message.ok) {
          this.selectedDetails = message.result;
          this.details.setDetails(message.result);
        } else {
          this.details.setDetailsError(message.error);
        }
        break;
      }
      case 'jumpToCodeResult': {
        const request = this.takeRequest(message.requestId, 'jump');
        if (request === undefined || request.spanId !== this.selectedId()) break;
        if (message.ok) this.details.setJumpOutcome(message.result);
        else this.details.setJumpError(message.error);
        break;
      }
      default:
        assertNever(message);
    }
  }

  /** A newer snapshot of the same trace: zoom, selection, search and mode stay. */
  private update(snapshot: TraceSnapshot): void {
    if (snapshot.version <= this.model.version) return;
    const selectedId = this.selectedId();
    this.model = new TraceModel(snapshot);
    this.chart.setModel(this.model);
    this.renderTrace();
    this.chart.matches = this.model.matches(this.search);
    this.updateMatchCount();
    const index = this.model.indexOf(selectedId);
    this.selected = index;
    this.chart.selected = index;
    if (index < 0) {
      this.details.clear();
    } else {
      this.details.show(this.model, index);
      if (this.selectedDetails !== undefined) this.details.setDetails(this.selectedDetails);
      else this.requestDetails(selectedId!);
    }
    this.chart.requestDraw();
  }

  /** The panel was reused for another trace: start over with its view. */
  private replaceTrace(snapshot: TraceSnapshot, selectedSpanId: string | null): void {
    this.model = new TraceModel(snapshot);
    this.requests.clear();
    this.banner.hidden = true;
    this.chart.setModel(this.model);
    this.chart.resetZoom();
    this.renderTrace();
    this.setSearch(this.search);
    this.select(this.model.indexOf(selectedSpanId), true);
  }

  private renderTrace(): void {
    this.headerSlot.replaceChildren(renderHeader(this.model.snapshot.header));
    this.legendSlot.replaceChildren(renderLegend(this.model.snapshot));
  }

  /**
   * Adds the search field, the bar-width switch and Reset Zoom to the toolbar. Their web components cost the page's
   * first paint some 50 ms to create, style and lay out, so the chart is drawn first.
   */
  private addControls(): void {
    const searchField = document.createElement('vscode-textfield');
    searchField.placeholder = 'Search spans, models, tools';
    searchField.setAttribute('aria-label', 'Search spans');
    searchField.value = this.search;
    const searchIcon = codicon('search');
    searchIcon.slot = 'content-before';
    searchField.append(searchIcon);
    searchField.addEventListener('input', () => this.setSearch(searchField.value));
    searchField.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.selectNextMatch();
      else if (event.key === 'Escape') this.setSearch('');
    });

    const modeGroup = document.createElement('vscode-radio-group');
    for (const [value, label] of [
      ['time', 'Time'],
      ['tokens', 'Tokens'],
    ] as const) {
      const radio = document.createElement('vscode-radio');
      radio.name = 'mode';
      radio.setAttribute('value', value);
      radio.setAttribute('label', label);
      radio.checked = value === this.mode;
      modeGroup.append(radio);
    }
    modeGroup.title = 'Bar width: time, or tokens (where do the tokens go?)';
    modeGroup.addEventListener('change', (event) => {
      const target = event.target as HTMLElement & { value?: string; checked?: boolean };
      if (target.checked && (target.value === 'time' || target.value === 'tokens')) this.setMode(target.value);
    });

    const reset = document.createElement('vscode-button');
    reset.secondary = true;
    reset.icon = 'zoom-out';
    reset.textContent = 'Reset Zoom';
    reset.title = 'Show the whole trace (or double-click an empty area)';
    reset.addEventListener('click', () => this.chart.resetZoom());
    this.controlSlots.search.append(searchField);
    this.controlSlots.mode.append(modeGroup);
    this.controlSlots.reset.append(reset);
    this.controls = { searchField, modeGroup };
  }

  private setMode(mode: ChartMode): void {
    this.mode = mode;
    for (const radio of this.controls?.modeGroup.querySelectorAll('vscode-radio') ?? [])
      radio.checked = radio.value === mode;
    this.chart.setMode(mode);
    this.saveState();
  }

  private setSearch(query: string): void {
    this.search = query;
    const searchField = this.controls?.searchField;
    if (searchField !== undefined && searchField.value !== query) searchField.value = query;
    this.chart.matches = this.model.matches(query);
    this.updateMatchCount();
    this.chart.requestDraw();
    this.saveState();
  }

  private updateMatchCount(): void {
    const matches = this.chart.matches;
    if (matches === null) {
      this.matchCount.textContent = '';
      return;
    }
    let count = 0;
    for (const match of matches) count += match;
    this.matchCount.textContent = count === 1 ? '1 match' : `${count} matches`;
  }

  private selectNextMatch(): void {
    const matches = this.chart.matches;
    if (matches === null) return;
    for (let step = 1; step <= matches.length; step++) {
      const index = (this.selected + step + matches.length) % matches.length;
      if (matches[index] === 1) {
        this.select(index, true);
        return;
      }
    }
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    // Typing in the search field or pressing a button keeps its own meaning.
    if (target !== null && target !== document.body && target !== this.chart.canvasElement) return;
    const model = this.model;
    const current = this.selected;
    let next = -2;
    switch (event.key) {
      case 'ArrowUp':
        next = current < 0 ? 0 : model.parentOf(current);
        break;
      case 'ArrowDown':
        next = current < 0 ? 0 : model.firstChildOf(current);
        break;
      case 'ArrowLeft':
        next = current < 0 ? 0 : model.siblingOf(current, -1);
        break;
      case 'ArrowRight':
        next = current < 0 ? 0 : model.siblingOf(current, 1);
        break;
      case 'Enter':
        if (current >= 0) this.jumpToCode(event.altKey);
        break;
      case 'Escape':
        if (current >= 0) this.select(-1, false);
        else this.setSearch('');
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next >= 0 && next < model.layout.count) this.select(next, true);
  }

  /** Selects a span (-1 clears) and tells the host; `reveal` scrolls and pans it into view. */
  private select(index: number, reveal: boolean): void {
    if (index === this.selected && index >= 0) {
      if (reveal) this.chart.reveal(index);
      return;
    }
    this.selected = index;
    this.chart.selected = index;
    this.selectedDetails = undefined;
    if (index < 0) {
      this.details.clear();
    } else {
      const spanId = this.selectedId()!;
      this.details.show(this.model, index);
      this.post({ type: 'selectSpan', traceId: this.traceId, spanId });
      this.requestDetails(spanId);
      if (reveal) this.chart.reveal(index);
    }
    this.chart.requestDraw();
    this.saveState();
  }

  private selectedId(): string | null {
    return this.selected < 0 ? null : this.model.spanId(this.selected);
  }

  private requestDetails(spanId: string): void {
    const requestId = this.nextRequestId++;
    this.requests.set(requestId, { kind: 'details', spanId });
    this.post({ type: 'requestSpanDetails', traceId: this.traceId, spanId, requestId });
  }

  private jumpToCode(toSide: boolean): void {
    const spanId = this.selectedId();
    if (spanId === null) return;
    const requestId = this.nextRequestId++;
    this.requests.set(requestId, { kind: 'jump', spanId });
    this.post({ type: 'jumpToCode', traceId: this.traceId, spanId, toSide, requestId });
  }

  private takeRequest(requestId: number, kind: Request['kind']): Request | undefined {
    const request = this.requests.get(requestId);
    if (request === undefined || request.kind !== kind) return undefined;
    this.requests.delete(requestId);
    return request;
  }

  private post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  /**
   * Saves the view at most every VIEW_SAVE_INTERVAL_MS while a gesture moves it, and once more after it stops:
   * setState serialises the whole state and posts it to the host, which a wheel gesture would do on every frame.
   */
  private saveViewSoon(): void {
    if (this.viewSaveTimer !== 0) {
      this.viewMoved = true;
      return;
    }
    this.saveState();
    this.viewSaveTimer = window.setTimeout(() => {
      this.viewSaveTimer = 0;
      if (!this.viewMoved) return;
      this.viewMoved = false;
      this.saveViewSoon();
    }, VIEW_SAVE_INTERVAL_MS);
  }

  private saveState(): void {
    if (!this.shown) return;
    const domain = this.chart.visibleDomain();
    this.api.setState({
      traceId: this.traceId,
      selectedSpanId: this.selectedId(),
      zoom: domain === null ? null : { x0Ms: domain[0], x1Ms: domain[1] },
      mode: this.mode,
      search: this.search,
    });
  }
}

function assertNever(message: never): never {
  throw new Error(`Unknown message from the extension: ${JSON.stringify(message)}`);
}

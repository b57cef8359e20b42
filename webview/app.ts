/**
 * The flame graph page: header, toolbar, chart, tooltip and details panel for one trace, over one view state
 * (state.ts), driven by the host's messages and by the user, with the view persisted through the VS Code API.
 */
import { emptySnapshot, type TraceSnapshot } from '../src/shared/flame/snapshot';
import { describeError } from '../src/shared/errors';
import { withModelServer, type FromWebview, type SpanDetails, type ToWebview } from '../src/shared/protocol';
import { FlameChart } from './chart/flameChart';
import { ServerLanes } from './chart/serverLanes';
import { element } from './dom';
import { DetailsPanel } from './panels/details';
import { renderHeader } from './panels/header';
import { Toolbar } from './panels/toolbar';
import { Tooltip } from './panels/tooltip';
import { HostRequests } from './rpc';
import { ViewState } from './state';
import { TraceModel } from './traceModel';
import type { VsCodeApi, WebviewState } from './vscodeApi';

/** The host's `init` message: the page's first snapshot. */
export interface InitialData {
  readonly traceId: string;
  readonly snapshot: TraceSnapshot;
  readonly selectedSpanId: string | null;
}

/** How often a zoom or pan gesture persists the view; the last position is saved when the gesture stops. */
const VIEW_SAVE_INTERVAL_MS = 250;

export class FlameApp {
  private readonly state: ViewState;
  private readonly requests: HostRequests;
  private readonly chart: FlameChart;
  private readonly tooltip = new Tooltip();
  private readonly details: DetailsPanel;
  private readonly toolbar: Toolbar;
  private readonly lanes: ServerLanes;
  private readonly headerSlot = element('div', 'header-slot');
  private readonly banner = element('div', 'banner');
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
    readonly traceId: string,
    saved: WebviewState | undefined,
  ) {
    this.state = new ViewState(new TraceModel(emptySnapshot(traceId)));
    this.requests = new HostRequests((message) => this.post(message));
    this.saved = saved !== undefined && saved.traceId === traceId ? saved : undefined;
    this.chart = new FlameChart(this.state, {
      hover: (index, event) => {
        if (index < 0) this.tooltip.hide();
        else this.tooltip.show(this.state, index, event.clientX, event.clientY);
      },
      click: (index) => {
        this.chart.canvasElement.focus();
        this.select(index, false);
      },
      doubleClick: (index) => {
        if (index < 0) this.chart.resetZoom();
        else this.chart.zoomToSpan(index);
      },
      drawn: (frame) => this.lanes.chartDrawn(frame),
      viewChanged: () => {
        // The bar under a still pointer changes as the view moves: the tooltip would describe another span.
        this.tooltip.hide();
        this.saveViewSoon();
      },
    });
    this.lanes = new ServerLanes(this.state, {
      hover: (lines, event) => {
        if (lines === null) this.tooltip.hide();
        else this.tooltip.showLines(lines, event.clientX, event.clientY);
      },
    });
    this.details = new DetailsPanel(this.state, {
      jumpToCode: (toSide) => void this.jumpToCode(toSide),
      openSpanDetails: () => {
        const spanId = this.state.selectedSpanId;
        if (spanId !== null) this.post({ type: 'openSpanDetails', traceId, spanId });
      },
      replay: () => {
        const spanId = this.state.selectedSpanId;
        if (spanId !== null) this.post({ type: 'replaySpan', traceId, spanId });
      },
      evaluate: () => {
        const spanId = this.state.selectedSpanId;
        if (spanId !== null) this.post({ type: 'evaluateSpan', traceId, spanId });
      },
    });
    this.toolbar = new Toolbar(this.state, {
      resetZoom: () => this.chart.resetZoom(),
      selectNextMatch: () => this.selectNextMatch(),
    });
    this.state.onChange((change) => {
      if (change === 'model') this.headerSlot.replaceChildren(renderHeader(this.state.model.snapshot.header));
      if (change === 'findings') this.details.showFindings();
      if (change === 'evaluations') this.details.showEvaluations();
      if (change === 'search' || change === 'mode') this.saveState();
    });
    this.banner.hidden = true;
    this.banner.setAttribute('role', 'status');
    root.replaceChildren(
      this.headerSlot,
      this.banner,
      this.toolbar.element,
      this.chart.element,
      this.lanes.element,
      this.details.element,
      this.tooltip.element,
    );
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** Shows the host's first snapshot with the saved view, then the requested or restored selection (posted to the host). */
  start(initial: InitialData): void {
    const { state } = this;
    this.shown = true;
    state.setModel(new TraceModel(initial.snapshot));
    const restored = this.saved;
    if (restored !== undefined) state.setMode(restored.mode);
    state.setSearch(restored?.search ?? '');
    if (restored?.zoom) this.chart.zoomTo(restored.zoom.x0Ms, restored.zoom.x1Ms);
    const spanId = initial.selectedSpanId ?? restored?.selectedSpanId ?? null;
    this.select(state.model.indexOf(spanId), initial.selectedSpanId !== null);
    this.chart.requestDraw();
    // After the frame that draws the trace: a callback queued now runs after the chart's in the same frame.
    requestAnimationFrame(() => setTimeout(() => this.toolbar.addControls()));
  }

  handle(message: ToWebview): void {
    if (message.traceId !== this.traceId || this.requests.settle(message)) return;
    switch (message.type) {
      case 'init':
        this.update(message.snapshot);
        if (message.selectedSpanId !== null) this.select(this.state.model.indexOf(message.selectedSpanId), true);
        break;
      case 'update':
        this.update(message.snapshot);
        break;
      case 'findings':
        this.state.setFindings(message.findings);
        break;
      case 'evaluations':
        this.state.setEvaluations(message.evaluations);
        break;
      case 'modelServers':
        this.lanes.setLanes(message.lanes, message.staleAfterMs);
        break;
      case 'spanModelServer': {
        // Kept in the selected details too, so that a later snapshot's re-render shows the new line.
        const details = this.selectedDetails && withModelServer(this.selectedDetails, message);
        if (details === undefined) break;
        this.selectedDetails = details;
        this.details.showModelServer(details);
        break;
      }
      case 'select':
        this.select(this.state.model.indexOf(message.spanId), true);
        break;
      case 'logsChanged': {
        const spanId = this.state.selectedSpanId;
        if (spanId !== null) void this.requestDetails(spanId);
        break;
      }
      case 'traceRemoved':
        this.banner.textContent =
          'This trace is no longer in the store (cleared or evicted): the flame graph shows its last state.';
        this.banner.hidden = false;
        break;
      case 'spanDetails':
      case 'jumpToCodeResult':
        // A reply to a request of an earlier page: nothing asked for it here.
        break;
      default:
        assertNever(message);
    }
  }

  /** A newer snapshot of the same trace: zoom, selection, search and mode stay. */
  private update(snapshot: TraceSnapshot): void {
    const { state } = this;
    if (snapshot.version <= state.model.version) return;
    state.setModel(new TraceModel(snapshot));
    this.details.show();
    const spanId = state.selectedSpanId;
    if (spanId === null) return;
    if (this.selectedDetails !== undefined) this.details.setDetails(this.selectedDetails);
    else void this.requestDetails(spanId);
  }

  private selectNextMatch(): void {
    const { matches, selected } = this.state;
    if (matches === null) return;
    for (let step = 1; step <= matches.length; step++) {
      const index = (selected + step + matches.length) % matches.length;
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
    const { model, selected: current } = this.state;
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
        if (current >= 0) void this.jumpToCode(event.altKey);
        break;
      case 'Escape':
        if (current >= 0) this.select(-1, false);
        else this.state.setSearch('');
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next >= 0 && next < model.layout.count) this.select(next, true);
  }

  /** Selects a span (-1 clears) and tells the host; `reveal` scrolls and pans it into view. */
  private select(index: number, reveal: boolean): void {
    if (!this.state.select(index)) {
      if (reveal && index >= 0) this.chart.reveal(index);
      return;
    }
    this.selectedDetails = undefined;
    this.details.show();
    const spanId = this.state.selectedSpanId;
    if (spanId !== null) {
      this.post({ type: 'selectSpan', traceId: this.traceId, spanId });
      void this.requestDetails(spanId);
      if (reveal) this.chart.reveal(index);
    }
    this.saveState();
  }

  /** Asks the host for the span's attributes, conversation and logs, and shows them if it is still selected. */
  private async requestDetails(spanId: string): Promise<void> {
    try {
      const details = await this.requests.request('requestSpanDetails', { traceId: this.traceId, spanId });
      if (spanId !== this.state.selectedSpanId) return;
      this.selectedDetails = details;
      this.details.setDetails(details);
    } catch (error) {
      if (spanId === this.state.selectedSpanId) this.details.setDetailsError(describeError(error));
    }
  }

  private async jumpToCode(toSide: boolean): Promise<void> {
    const spanId = this.state.selectedSpanId;
    if (spanId === null) return;
    try {
      const outcome = await this.requests.request('jumpToCode', { traceId: this.traceId, spanId, toSide });
      if (spanId === this.state.selectedSpanId) this.details.setJumpOutcome(outcome);
    } catch (error) {
      if (spanId === this.state.selectedSpanId) this.details.setJumpError(describeError(error));
    }
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
      selectedSpanId: this.state.selectedSpanId,
      zoom: domain === null ? null : { x0Ms: domain[0], x1Ms: domain[1] },
      mode: this.state.mode,
      search: this.state.search,
    });
  }
}

function assertNever(message: never): never {
  throw new Error(`Unknown message from the extension: ${JSON.stringify(message)}`);
}

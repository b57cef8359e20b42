/**
 * The chart area: the time (or token) axis, the canvas and its vertical scroller, with d3-zoom for wheel zoom and drag
 * pan along x only, kept inside the trace. Draws are coalesced to one per animation frame.
 */
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { visibleRange, type LevelRange } from '../../src/shared/flame/cull';
import { formatDuration, formatTokens } from '../../src/shared/format';
import { Axis } from './axis';
import { FlameRenderer, ROW_HEIGHT } from './flameRenderer';
import type { ChartFrame } from './serverLanes';
import { readColors, watchTheme, type ChartColors } from './theme';
import type { ViewState } from '../state';

/** Deepest zoom: a microsecond (or a token) across the view. */
const MIN_VISIBLE_UNITS = 0.001;

export interface ChartListener {
  /** The span under the pointer changed; -1 when none. */
  hover(index: number, event: MouseEvent): void;
  click(index: number): void;
  doubleClick(index: number): void;
  /** Zoom, pan or mode changed: the view is worth persisting. */
  viewChanged(): void;
  /** A frame was drawn with this scale (axis units to CSS pixels): what is drawn beside the chart follows it. */
  drawn(frame: ChartFrame): void;
}

export class FlameChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly axis = new Axis();
  private readonly renderer: FlameRenderer;
  private readonly zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown>;
  private readonly base: ScaleLinear<number, number> = scaleLinear();
  private transform: ZoomTransform = zoomIdentity;
  private colors: ChartColors;
  /** The canvas's computed font, read on the first draw and after a theme change rather than restyling every frame. */
  private font: string | undefined;
  private width = 0;
  private height = 0;
  private pendingFrame = 0;
  /** Measure the chart on the next draw: a new trace's header may have changed its height since the last resize. */
  private remeasure = false;
  /** A range asked for before the chart had a size, applied on the first resize; null means the whole trace. */
  private pendingDomain: [number, number] | null | undefined;
  private readonly hitRange: LevelRange = { first: 0, end: 0 };
  /** The span under the pointer, -1 when none. */
  private hovered = -1;

  constructor(
    private readonly state: ViewState,
    private readonly listener: ChartListener,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.scroller = document.createElement('div');
    this.scroller.className = 'chart-scroller';
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'chart-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label', 'Flame chart. Arrow keys move between spans, Enter jumps to code.');
    this.spacer = document.createElement('div');
    this.scroller.append(this.canvas, this.spacer);
    this.element.append(this.axis.element, this.scroller);

    this.renderer = new FlameRenderer(this.canvas);
    this.colors = readColors(document.body);
    watchTheme(() => {
      this.colors = readColors(document.body);
      this.font = undefined;
      this.axis.themeChanged();
      this.requestDraw();
    });

    this.zoomBehavior = zoom<HTMLCanvasElement, unknown>()
      // Shift+wheel scrolls the rows instead (below); any other wheel or drag zooms and pans.
      .filter((event: Event) => !(event instanceof WheelEvent && event.shiftKey) && !(event as MouseEvent).button)
      .on('zoom', (event: { transform: ZoomTransform }) => {
        this.transform = event.transform;
        this.requestDraw();
        this.listener.viewChanged();
      });
    select(this.canvas).call(this.zoomBehavior).on('dblclick.zoom', null);
    this.canvas.addEventListener('wheel', (event) => {
      if (!event.shiftKey) return;
      event.preventDefault();
      this.scroller.scrollTop += event.deltaY || event.deltaX;
    });
    this.scroller.addEventListener('scroll', () => this.requestDraw());
    this.canvas.addEventListener('mousemove', (event) => this.setHovered(this.hitTest(event), event));
    this.canvas.addEventListener('mouseleave', (event) => this.setHovered(-1, event));
    this.canvas.addEventListener('click', (event) => this.listener.click(this.hitTest(event)));
    this.canvas.addEventListener('dblclick', (event) => this.listener.doubleClick(this.hitTest(event)));
    new ResizeObserver(() => this.resize()).observe(this.scroller);
    this.watchPixelRatio();
    state.onChange((change) => {
      if (change === 'model') this.modelChanged();
      else if (change === 'mode') this.modeChanged();
      else this.requestDraw();
    });
  }

  /** Redraws at the new resolution when the window moves to a screen with another pixel ratio (or the user zooms). */
  private watchPixelRatio(): void {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener(
      'change',
      () => {
        this.requestDraw();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }

  get canvasElement(): HTMLCanvasElement {
    return this.canvas;
  }

  /** Another snapshot of the trace: the visible range stays unless the whole trace was showing, which then grows. */
  private modelChanged(): void {
    const domain = this.visibleDomain();
    this.remeasure = true;
    this.updateExtent();
    if (domain === null) this.resetZoom();
    else this.zoomTo(domain[0], domain[1]);
    this.requestDraw();
  }

  /** Bars as wide as time or tokens: another axis, shown whole. */
  private modeChanged(): void {
    this.updateExtent();
    this.resetZoom();
  }

  /** The visible range in axis units, or null when the whole trace shows. */
  visibleDomain(): [number, number] | null {
    if (this.width === 0) return this.pendingDomain ?? null;
    if (this.transform.k <= 1 + 1e-9) return null;
    const [x0, x1] = this.transform.rescaleX(this.base).domain() as [number, number];
    return [x0, x1];
  }

  zoomTo(x0: number, x1: number): void {
    if (this.width === 0) {
      this.pendingDomain = [x0, x1];
      return;
    }
    const total = this.state.model.extent(this.state.mode);
    const from = Math.max(0, x0);
    const to = Math.min(total, Math.max(x1, from + MIN_VISIBLE_UNITS));
    const k = total / (to - from);
    const transform = zoomIdentity.translate((-k * from * this.width) / total, 0).scale(k);
    select(this.canvas).call((canvas) => this.zoomBehavior.transform(canvas, transform));
  }

  resetZoom(): void {
    if (this.width === 0) {
      this.pendingDomain = null;
      return;
    }
    select(this.canvas).call((canvas) => this.zoomBehavior.transform(canvas, zoomIdentity));
  }

  /** Zooms to a span with a margin on each side. */
  zoomToSpan(index: number): void {
    const axis = this.state.model.axis(this.state.mode);
    const start = axis.start[index]!;
    const duration = axis.duration[index]!;
    const margin = Math.max(duration * 0.05, MIN_VISIBLE_UNITS);
    this.zoomTo(start - margin, start + duration + margin);
  }

  /** Pans so that the span is in view (horizontally and vertically), zooming only when it is wider than the view. */
  reveal(index: number): void {
    const top = this.state.model.layout.depth[index]! * ROW_HEIGHT;
    const scroller = this.scroller;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + this.height) scroller.scrollTop = top + ROW_HEIGHT - this.height;
    const domain = this.visibleDomain();
    if (domain === null) return;
    const axis = this.state.model.axis(this.state.mode);
    const start = axis.start[index]!;
    const end = start + axis.duration[index]!;
    const [x0, x1] = domain;
    if (start >= x0 && end <= x1) return;
    const span = x1 - x0;
    if (end - start > span) this.zoomToSpan(index);
    else this.zoomTo((start + end) / 2 - span / 2, (start + end) / 2 + span / 2);
  }

  requestDraw(): void {
    if (this.pendingFrame !== 0) return;
    this.pendingFrame = requestAnimationFrame(() => {
      // A draw asked for while drawing (the first measure moves the zoom) is this one.
      this.draw();
      this.pendingFrame = 0;
    });
  }

  /** The span under a pointer event, or -1. */
  hitTest(event: MouseEvent): number {
    const bounds = this.canvas.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const y = event.clientY - bounds.top + this.scroller.scrollTop;
    const depth = Math.floor(y / ROW_HEIGHT);
    const axis = this.state.model.axis(this.state.mode);
    if (depth < 0 || depth >= axis.levels.length) return -1;
    const scale = this.scale();
    const unitsPerPx = this.unitsPerPx();
    const at = scale.invert(x);
    const level = axis.levels[depth]!;
    const range = visibleRange(axis, depth, at - unitsPerPx, at + unitsPerPx, this.hitRange);
    // The last bar that contains the point, each at least a pixel wide as drawn.
    for (let k = range.end - 1; k >= range.first; k--) {
      const index = level[k]!;
      const start = axis.start[index]!;
      if (at >= start - unitsPerPx / 2 && at <= start + Math.max(axis.duration[index]!, unitsPerPx)) return index;
    }
    return -1;
  }

  private setHovered(index: number, event: MouseEvent): void {
    if (index !== this.hovered) {
      this.hovered = index;
      this.canvas.classList.toggle('over-span', index >= 0);
      this.requestDraw();
    }
    this.listener.hover(index, event);
  }

  private scale(): ScaleLinear<number, number> {
    return this.transform.rescaleX(this.base);
  }

  private unitsPerPx(): number {
    return this.state.model.extent(this.state.mode) / (this.width * this.transform.k || 1);
  }

  private updateExtent(): void {
    const total = this.state.model.extent(this.state.mode);
    this.base.domain([0, total]).range([0, this.width]);
    const extent: [[number, number], [number, number]] = [
      [0, 0],
      [this.width, this.height],
    ];
    this.zoomBehavior
      .extent(extent)
      .translateExtent(extent)
      .scaleExtent([1, Math.max(1, total / MIN_VISIBLE_UNITS)]);
    this.spacer.style.height = `${Math.max(0, this.state.model.axis(this.state.mode).levels.length * ROW_HEIGHT - this.height)}px`;
  }

  private resize(): void {
    const width = this.scroller.clientWidth;
    const height = this.scroller.clientHeight;
    // A hidden panel measures zero: keep the last size and view rather than collapsing the zoom.
    if (width === 0 || height === 0 || (width === this.width && height === this.height)) return;
    const domain = this.visibleDomain();
    this.pendingDomain = undefined;
    this.width = width;
    this.height = height;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.updateExtent();
    if (domain === null) this.resetZoom();
    else this.zoomTo(domain[0], domain[1]);
    this.requestDraw();
  }

  private draw(): void {
    // The first draw measures the chart itself rather than waiting a frame for the ResizeObserver, which reports
    // only after this frame's layout.
    if (this.width === 0 || this.remeasure) this.resize();
    this.remeasure = false;
    // Before the trace arrives there is nothing to draw (a trace has at least one span).
    if (this.width === 0 || this.height === 0 || this.state.model.layout.count === 0) return;
    const pixelRatio = window.devicePixelRatio || 1;
    const backingWidth = Math.round(this.width * pixelRatio);
    const backingHeight = Math.round(this.height * pixelRatio);
    if (this.canvas.width !== backingWidth || this.canvas.height !== backingHeight) {
      this.canvas.width = backingWidth;
      this.canvas.height = backingHeight;
    }
    const scale = this.scale();
    this.renderer.draw({
      model: this.state.model,
      mode: this.state.mode,
      x0: scale.domain()[0]!,
      unitsPerPx: this.unitsPerPx(),
      width: this.width,
      height: this.height,
      scrollTop: this.scroller.scrollTop,
      pixelRatio,
      colors: this.colors,
      font: (this.font ??= getComputedStyle(this.canvas).font),
      matches: this.state.matches,
      findingMarks: this.state.findingMarks,
      selected: this.state.selected,
      hovered: this.hovered,
    });
    const format = this.state.mode === 'time' ? formatDuration : (value: number) => `${formatTokens(value)} tok`;
    this.axis.draw(scale, this.width, pixelRatio, format, this.state.mode === 'time' ? 'Time axis' : 'Token axis');
    this.listener.drawn({ scale, width: this.width, pixelRatio, colors: this.colors });
  }
}

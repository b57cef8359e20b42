/**
 * Zoom and pan of the service map (d3-zoom on the viewport): the wheel or a pinch zooms, a drag pans, the toolbar's
 * buttons and the + / - / 0 keys zoom in, out and back to fit. Fit shows the whole drawing, centred, scaled down to
 * the panel but never below FIT_MIN_SCALE (still readable) nor above 1; a drawing larger than that starts at its
 * top-left, where the callers are. The view stays fitted (through resizes and new maps) until the user zooms or pans;
 * after that a new map keeps the user's view unless its size changed by more than a third either way, where the old
 * view would show the wrong part. A node focused by the keyboard outside the view is panned to the centre.
 */
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import { codicon, element } from '../dom';

const FIT_MIN_SCALE = 0.6;
const SCALE_EXTENT: [number, number] = [0.1, 4];
const STEP = 1.25;
/** Room around the drawing that panning may show, in drawing pixels. */
const MARGIN = 40;
/** How far a new map's width or height may change (as a ratio) before the user's view gives way to fit. */
const SIZE_CHANGE_REFIT = 4 / 3;

interface Size {
  readonly width: number;
  readonly height: number;
}

export class MapZoom {
  private readonly behavior: ZoomBehavior<HTMLElement, unknown>;
  private size: Size | undefined;
  /** Whether the view is the fitted one, so it follows resizes and new maps. */
  private fitted = true;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly graph: HTMLElement,
  ) {
    this.behavior = zoom<HTMLElement, unknown>()
      .scaleExtent(SCALE_EXTENT)
      .on('zoom', (event: { transform: ZoomTransform; sourceEvent: Event | null }) => {
        // A wheel, pinch or drag (not our own calls, which have no source event) leaves the fitted view.
        if (event.sourceEvent !== null) this.fitted = false;
        const { x, y, k } = event.transform;
        this.graph.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
      });
    // A double click on a node is two activations, not a zoom.
    select(this.viewport).call(this.behavior).on('dblclick.zoom', null);
    new ResizeObserver(() => {
      if (this.fitted) this.fit();
    }).observe(this.viewport);
    window.addEventListener('keydown', (event) => this.onKey(event));
    this.graph.addEventListener('focusin', (event) => this.keepInView(event.target as HTMLElement));
  }

  /** The zoom buttons, for the page to place. */
  toolbar(): HTMLElement {
    const bar = element('div', 'zoom-toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', 'Zoom');
    bar.append(
      button('zoom-in', 'Zoom In (+)', () => this.zoomBy(STEP)),
      button('zoom-out', 'Zoom Out (-)', () => this.zoomBy(1 / STEP)),
      button('screen-normal', 'Fit to View (0)', () => this.fit()),
    );
    return bar;
  }

  /** A new drawing of `size`: fitted, unless the user's view is still worth keeping (see the header). */
  layout(size: Size): void {
    const previous = this.size;
    this.size = size;
    this.behavior.translateExtent([
      [-MARGIN, -MARGIN],
      [size.width + MARGIN, size.height + MARGIN],
    ]);
    const ratio = (now: number, before: number) => Math.max(now / before, before / now);
    const resized =
      previous === undefined ||
      ratio(size.width, previous.width) > SIZE_CHANGE_REFIT ||
      ratio(size.height, previous.height) > SIZE_CHANGE_REFIT;
    if (this.fitted || resized) this.fit();
  }

  fit(): void {
    if (this.size === undefined) return;
    const { width, height } = this.size;
    const { clientWidth, clientHeight } = this.viewport;
    // A hidden panel measures zero: keep the view it had.
    if (clientWidth === 0 || clientHeight === 0) return;
    const scale = Math.max(FIT_MIN_SCALE, Math.min(1, clientWidth / width, clientHeight / height));
    const offset = (room: number, extent: number) => Math.max(0, (room - extent * scale) / 2);
    const transform = zoomIdentity.translate(offset(clientWidth, width), offset(clientHeight, height)).scale(scale);
    select(this.viewport).call((viewport) => this.behavior.transform(viewport, transform));
    this.fitted = true;
  }

  private zoomBy(factor: number): void {
    select(this.viewport).call((viewport) => this.behavior.scaleBy(viewport, factor));
    this.fitted = false;
  }

  /** + (or =, the same key unshifted), - and 0, from anywhere on the page; modified keys stay VS Code's. */
  private onKey(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey || this.size === undefined) return;
    const action = { '+': () => this.zoomBy(STEP), '=': () => this.zoomBy(STEP), '-': () => this.zoomBy(1 / STEP) }[
      event.key
    ];
    if (action !== undefined) action();
    else if (event.key === '0') this.fit();
    else return;
    event.preventDefault();
  }

  /** Pans a node the keyboard focused to the centre when any of it is out of view (a click's focus stays put). */
  private keepInView(target: HTMLElement): void {
    if (!target.classList.contains('node') || !target.matches(':focus-visible')) return;
    const view = this.viewport.getBoundingClientRect();
    const box = target.getBoundingClientRect();
    const inside = box.left >= view.left && box.right <= view.right && box.top >= view.top && box.bottom <= view.bottom;
    if (inside) return;
    const centreX = target.offsetLeft + target.offsetWidth / 2;
    const centreY = target.offsetTop + target.offsetHeight / 2;
    select(this.viewport).call((viewport) => this.behavior.translateTo(viewport, centreX, centreY));
    this.fitted = false;
  }
}

function button(icon: string, title: string, act: () => void): HTMLButtonElement {
  const control = element('button', 'zoom-button');
  control.type = 'button';
  control.title = title;
  control.setAttribute('aria-label', title.replace(/ \(.\)$/, ''));
  control.append(codicon(icon));
  control.addEventListener('click', act);
  return control;
}

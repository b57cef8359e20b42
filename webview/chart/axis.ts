/**
 * The time (or token) axis above the chart: d3-scale's ticks and their labels, drawn on a canvas of their own. An SVG
 * axis re-rendered on every zoom frame cost the frame its style, layout and paint, some 3.5 ms of a 10 ms frame. The
 * tick labels are also the canvas's accessible name, as the SVG's text was.
 */
import type { ScaleLinear } from 'd3-scale';

export const AXIS_HEIGHT = 24;
const TICK_SIZE = 6;
const LABEL_GAP = 3;
/** Labels closer to an edge than this are anchored inwards, so that they are not cut in half. */
const EDGE = 30;

export class Axis {
  readonly element: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  /** The computed colour and font, read on the first draw and after a theme change rather than restyling every frame. */
  private style: { color: string; font: string } | undefined;
  private label = '';

  constructor() {
    this.element = document.createElement('canvas');
    this.element.className = 'axis';
    this.element.setAttribute('role', 'img');
    const context = this.element.getContext('2d');
    if (context === null) throw new Error('The flame chart needs a 2D canvas context.');
    this.context = context;
  }

  /** Reads the colour and font again on the next draw. */
  themeChanged(): void {
    this.style = undefined;
  }

  /**
   * Draws `scale` with about a tick per 100 pixels across `width` CSS pixels, each label from `format` (0 stays `0`);
   * `name` starts the accessible name.
   */
  draw(
    scale: ScaleLinear<number, number>,
    width: number,
    pixelRatio: number,
    format: (value: number) => string,
    name: string,
  ): void {
    const { element, context } = this;
    const backingWidth = Math.round(width * pixelRatio);
    const backingHeight = Math.round(AXIS_HEIGHT * pixelRatio);
    // As wide as the chart's canvas, which a vertical scrollbar may narrow; the page's style gives the height.
    if (element.width !== backingWidth || element.height !== backingHeight) {
      element.width = backingWidth;
      element.height = backingHeight;
      element.style.width = `${width}px`;
    }
    if (this.style === undefined) {
      const computed = getComputedStyle(element);
      this.style = { color: computed.color, font: computed.font };
    }
    context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    context.clearRect(0, 0, width, AXIS_HEIGHT);
    context.strokeStyle = context.fillStyle = this.style.color;
    context.font = this.style.font;
    context.lineWidth = 1;
    context.textBaseline = 'alphabetic';
    const baseline = AXIS_HEIGHT - 0.5;
    context.beginPath();
    context.moveTo(0, baseline);
    context.lineTo(width, baseline);
    const ticks = scale.ticks(Math.max(2, Math.floor(width / 100)));
    const labels: string[] = [];
    for (const value of ticks) {
      const x = Math.round(scale(value)) + 0.5;
      context.moveTo(x, baseline);
      context.lineTo(x, baseline - TICK_SIZE);
      const text = value === 0 ? '0' : format(value);
      labels.push(text);
      context.textAlign = x < EDGE ? 'left' : x > width - EDGE ? 'right' : 'center';
      context.fillText(text, x, baseline - TICK_SIZE - LABEL_GAP);
    }
    context.stroke();
    const label = `${name}: ${labels.join(', ')}`;
    if (label !== this.label) {
      this.label = label;
      element.setAttribute('aria-label', label);
    }
  }
}

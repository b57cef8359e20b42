/**
 * Draws one frame of the flame chart on a canvas. Bars come from `forEachDrawable` (sub-pixel bars as one rectangle
 * per pixel column at most) into reused typed arrays, or for a row zoomed out far enough from `drawSummarized` (its
 * sub-pixel bars as the span that colours each pixel column, its wider bars as rectangles). They are painted into a
 * strip of one pixel row per chart row (`BarStrip`), which is stretched onto the chart with one drawImage per row, and
 * the rectangles get their outlines, TTFT ticks, labels and finding marks in separate passes. Nothing is allocated per
 * bar.
 */
import { AI_KINDS } from '../../src/shared/aiKinds';
import { LevelCuller } from '../../src/shared/flame/cull';
import { FlameFlag, type FlameAxis } from '../../src/shared/flame/layout';
import type { TraceModel } from '../traceModel';
import type { ChartMode } from '../vscodeApi';
import { TextFitter } from './textFit';
import { DIMMED_ALPHA, type ChartColors } from './theme';

export const ROW_HEIGHT = 20;
const BAR_HEIGHT = ROW_HEIGHT - 2;
/** Narrower bars get no label: a letter and an ellipsis do not tell anything. */
const MIN_LABEL_WIDTH = 24;
const LABEL_PADDING = 4;
const TTFT_NOTCH = 4;
/** A finding's mark: a triangle in the bar's top right corner, its legs this long; narrower bars get none. */
const MARK_SIZE = 8;
const MIN_MARK_WIDTH = MARK_SIZE + 2;
/** `ChartColors.barPixels` index of a failed span's colour, as is (then dimmed at + 1). */
const ERROR_PIXEL = AI_KINDS.length * 2;

export interface Frame {
  readonly model: TraceModel;
  readonly mode: ChartMode;
  /** Axis units at the left edge of the canvas, and per CSS pixel. */
  readonly x0: number;
  readonly unitsPerPx: number;
  readonly width: number;
  readonly height: number;
  /** Vertical scroll offset in CSS pixels. */
  readonly scrollTop: number;
  readonly pixelRatio: number;
  readonly colors: ChartColors;
  readonly font: string;
  /** Search matches (1 = match), null when no search is active. */
  readonly matches: Uint8Array | null;
  /** Per span, its most severe finding's `SEVERITY_MARK`, 0 when none. */
  readonly findingMarks: Uint8Array;
  readonly selected: number;
  readonly hovered: number;
}

/** Growable columns of the frame's rectangles. */
class Rects {
  count = 0;
  index = new Int32Array(1024);
  x = new Float64Array(1024);
  width = new Float64Array(1024);
  merged = new Int32Array(1024);
  depth = new Int32Array(1024);

  push(index: number, x: number, width: number, merged: number, depth: number): void {
    if (this.count === this.index.length) this.grow();
    const k = this.count++;
    this.index[k] = index;
    this.x[k] = x;
    this.width[k] = width;
    this.merged[k] = merged;
    this.depth[k] = depth;
  }

  private grow(): void {
    const size = this.index.length * 2;
    const index = new Int32Array(size);
    index.set(this.index);
    this.index = index;
    const x = new Float64Array(size);
    x.set(this.x);
    this.x = x;
    const width = new Float64Array(size);
    width.set(this.width);
    this.width = width;
    const merged = new Int32Array(size);
    merged.set(this.merged);
    this.merged = merged;
    const depth = new Int32Array(size);
    depth.set(this.depth);
    this.depth = depth;
  }
}

/**
 * The bar fills of a frame as pixels: one row per chart row, at device resolution. A 100k-span trace at full view has
 * some 12k rectangles (mostly pixel columns of merged sub-pixel bars); as fillRect calls the canvas rasterized each on
 * its own, which cost more than everything else in a frame. Filling pixel runs of a typed array and stretching each
 * row to the bar height (nearest neighbour) draws the same pixels with one drawImage per row. Bar edges fall on whole
 * device pixels instead of being antialiased.
 */
class BarStrip {
  private readonly canvas = new OffscreenCanvas(1, 1);
  private readonly context: OffscreenCanvasRenderingContext2D;
  private image: ImageData | undefined;
  pixels = new Uint32Array(0);
  /** Pixels per row of `pixels`. */
  stride = 0;

  constructor() {
    const context = this.canvas.getContext('2d');
    if (context === null) throw new Error('The flame chart needs a 2D canvas context.');
    this.context = context;
  }

  /** Clears `rows` rows at least `width` pixels wide. */
  begin(width: number, rows: number): void {
    if (this.image === undefined || this.image.width < width || this.image.height < rows) {
      this.canvas.width = Math.max(width, this.canvas.width);
      this.canvas.height = Math.max(rows, this.canvas.height, 1);
      this.image = new ImageData(this.canvas.width, this.canvas.height);
      this.pixels = new Uint32Array(this.image.data.buffer);
      this.stride = this.image.width;
    }
    this.pixels.fill(0, 0, this.stride * rows);
  }

  /** Copies `rows` rows of `width` pixels to the strip canvas and returns it. */
  end(width: number, rows: number): OffscreenCanvas {
    this.context.putImageData(this.image!, 0, 0, 0, 0, width, rows);
    return this.canvas;
  }
}

export class FlameRenderer {
  private readonly context: CanvasRenderingContext2D;
  private readonly fitter: TextFitter;
  private readonly rects = new Rects();
  private readonly strip = new BarStrip();
  private readonly culler = new LevelCuller();
  /** Per row of the frame, the span colouring each pixel column (`drawSummarized`), rows one after the other. */
  private columns = new Int32Array(0);
  /** Per row of the frame, 1 when `columns` holds it. */
  private summarized = new Uint8Array(0);
  private currentDepth = 0;
  /** Bound once: the culler's callback must not be a new closure per frame. */
  private readonly collect = (index: number, x: number, width: number, merged: number): void =>
    this.rects.push(index, x, width, merged, this.currentDepth);

  constructor(canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('The flame chart needs a 2D canvas context.');
    this.context = context;
    this.fitter = new TextFitter(context);
  }

  draw(frame: Frame): void {
    const { context, rects } = this;
    const { width, height, pixelRatio } = frame;
    context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
    context.clearRect(0, 0, width, height);
    const axis = frame.model.axis(frame.mode);
    rects.count = 0;
    const firstRow = Math.max(0, Math.floor(frame.scrollTop / ROW_HEIGHT));
    const lastRow = Math.min(axis.levels.length - 1, Math.floor((frame.scrollTop + height) / ROW_HEIGHT));
    const rowCount = lastRow - firstRow + 1;
    const columnCount = Math.ceil(width);
    if (this.columns.length < rowCount * columnCount) this.columns = new Int32Array(rowCount * columnCount);
    if (this.summarized.length < rowCount) this.summarized = new Uint8Array(rowCount);
    for (let depth = firstRow; depth <= lastRow; depth++) {
      this.currentDepth = depth;
      const row = depth - firstRow;
      const columns = this.columns.subarray(row * columnCount, (row + 1) * columnCount);
      const summarized = this.culler.drawSummarized(
        axis,
        depth,
        frame.x0,
        frame.unitsPerPx,
        width,
        columns,
        this.collect,
      );
      this.summarized[row] = summarized ? 1 : 0;
      if (!summarized) this.culler.forEachDrawable(axis, depth, frame.x0, frame.unitsPerPx, width, this.collect);
    }
    this.fillBars(frame, firstRow, rowCount);
    this.outline(frame);
    if (frame.mode === 'time') this.ttftTicks(frame);
    this.labels(frame);
    this.findingMarks(frame);
    this.highlight(frame, axis, frame.hovered, 1);
    this.highlight(frame, axis, frame.selected, 2);
  }

  private top(frame: Frame, depth: number): number {
    return depth * ROW_HEIGHT - frame.scrollTop + 1;
  }

  private fillBars(frame: Frame, firstRow: number, rowCount: number): void {
    const { context, rects, strip } = this;
    if (rowCount <= 0) return;
    const { kind } = frame.model.layout;
    const { matches } = frame;
    const barPixels = frame.colors.barPixels;
    const ratio = frame.pixelRatio;
    const width = Math.round(frame.width * ratio);
    strip.begin(width, rowCount);
    const { pixels, stride } = strip;
    // The summarized rows' columns, then the rectangles, then the columns of failed spans over them: a bar a pixel
    // wide or more covers the columns it hides, and nothing covers a failure.
    this.fillColumns(frame, rowCount, false);
    for (let k = 0; k < rects.count; k++) {
      const index = rects.index[k]!;
      const dimmed = matches !== null && matches[index] === 0 ? 1 : 0;
      const barWidth = rects.width[k]!;
      // A one-pixel gap keeps touching siblings apart once they are wide enough to spare it.
      const left = Math.max(0, Math.round(rects.x[k]! * ratio));
      const right = Math.min(
        width,
        Math.max(left + 1, Math.round((rects.x[k]! + (barWidth > 3 ? barWidth - 1 : barWidth)) * ratio)),
      );
      const row = (rects.depth[k]! - firstRow) * stride;
      pixels.fill(barPixels[kind[index]! * 2 + dimmed]!, row + left, row + right);
    }
    this.fillColumns(frame, rowCount, true);
    const image = strip.end(width, rowCount);
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.imageSmoothingEnabled = false;
    const barHeight = Math.round(BAR_HEIGHT * ratio);
    for (let row = 0; row < rowCount; row++) {
      const top = Math.round(this.top(frame, firstRow + row) * ratio);
      context.drawImage(image, 0, row, width, 1, 0, top, width, barHeight);
    }
    context.restore();
  }

  /**
   * Paints the summarized rows' columns of failed spans (`failed`) or of the others into the strip. A failed column
   * takes the error colour: at a pixel wide, an outline would hide its fill anyway.
   */
  private fillColumns(frame: Frame, rowCount: number, failed: boolean): void {
    const { kind, flags } = frame.model.layout;
    const { matches } = frame;
    const { pixels, stride } = this.strip;
    const ratio = frame.pixelRatio;
    const width = Math.round(frame.width * ratio);
    const pixelsPerColumn = Math.max(1, Math.round(ratio));
    const columnCount = Math.ceil(frame.width);
    for (let row = 0; row < rowCount; row++) {
      if (this.summarized[row] === 0) continue;
      for (let at = 0, offset = row * columnCount; at < columnCount; at++) {
        const index = this.columns[offset + at]!;
        if (index < 0 || (flags[index]! & FlameFlag.Error) !== (failed ? FlameFlag.Error : 0)) continue;
        const dimmed = matches !== null && matches[index] === 0 ? 1 : 0;
        const color = frame.colors.barPixels[(failed ? ERROR_PIXEL : kind[index]! * 2) + dimmed]!;
        const left = row * stride + Math.round(at * ratio);
        pixels.fill(color, left, Math.min(row * stride + width, left + pixelsPerColumn));
      }
    }
  }

  private outline(frame: Frame): void {
    const { context, rects } = this;
    const { flags } = frame.model.layout;
    context.lineWidth = 1;
    for (const [flag, color, dash] of [
      [FlameFlag.Error, frame.colors.error, []],
      [FlameFlag.Orphan, frame.colors.orphan, [3, 2]],
    ] as const) {
      context.strokeStyle = color;
      context.setLineDash(dash);
      for (let k = 0; k < rects.count; k++) {
        // Merged columns are coloured by an error whenever they hold one, and never mix failed and other columns, so
        // their outline is true; an orphan among merged bars does not choose the colour.
        if ((flags[rects.index[k]!]! & flag) === 0 || (flag === FlameFlag.Orphan && rects.merged[k]! > 1)) continue;
        const barWidth = Math.max(rects.width[k]! - 2, 1);
        context.strokeRect(rects.x[k]! + 0.5, this.top(frame, rects.depth[k]!) + 0.5, barWidth, BAR_HEIGHT - 1);
      }
    }
    context.setLineDash([]);
  }

  private ttftTicks(frame: Frame): void {
    const { context, rects } = this;
    const { flags, ttft, start, trueStart } = frame.model.layout;
    context.fillStyle = frame.colors.ttft;
    for (let k = 0; k < rects.count; k++) {
      const index = rects.index[k]!;
      if ((flags[index]! & FlameFlag.HasTtft) === 0 || rects.merged[k]! > 1 || rects.width[k]! < 4) continue;
      // TTFT counts from the span's own start, which clipping may have moved.
      const at = (trueStart[index]! + ttft[index]! - start[index]!) / frame.unitsPerPx + rects.x[k]!;
      if (at <= rects.x[k]! || at >= rects.x[k]! + rects.width[k]!) continue;
      // Notches at the top and bottom edges, clear of the label in the middle.
      const top = this.top(frame, rects.depth[k]!);
      context.fillRect(Math.round(at) - 1, top, 2, TTFT_NOTCH);
      context.fillRect(Math.round(at) - 1, top + BAR_HEIGHT - TTFT_NOTCH, 2, TTFT_NOTCH);
    }
  }

  private labels(frame: Frame): void {
    const { context, rects, fitter } = this;
    fitter.begin(frame.font, frame.pixelRatio);
    context.textBaseline = 'middle';
    context.fillStyle = frame.colors.text;
    for (let k = 0; k < rects.count; k++) {
      const barWidth = rects.width[k]!;
      if (barWidth < MIN_LABEL_WIDTH || rects.merged[k]! > 1) continue;
      const index = rects.index[k]!;
      // A bar that starts left of the view keeps its label in view. Rectangles of a row come in start order, so an
      // overlapping bar (concurrent siblings share a row) is the next one: the label stops where it begins.
      const left = Math.max(rects.x[k]!, 0) + LABEL_PADDING;
      let right = Math.min(rects.x[k]! + barWidth, frame.width);
      if (k + 1 < rects.count && rects.depth[k + 1] === rects.depth[k]) right = Math.min(right, rects.x[k + 1]!);
      // A finding's mark keeps its corner.
      if ((frame.findingMarks[index] ?? 0) > 0) right -= MARK_SIZE;
      const room = right - LABEL_PADDING - left;
      if (room < MIN_LABEL_WIDTH - 2 * LABEL_PADDING) continue;
      const text = this.label(frame.model, index, room);
      if (text === '') continue;
      context.globalAlpha = frame.matches !== null && frame.matches[index] === 0 ? DIMMED_ALPHA : 1;
      context.fillText(text, left, this.top(frame, rects.depth[k]!) + BAR_HEIGHT / 2);
    }
    context.globalAlpha = 1;
  }

  /**
   * A triangle in the severity's colour in the top right corner of each bar with a finding, at the right edge of the
   * view for a bar running past it. Culled like labels: merged columns and bars too narrow to hold it get none.
   */
  private findingMarks(frame: Frame): void {
    const { context, rects } = this;
    const marks = frame.findingMarks;
    if (marks.length === 0) return;
    context.strokeStyle = frame.colors.background;
    context.lineWidth = 1;
    for (let k = 0; k < rects.count; k++) {
      const index = rects.index[k]!;
      const mark = marks[index] ?? 0;
      if (mark === 0 || rects.merged[k]! > 1) continue;
      const right = Math.min(rects.x[k]! + rects.width[k]! - 1, frame.width);
      if (right - Math.max(rects.x[k]!, 0) < MIN_MARK_WIDTH) continue;
      const top = this.top(frame, rects.depth[k]!);
      context.globalAlpha = frame.matches !== null && frame.matches[index] === 0 ? DIMMED_ALPHA : 1;
      context.fillStyle = frame.colors.findingMarks[mark]!;
      context.beginPath();
      context.moveTo(right - MARK_SIZE, top);
      context.lineTo(right, top);
      context.lineTo(right, top + MARK_SIZE);
      context.closePath();
      context.fill();
      // Its long edge in the background colour sets it off from a bar of a similar hue (a warning on a tool).
      context.beginPath();
      context.moveTo(right - MARK_SIZE, top);
      context.lineTo(right, top + MARK_SIZE);
      context.stroke();
    }
    context.globalAlpha = 1;
  }

  /** The richest label that fits: model calls prefer their figures to a cut name. */
  private label(model: TraceModel, index: number, room: number): string {
    const { fitter } = this;
    for (const candidate of model.labels(index)) {
      if (fitter.width(candidate) <= room) return candidate;
    }
    return fitter.fit(model.name(index), room);
  }

  private highlight(frame: Frame, axis: FlameAxis, index: number, lineWidth: number): void {
    if (index < 0) return;
    const depth = frame.model.layout.depth[index]!;
    const left = (axis.start[index]! - frame.x0) / frame.unitsPerPx;
    const barWidth = Math.max(axis.duration[index]! / frame.unitsPerPx, 1);
    if (frame.mode === 'tokens' && !(axis.duration[index]! > 0)) return;
    const { context } = this;
    context.strokeStyle = frame.colors.selection;
    context.lineWidth = lineWidth;
    const inset = lineWidth / 2;
    context.strokeRect(left - inset, this.top(frame, depth) - inset, barWidth + lineWidth, BAR_HEIGHT + lineWidth);
  }
}

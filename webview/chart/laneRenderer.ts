/**
 * Draws one model-server lane on its canvas: a track per metric, each a step line (a gauge holds its value until the
 * next sample, for as long as the sample is fresh) under its label and value-axis hint, then the selected LLM call's
 * start and first-token cursors and the hover rule. The x positions come from the flame chart's own zoomed scale.
 */
import type { ScaleLinear } from 'd3-scale';
import { sampleEnd, sampleIndexAt, valueAxisMax, type LaneSeries, type ServerLane } from '../../src/shared/serverLanes';
import type { ChartColors } from './theme';

export const TRACK_HEIGHT = 30;
/** The band at the top of a track that holds its label; the line is drawn below it. */
const LABEL_BAND = 11;
const LINE_PADDING = 2;
const LABEL_INSET = 4;

export interface LaneFrame {
  /** The flame chart's scale: axis units (ms from the trace start) to CSS pixels. */
  readonly scale: ScaleLinear<number, number>;
  readonly width: number;
  readonly pixelRatio: number;
  readonly colors: ChartColors;
  readonly font: string;
  readonly staleAfterMs: number;
  /** Vertical cursors in axis units: the selected LLM call's start and first token. */
  readonly cursors: readonly number[];
  /** The hover rule's x in CSS pixels, or null. */
  readonly hoverX: number | null;
}

export function laneHeight(lane: ServerLane): number {
  return lane.series.length * TRACK_HEIGHT;
}

export function drawLane(canvas: HTMLCanvasElement, lane: ServerLane, frame: LaneFrame): void {
  const { width, pixelRatio, colors } = frame;
  const height = laneHeight(lane);
  const backingWidth = Math.round(width * pixelRatio);
  const backingHeight = Math.round(height * pixelRatio);
  if (canvas.width !== backingWidth || canvas.height !== backingHeight) {
    canvas.width = backingWidth;
    canvas.height = backingHeight;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
  context.clearRect(0, 0, width, height);
  context.font = frame.font;
  context.lineWidth = 1;
  lane.series.forEach((series, track) => drawTrack(context, series, track * TRACK_HEIGHT, frame));
  context.strokeStyle = colors.selection;
  context.beginPath();
  for (const time of frame.cursors) verticalLine(context, frame.scale(time), height);
  context.stroke();
  if (frame.hoverX !== null) {
    context.strokeStyle = colors.laneText;
    context.beginPath();
    verticalLine(context, frame.hoverX, height);
    context.stroke();
  }
}

function drawTrack(context: CanvasRenderingContext2D, series: LaneSeries, top: number, frame: LaneFrame): void {
  const { scale, width, colors, staleAfterMs } = frame;
  const max = valueAxisMax(series);
  const bottom = top + TRACK_HEIGHT - LINE_PADDING;
  const plotHeight = TRACK_HEIGHT - LABEL_BAND - 2 * LINE_PADDING;
  // Pixel rows are centred on the half pixel so that a 1 px line stays one pixel crisp.
  const yOf = (value: number) => Math.round(bottom - (Math.min(Math.max(value, 0), max) / max) * plotHeight) - 0.5;
  context.fillStyle = colors.laneText;
  context.textBaseline = 'top';
  context.textAlign = 'left';
  context.fillText(series.label, LABEL_INSET, top + 1);
  context.textAlign = 'right';
  context.fillText(series.unit === '%' ? '0–100%' : `max ${Math.round(max)}`, width - LABEL_INSET, top + 1);

  const [from, to] = scale.domain() as [number, number];
  const { times, values } = series;
  // From the sample standing at the left edge (or the first after it) to the last one before the right edge.
  let index = Math.max(0, sampleIndexAt(series, from, Number.POSITIVE_INFINITY));
  context.strokeStyle = colors.lane[series.metric];
  context.beginPath();
  let previousEnd = Number.NaN;
  let previousY = 0;
  for (; index < times.length && times[index]! <= to; index++) {
    const end = sampleEnd(series, index, staleAfterMs);
    if (end < from) continue;
    const x0 = Math.round(scale(times[index]!)) + 0.5;
    const x1 = Math.round(scale(end)) + 0.5;
    const y = yOf(values[index]!);
    if (previousEnd === times[index]) {
      // The step from the value before, at this sample's time.
      context.moveTo(x0, previousY);
      context.lineTo(x0, y);
    } else {
      context.moveTo(x0, y);
    }
    context.lineTo(Math.max(x1, x0 + 1), y);
    previousEnd = end;
    previousY = y;
  }
  context.stroke();
}

function verticalLine(context: CanvasRenderingContext2D, x: number, height: number): void {
  const column = Math.round(x) + 0.5;
  context.moveTo(column, 0);
  context.lineTo(column, height);
}

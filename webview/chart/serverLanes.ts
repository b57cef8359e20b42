/**
 * The model-server lanes under the flame chart: one per server the host found active in the trace's window, each a
 * header row (a button that collapses it) over a canvas drawn by laneRenderer.ts with the flame chart's scale, redrawn
 * whenever the chart draws. Hovering a lane draws a rule across all of them and lists the lane's values at that time.
 * Time mode only: in token mode the x axis is not time, so the lanes hide.
 */
import type { ScaleLinear } from 'd3-scale';
import { formatDuration } from '../../src/shared/format';
import { formatLaneValue, sampleIndexAt, type ServerLane } from '../../src/shared/serverLanes';
import { codicon, element } from '../dom';
import type { ViewState } from '../state';
import { drawLane, laneHeight, type LaneFrame } from './laneRenderer';
import { watchTheme, type ChartColors } from './theme';

/** What the flame chart drew with: the lanes draw with the same. */
export interface ChartFrame {
  readonly scale: ScaleLinear<number, number>;
  readonly width: number;
  readonly pixelRatio: number;
  readonly colors: ChartColors;
}

export interface LanesListener {
  /** The pointer is over a lane at a time: show these lines; null hides them. */
  hover(lines: [className: string, text: string][] | null, event: MouseEvent): void;
}

/** Numbers the lane canvases, for their headers' aria-controls. */
let laneIds = 0;

interface LaneView {
  readonly lane: ServerLane;
  readonly canvas: HTMLCanvasElement;
}

export class ServerLanes {
  readonly element = element('div', 'lanes');
  private views: LaneView[] = [];
  private staleAfterMs = 0;
  /** Collapsed lanes by target, kept while the page lives and across new lanes from the host. */
  private readonly collapsed = new Set<string>();
  private chart: ChartFrame | undefined;
  private font: string | undefined;
  private hoverX: number | null = null;

  constructor(
    private readonly state: ViewState,
    private readonly listener: LanesListener,
  ) {
    this.element.hidden = true;
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Model servers');
    // The chart redraws on a theme change, and the lanes with it, in the new colours and font.
    watchTheme(() => (this.font = undefined));
  }

  /** The host's lanes for the trace's window; none hides the area. */
  setLanes(lanes: readonly ServerLane[], staleAfterMs: number): void {
    this.staleAfterMs = staleAfterMs;
    this.views = lanes.map((lane) => ({ lane, canvas: this.laneCanvas(lane) }));
    this.element.replaceChildren(...this.views.flatMap(({ lane, canvas }) => [this.header(lane, canvas), canvas]));
    this.updateVisibility();
    this.draw();
  }

  /** Draws with the frame the flame chart has just drawn. */
  chartDrawn(chart: ChartFrame): void {
    this.chart = chart;
    this.updateVisibility();
    this.draw();
  }

  private updateVisibility(): void {
    this.element.hidden = this.views.length === 0 || this.state.mode !== 'time';
  }

  private header(lane: ServerLane, canvas: HTMLCanvasElement): HTMLElement {
    const toggle = element('button', 'lane-toggle');
    const chevron = codicon('chevron-down');
    toggle.append(chevron, element('span', 'lane-name', `${lane.server} ${lane.target}`));
    toggle.title = lane.target;
    toggle.setAttribute('aria-controls', canvas.id);
    const apply = () => {
      const collapsed = this.collapsed.has(lane.target);
      canvas.hidden = collapsed;
      chevron.className = `codicon codicon-chevron-${collapsed ? 'right' : 'down'}`;
      toggle.setAttribute('aria-expanded', String(!collapsed));
    };
    toggle.addEventListener('click', () => {
      if (!this.collapsed.delete(lane.target)) this.collapsed.add(lane.target);
      apply();
      this.draw();
    });
    apply();
    const row = element('div', 'lane-header');
    row.append(toggle);
    return row;
  }

  private laneCanvas(lane: ServerLane): HTMLCanvasElement {
    const canvas = element('canvas', 'lane-canvas');
    canvas.id = `lane-${++laneIds}`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${lane.server} ${lane.target}: ${lane.series.map((s) => s.label).join(', ')}`);
    canvas.style.height = `${laneHeight(lane)}px`;
    canvas.addEventListener('mousemove', (event) => this.hover(lane, canvas, event));
    canvas.addEventListener('mouseleave', (event) => {
      this.hoverX = null;
      this.listener.hover(null, event);
      this.draw();
    });
    return canvas;
  }

  private hover(lane: ServerLane, canvas: HTMLCanvasElement, event: MouseEvent): void {
    if (this.chart === undefined) return;
    this.hoverX = event.clientX - canvas.getBoundingClientRect().left;
    const time = this.chart.scale.invert(this.hoverX);
    const lines: [string, string][] = [
      ['tooltip-title', `${lane.server} ${lane.target}`],
      ['', `At ${formatDuration(Math.max(0, time))}`],
    ];
    for (const series of lane.series) {
      const index = sampleIndexAt(series, time, this.staleAfterMs);
      const value = index < 0 ? 'no data' : formatLaneValue(series, series.values[index]!);
      lines.push(['', `${series.label}: ${value}`]);
    }
    this.listener.hover(lines, event);
    this.draw();
  }

  private draw(): void {
    const { chart } = this;
    if (chart === undefined || this.element.hidden) return;
    const frame: LaneFrame = {
      ...chart,
      font: (this.font ??= this.views[0] ? getComputedStyle(this.views[0].canvas).font : ''),
      staleAfterMs: this.staleAfterMs,
      cursors: this.cursors(),
      hoverX: this.hoverX,
    };
    for (const { lane, canvas } of this.views) {
      if (!canvas.hidden) drawLane(canvas, lane, frame);
    }
  }

  /** The selected LLM call's start and, when it reports one, its first token, in axis units. */
  private cursors(): number[] {
    const { model, selected } = this.state;
    if (selected < 0 || !model.isLlm(selected)) return [];
    const start = model.layout.trueStart[selected]!;
    return model.hasTtft(selected) ? [start, start + model.layout.ttft[selected]!] : [start];
  }
}

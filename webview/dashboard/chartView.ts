/**
 * One chart of the dashboard: its title, a uPlot time series over the shared buckets (decimated to its width), a
 * legend of toggle buttons (Enter or Space hides a series), a text summary of the latest values as the plot's
 * accessible name, a readout of the values under the pointer, and an empty state when the range holds no data for it.
 */
import uPlot from 'uplot';
import type { DashboardChart } from '../../src/shared/dashboard';
import { element } from '../dom';
import { decimate } from './decimate';
import { readoutPlugin } from './readout';
import type { ChartTheme } from './theme';

const PLOT_HEIGHT = 160;
const AXIS_WIDTH = 64;
const MIN_WIDTH = 200;
/** A min/max pair every 2 pixels: the band looks the same as one per pixel, with half the path to rasterize. */
const PX_PER_COLUMN = 2;
/** Fewer values than this get a dot each (a range's buckets do; decimated series do not). */
const DOTTED_BELOW = 300;

export class ChartView {
  readonly root = element('section', 'chart');
  private readonly plotHost = element('div', 'plot');
  private readonly legend = element('div', 'legend');
  private readonly empty = element('p', 'empty');
  private plot: uPlot | undefined;
  private hidden = new Set<string>();

  constructor(private readonly chart: DashboardChart) {
    const title = element('h3', undefined, chart.title);
    title.id = `chart-${chart.id}`;
    title.append(element('span', 'unit', chart.unit));
    this.root.dataset.chart = chart.id;
    this.plotHost.tabIndex = 0;
    this.plotHost.setAttribute('role', 'img');
    this.legend.setAttribute('role', 'group');
    this.legend.setAttribute('aria-label', `${chart.title}: series`);
    this.root.append(title, this.plotHost, this.empty, this.legend);
  }

  /**
   * Draws `chart`'s series over `times` (bucket starts), `width` pixels wide (measured once for all charts by the caller: each chart
   * measuring its own would force a layout after every chart drawn).
   */
  draw(
    chart: DashboardChart,
    times: Float64Array,
    bucketMs: number,
    width: number,
    theme: ChartTheme,
    colourOf: (group: string) => string,
  ): void {
    this.plot?.destroy();
    this.plot = undefined;
    const shown = chart.series.filter((series) => series.values.some((value) => !Number.isNaN(value)));
    this.root.classList.toggle('is-empty', shown.length === 0);
    this.empty.textContent = shown.length === 0 ? `No ${chart.title.toLowerCase()} data in this range.` : '';
    this.plotHost.setAttribute('aria-label', summary(chart.title, chart.unit, shown));
    this.legend.replaceChildren(
      ...shown.map((series, index) => this.legendButton(series.label, colourOf(series.group), index + 1)),
    );
    if (shown.length === 0) return;
    const data = decimate(
      times,
      shown.map((series) => series.values),
      Math.max(1, Math.floor((width - AXIS_WIDTH) / PX_PER_COLUMN)),
    );
    // A decimated series is a min/max band: thin lines, which the canvas rasterizes far faster than wide ones.
    const dense = data.times.length > DOTTED_BELOW;
    const axis = {
      stroke: theme.foreground,
      font: theme.font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
    };
    this.plot = new uPlot(
      {
        width,
        height: PLOT_HEIGHT,
        ms: 1,
        legend: { show: false },
        plugins: [
          readoutPlugin(
            chart.unit,
            shown.map((series) => series.label),
          ),
        ],
        // To the end of the last bucket, so that its value is drawn inside the plot rather than on its edge.
        scales: {
          x: { time: true, range: (): uPlot.Range.MinMax => [times[0]!, times[times.length - 1]! + bucketMs] },
        },
        axes: [axis, { ...axis, size: AXIS_WIDTH, values: (_plot, ticks) => ticks.map((tick) => formatValue(tick)) }],
        series: [
          {},
          ...shown.map((series) => ({
            label: series.label,
            show: !this.hidden.has(series.label),
            stroke: colourOf(series.group),
            width: dense ? 1 : 1.5,
            dash: series.dashed ? [5, 4] : undefined,
            // Calls come and go: a bucket without any is bridged, and each bucket's value is marked while few.
            spanGaps: true,
            points: { show: !dense, size: 4, fill: colourOf(series.group) },
          })),
        ],
      },
      [data.times, ...data.series] as uPlot.AlignedData,
      this.plotHost,
    );
  }

  resize(): void {
    const width = this.plotWidth();
    if (this.plot === undefined || width === this.plot.width) return;
    this.plot.setSize({ width, height: PLOT_HEIGHT });
  }

  /** The plot's width: its card's inner width. */
  plotWidth(): number {
    const style = getComputedStyle(this.root);
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return Math.max(MIN_WIDTH, Math.floor(this.root.clientWidth - padding));
  }

  get id(): string {
    return this.chart.id;
  }

  private legendButton(label: string, colour: string, seriesIndex: number): HTMLButtonElement {
    const button = element('button', 'legend-item');
    const swatch = element('span', 'swatch');
    swatch.style.background = colour;
    button.append(swatch, document.createTextNode(label));
    button.setAttribute('aria-pressed', String(!this.hidden.has(label)));
    button.addEventListener('click', () => {
      const show = this.hidden.has(label);
      if (show) this.hidden.delete(label);
      else this.hidden.add(label);
      button.setAttribute('aria-pressed', String(show));
      this.plot?.setSeries(seriesIndex, { show });
    });
    return button;
  }
}

/** `Duration (ms): gpt-4o p50 1,240, gpt-4o p95 3,100` with each series' latest value. */
function summary(title: string, unit: string, series: DashboardChart['series']): string {
  if (series.length === 0) return `${title}: no data in this range`;
  const latest = series.map((entry) => {
    let index = entry.values.length - 1;
    while (index >= 0 && Number.isNaN(entry.values[index]!)) index--;
    return `${entry.label} ${formatValue(entry.values[index]!)}`;
  });
  return `${title} (${unit}), latest: ${latest.join(', ')}`;
}

const compact = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });

function formatValue(value: number): string {
  return compact.format(value);
}

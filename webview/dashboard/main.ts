/**
 * Entry of the AI Metrics dashboard page (dist/dashboard.js): a time range control (a radio group: arrow keys move,
 * the host is asked for the new range), and the charts of each `data` message from the host by section (models, tools,
 * model servers), drawn with uPlot in the theme's colours and redrawn when the theme or the width changes. Each data
 * message is timed from its arrival to the first frame after drawing (`dashboard first paint`, for the bench).
 */
import {
  DASHBOARD_RANGES,
  DEFAULT_DASHBOARD_RANGE,
  type DashboardData,
  type DashboardRange,
  type DashboardSection,
  type FromDashboardPage,
  type ToDashboardPage,
} from '../../src/shared/dashboard';
import { codicon, element } from '../dom';
import { ChartView } from './chartView';
import { readTheme, watchTheme, type ChartTheme } from './theme';

interface VsCodeApi {
  postMessage(message: FromDashboardPage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const SECTIONS: readonly { readonly id: DashboardSection; readonly title: string; readonly empty: string }[] = [
  { id: 'models', title: 'Models', empty: '' },
  { id: 'tools', title: 'Tools', empty: '' },
  {
    id: 'servers',
    title: 'Model servers',
    empty: 'No model-server metrics in this range: add a Prometheus endpoint in aiTraceLens.modelServers.',
  },
];

const api = acquireVsCodeApi();
const app = document.getElementById('app')!;
let theme: ChartTheme = readTheme();
let data: DashboardData | undefined;
const views = new Map<string, ChartView>();
const sections = new Map(SECTIONS.map((section) => [section.id, sectionElement(section)]));

function sectionElement(section: (typeof SECTIONS)[number]): {
  root: HTMLElement;
  charts: HTMLElement;
  empty: HTMLElement;
} {
  const root = element('section', 'section');
  const charts = element('div', 'charts');
  const empty = element('p', 'empty', section.empty);
  root.append(element('h2', undefined, section.title), empty, charts);
  return { root, charts, empty };
}

function rangeControl(): { root: HTMLElement; select: (range: DashboardRange) => void } {
  const root = element('div', 'ranges');
  root.setAttribute('role', 'radiogroup');
  root.setAttribute('aria-label', 'Time range');
  const buttons = DASHBOARD_RANGES.map((range) => {
    const button = element('button', 'range', range.label);
    button.setAttribute('role', 'radio');
    button.dataset.range = range.id;
    button.addEventListener('click', () => choose(range.id));
    return button;
  });
  const select = (chosen: DashboardRange) =>
    buttons.forEach((button) => {
      const checked = button.dataset.range === chosen;
      button.setAttribute('aria-checked', String(checked));
      button.tabIndex = checked ? 0 : -1;
    });
  const choose = (chosen: DashboardRange) => {
    select(chosen);
    buttons.find((button) => button.dataset.range === chosen)?.focus();
    api.postMessage({ type: 'range', range: chosen });
  };
  root.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const current = DASHBOARD_RANGES.findIndex(
      (range) => range.id === document.activeElement?.getAttribute('data-range'),
    );
    const next = DASHBOARD_RANGES[(current + step + DASHBOARD_RANGES.length) % DASHBOARD_RANGES.length]!;
    choose(next.id);
  });
  root.append(...buttons);
  select(DEFAULT_DASHBOARD_RANGE);
  return { root, select };
}

const header = element('div', 'header');
const ranges = rangeControl();
const status = element('span', 'status');
status.setAttribute('aria-live', 'polite');
header.append(codicon('graph-line'), ranges.root, status);
app.append(header, ...[...sections.values()].map((section) => section.root));

/** One colour per model, tool or target across the page, in the order the data names them. */
function colours(current: DashboardData): (group: string) => string {
  const groups = [...new Set(current.charts.flatMap((chart) => chart.series.map((series) => series.group)))];
  return (group) => theme.palette[groups.indexOf(group) % theme.palette.length]!;
}

function render(current: DashboardData): void {
  ranges.select(current.range);
  const colourOf = colours(current);
  const ids = new Set(current.charts.map((chart) => chart.id));
  for (const [id, view] of views) {
    if (!ids.has(id)) {
      view.root.remove();
      views.delete(id);
    }
  }
  for (const chart of current.charts) {
    if (views.has(chart.id)) continue;
    const view = new ChartView(chart);
    views.set(chart.id, view);
    sections.get(chart.section)!.charts.append(view.root);
  }
  // Every card is as wide as the grid's columns: one measure for all.
  const width = views.values().next().value?.plotWidth() ?? 0;
  for (const chart of current.charts)
    views.get(chart.id)!.draw(chart, current.times, current.bucketMs, width, theme, colourOf);
  for (const [id, section] of sections) {
    const count = current.charts.filter((chart) => chart.section === id).length;
    section.empty.hidden = count > 0 || section.empty.textContent === '';
  }
  const bucket = current.bucketMs >= 60_000 ? `${current.bucketMs / 60_000} min` : `${current.bucketMs / 1000} s`;
  status.textContent = `${bucket} buckets`;
}

window.addEventListener('message', (event: MessageEvent<ToDashboardPage>) => {
  if (event.data?.type !== 'data') return;
  performance.clearMarks();
  performance.clearMeasures();
  performance.mark('dashboard-data');
  data = event.data.data;
  render(data);
  requestAnimationFrame(() => performance.measure('dashboard first paint', 'dashboard-data'));
});

watchTheme(() => {
  theme = readTheme();
  if (data !== undefined) render(data);
});

new ResizeObserver(() => views.forEach((view) => view.resize())).observe(app);
api.postMessage({ type: 'ready' });

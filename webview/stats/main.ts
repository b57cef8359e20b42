/**
 * Entry of the Statistics view's page (dist/stats.js): the scope line, then a Models table and a Tools table grouped by
 * MCP server, redrawn from each `stats` message the host sends. It tells the host when it listens (`ready`), asks it
 * to open spans and to cover every trace, and keeps each table's sort order in the webview state. Uncaught errors go to
 * the extension's log.
 */
import { describeErrorWithStack } from '../../src/shared/errors';
import { plural } from '../../src/shared/format';
import {
  MAX_STATS_REPORT_LENGTH,
  type FromStatsView,
  type SpanRef,
  type StatsScope,
  type ToStatsView,
  type ToolStats,
} from '../../src/shared/statsProtocol';
import { codicon, element } from '../dom';
import { MODEL_COLUMNS, TOOL_COLUMNS, type SortOrder } from './columns';
import { renderTable, type RowGroup } from './table';

interface PageState {
  readonly models: SortOrder;
  readonly tools: SortOrder;
}

interface StatsApi {
  postMessage(message: FromStatsView): void;
  getState(): unknown;
  setState(state: PageState): void;
}

declare function acquireVsCodeApi(): StatsApi;

const api = acquireVsCodeApi();
const root = document.getElementById('app') ?? document.body;
const DEFAULT_ORDER: SortOrder = { key: 'calls', descending: true };
let state: PageState = parseState(api.getState()) ?? { models: DEFAULT_ORDER, tools: DEFAULT_ORDER };
let shown: ToStatsView | undefined;

function report(message: string): void {
  api.postMessage({ type: 'reportError', message: message.slice(0, MAX_STATS_REPORT_LENGTH) });
}

window.addEventListener('error', (event) =>
  report(event.error === undefined ? event.message : describeErrorWithStack(event.error)),
);
window.addEventListener('unhandledrejection', (event) => report(describeErrorWithStack(event.reason)));

function parseState(value: unknown): PageState | undefined {
  const isOrder = (order: unknown): order is SortOrder =>
    typeof order === 'object' &&
    order !== null &&
    typeof (order as SortOrder).key === 'string' &&
    typeof (order as SortOrder).descending === 'boolean';
  const saved = value as Partial<PageState> | null | undefined;
  return isOrder(saved?.models) && isOrder(saved?.tools) ? { models: saved.models, tools: saved.tools } : undefined;
}

const open = (ref: SpanRef) => api.postMessage({ type: 'openSpan', traceId: ref.traceId, spanId: ref.spanId });

function sortBy(table: keyof PageState, order: SortOrder): void {
  state = { ...state, [table]: order };
  api.setState(state);
  if (shown !== undefined) render(shown);
}

/** Where the focus is, as a header or row that a redraw makes anew; undefined when it is outside the tables. */
function focusedPlace(): { section: string; selector: string; key: string } | undefined {
  const focused = document.activeElement;
  const part = focused?.closest('section');
  const cell = focused?.closest<HTMLElement>('th[data-key], tr[data-key]');
  if (part === null || part === undefined || cell === null || cell === undefined) return undefined;
  return { section: part.className, selector: cell.tagName.toLowerCase(), key: cell.dataset.key! };
}

/** Focuses the header or row at `place` in the redrawn page (a header's sort button; a row itself). */
function restoreFocus(place: { section: string; selector: string; key: string }): void {
  const candidates = document.querySelectorAll<HTMLElement>(`section.${place.section} ${place.selector}[data-key]`);
  const cell = [...candidates].find((candidate) => candidate.dataset.key === place.key);
  (place.selector === 'th' ? cell?.querySelector('button') : cell)?.focus();
}

function scopeLine(scope: StatsScope): HTMLElement {
  const line = element('div', 'scope');
  const label = element('span', 'scope-label');
  if (scope.kind === 'all') {
    label.append(codicon('list-flat'), ` All traces (${plural(scope.traces, 'trace')})`);
  } else if (scope.kind === 'session') {
    label.append(codicon('comment-discussion'), ` Session ${scope.sessionId} (${plural(scope.traces, 'trace')})`);
  } else {
    label.append(codicon('pulse'), ` Trace ${scope.name}`);
  }
  line.append(label);
  if (scope.kind !== 'all') {
    const all = element('button', 'show-all', 'Show All Traces');
    all.title = 'Cover every trace until the Traces view’s selection changes';
    all.addEventListener('click', () => api.postMessage({ type: 'showAllTraces' }));
    line.append(all);
  }
  return line;
}

/** Tools without an MCP server first, then one group per server, by name. */
function toolGroups(tools: readonly ToolStats[]): RowGroup<ToolStats>[] {
  const byServer = new Map<string, ToolStats[]>();
  const plain: ToolStats[] = [];
  for (const tool of tools) {
    if (tool.mcpServer === undefined) plain.push(tool);
    else byServer.set(tool.mcpServer, [...(byServer.get(tool.mcpServer) ?? []), tool]);
  }
  if (byServer.size === 0) return [{ rows: plain }];
  const servers = [...byServer.keys()].sort();
  return [
    ...(plain.length === 0 ? [] : [{ title: 'Other tools', icon: 'tools', rows: plain }]),
    ...servers.map((server) => ({ title: `MCP server ${server}`, icon: 'server', rows: byServer.get(server)! })),
  ];
}

function section(name: keyof PageState, title: string, table: HTMLElement | undefined, empty: string): HTMLElement {
  const part = element('section', `${name}-section`);
  const heading = element('h2', undefined, title);
  part.append(heading);
  part.append(table === undefined ? element('p', 'empty', empty) : element('div', 'table-scroll'));
  if (table !== undefined) part.lastElementChild!.append(table);
  return part;
}

function render(message: ToStatsView): void {
  const { models, tools } = message.stats;
  const modelTable =
    models.length === 0
      ? undefined
      : renderTable(
          {
            label: 'Models',
            columns: MODEL_COLUMNS,
            order: state.models,
            onSort: (order) => sortBy('models', order),
            onOpen: (row, which) => open(row[which]),
          },
          [{ rows: models }],
        );
  const toolTable =
    tools.length === 0
      ? undefined
      : renderTable(
          {
            label: 'Tools',
            columns: TOOL_COLUMNS,
            order: state.tools,
            onSort: (order) => sortBy('tools', order),
            onOpen: (row, which) => open(row[which]),
          },
          toolGroups(tools),
        );
  // Live updates and sorting redraw the tables: the focus stays on the same header or row.
  const place = focusedPlace();
  root.replaceChildren(
    scopeLine(message.scope),
    section('models', 'Models', modelTable, 'No model calls in these traces.'),
    section('tools', 'Tools', toolTable, 'No tool or MCP calls in these traces.'),
  );
  if (place !== undefined) restoreFocus(place);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as Partial<ToStatsView> | null;
  if (message?.type !== 'stats' || message.scope === undefined || message.stats === undefined) return;
  shown = message as ToStatsView;
  render(shown);
});

api.postMessage({ type: 'ready' });

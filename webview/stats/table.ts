/**
 * One sortable table of the Statistics page. Headers are buttons that sort by their column (again: the other way),
 * with `aria-sort` on the sorted one. Rows take focus one at a time (arrow keys, Home, End move it; Tab leaves the
 * table): Enter or a click opens the row's slowest span, and the focused row's buttons open its slowest or its latest.
 * Rows can come in groups (tools per MCP server), each sorted on its own under its header row.
 */
import { codicon, element } from '../dom';
import { sortRows, type Column, type SortOrder } from './columns';

export interface RowGroup<Row> {
  /** A header row above the group; none for a table of one group. */
  readonly title?: string;
  readonly icon?: string;
  readonly rows: readonly Row[];
}

export interface TableSpec<Row> {
  readonly label: string;
  readonly columns: readonly Column<Row>[];
  readonly order: SortOrder;
  readonly onSort: (order: SortOrder) => void;
  readonly onOpen: (row: Row, which: 'slowest' | 'latest') => void;
}

export function renderTable<Row>(spec: TableSpec<Row>, groups: readonly RowGroup<Row>[]): HTMLTableElement {
  const { columns, order } = spec;
  const table = element('table', 'stats-table');
  table.setAttribute('aria-label', spec.label);
  const head = element('tr');
  for (const column of columns) head.append(headerCell(column, order, spec.onSort));
  const actions = element('th', 'actions');
  actions.append(element('span', 'visually-hidden', 'Open'));
  head.append(actions);
  table.createTHead().append(head);
  const rows: HTMLTableRowElement[] = [];
  for (const group of groups) {
    const body = element('tbody');
    if (group.title !== undefined) body.append(groupRow(group, columns.length + 1));
    for (const row of sortRows(group.rows, columns, order)) {
      const tr = dataRow(row, spec);
      tr.dataset.key = `${group.title ?? ''}\u0000${columns[0]!.text(row)}\u0000${columns[0]!.detail?.(row) ?? ''}`;
      rows.push(tr);
      body.append(tr);
    }
    table.append(body);
  }
  if (rows[0] !== undefined) makeCurrent(rows, rows[0]);
  table.addEventListener('keydown', (event) => moveFocus(event, rows));
  // A row focused by a click or Tab becomes the one Tab comes back to.
  table.addEventListener('focusin', (event) => {
    const focused = rows.find((row) => event.target instanceof Node && row.contains(event.target));
    if (focused !== undefined) makeCurrent(rows, focused);
  });
  return table;
}

function headerCell<Row>(column: Column<Row>, order: SortOrder, onSort: (order: SortOrder) => void): HTMLElement {
  const th = element('th', column.numeric ? 'numeric' : undefined);
  th.scope = 'col';
  th.dataset.key = column.key;
  const sorted = order.key === column.key;
  if (sorted) th.setAttribute('aria-sort', order.descending ? 'descending' : 'ascending');
  const button = element('button', 'sort', column.title);
  button.title = `${column.description}: sort`;
  button.setAttribute('aria-label', column.description);
  if (sorted) button.append(codicon(order.descending ? 'arrow-down' : 'arrow-up'));
  // A new column sorts its largest (numbers) or first (names) values first; the sorted one flips.
  button.addEventListener('click', () =>
    onSort({ key: column.key, descending: sorted ? !order.descending : column.numeric }),
  );
  th.append(button);
  return th;
}

function groupRow<Row>(group: RowGroup<Row>, span: number): HTMLTableRowElement {
  const tr = element('tr', 'group');
  const th = element('th');
  th.scope = 'rowgroup';
  th.colSpan = span;
  if (group.icon !== undefined) th.append(codicon(group.icon), ' ');
  th.append(group.title ?? '');
  tr.append(th);
  return tr;
}

function dataRow<Row>(row: Row, spec: TableSpec<Row>): HTMLTableRowElement {
  const tr = element('tr', 'row');
  tr.tabIndex = -1;
  const name = spec.columns[0]!.text(row);
  spec.columns.forEach((column, index) => {
    const cell = element(index === 0 ? 'th' : 'td', column.numeric ? 'numeric' : undefined, column.text(row));
    if (index === 0) cell.setAttribute('scope', 'row');
    if (column.alert?.(row) === true) cell.classList.add('alert');
    const detail = column.detail?.(row);
    if (detail !== undefined) cell.append(' ', element('span', 'detail', detail));
    tr.append(cell);
  });
  const actions = element('td', 'actions');
  actions.append(
    actionButton('flame', `Open the slowest ${name} span in the flame graph`, () => spec.onOpen(row, 'slowest')),
    actionButton('history', `Open the latest ${name} span in the flame graph`, () => spec.onOpen(row, 'latest')),
  );
  tr.append(actions);
  tr.setAttribute('aria-label', `${name}: Enter opens the slowest span`);
  tr.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || event.target.closest('button') === null) spec.onOpen(row, 'slowest');
  });
  tr.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target === tr) {
      event.preventDefault();
      spec.onOpen(row, 'slowest');
    }
  });
  return tr;
}

function actionButton(icon: string, label: string, action: () => void): HTMLButtonElement {
  const button = element('button', 'row-action');
  button.title = label;
  button.setAttribute('aria-label', label);
  button.tabIndex = -1;
  button.append(codicon(icon));
  button.addEventListener('click', action);
  return button;
}

/** The row Tab enters the table at, its buttons reachable by Tab; the others only through the arrow keys. */
function makeCurrent(rows: readonly HTMLTableRowElement[], current: HTMLTableRowElement): void {
  for (const row of rows) {
    const isCurrent = row === current;
    row.tabIndex = isCurrent ? 0 : -1;
    for (const button of row.querySelectorAll('button')) button.tabIndex = isCurrent ? 0 : -1;
  }
}

function moveFocus(event: KeyboardEvent, rows: readonly HTMLTableRowElement[]): void {
  const from = rows.findIndex((row) => row.contains(document.activeElement));
  if (from < 0) return;
  const to =
    event.key === 'ArrowDown'
      ? Math.min(from + 1, rows.length - 1)
      : event.key === 'ArrowUp'
        ? Math.max(from - 1, 0)
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? rows.length - 1
            : undefined;
  if (to === undefined) return;
  event.preventDefault();
  makeCurrent(rows, rows[to]!);
  rows[to]!.focus();
}

/**
 * The Statistics tables' columns: each one's header, the text of its cells (through the shared formatters the rest of
 * the extension uses) and the value it sorts by. Missing figures ("–") sort last in either direction.
 */
import type { CostTotals } from '../../src/shared/cost';
import { formatCostTotals, formatCount, formatDuration, formatTokens } from '../../src/shared/format';
import type { ModelStats, ToolStats } from '../../src/shared/statsProtocol';

export interface Column<Row> {
  readonly key: string;
  /** The header as shown; `description` says it in full (tooltip and screen readers). */
  readonly title: string;
  readonly description: string;
  readonly numeric: boolean;
  text(row: Row): string;
  /** Shown in the error colour (failed calls). */
  alert?(row: Row): boolean;
  /** Secondary text after the cell's (a model's provider). */
  detail?(row: Row): string | undefined;
  sortValue(row: Row): number | string | undefined;
}

export interface SortOrder {
  readonly key: string;
  readonly descending: boolean;
}

const NONE = '–';

function counted<Row>(key: string, title: string, description: string, value: (row: Row) => number): Column<Row> {
  return { key, title, description, numeric: true, text: (row) => formatCount(value(row)), sortValue: value };
}

function failed<Row extends { errors: number }>(): Column<Row> {
  return { ...counted<Row>('errors', 'Errors', 'Failed calls', (row) => row.errors), alert: (row) => row.errors > 0 };
}

function tokens<Row>(key: string, title: string, description: string, value: (row: Row) => number): Column<Row> {
  return { key, title, description, numeric: true, text: (row) => formatTokens(value(row)), sortValue: value };
}

function timed<Row>(
  key: string,
  title: string,
  description: string,
  value: (row: Row) => number | undefined,
): Column<Row> {
  return {
    key,
    title,
    description,
    numeric: true,
    text: (row) => {
      const ms = value(row);
      return ms === undefined ? NONE : formatDuration(ms);
    },
    sortValue: value,
  };
}

/** Priced spend first, then the count of unpriced calls: a model with only unpriced calls is not a $0 one. */
function costSortValue(cost: CostTotals): number | undefined {
  if (cost.pricedCalls === 0 && cost.unpricedCalls === 0) return undefined;
  return cost.usd + cost.unpricedCalls * 1e-12;
}

export const MODEL_COLUMNS: readonly Column<ModelStats>[] = [
  {
    key: 'model',
    title: 'Model',
    description: 'Model (provider)',
    numeric: false,
    text: (row) => row.model,
    detail: (row) => row.provider,
    sortValue: (row) => row.model.toLowerCase(),
  },
  counted('calls', 'Calls', 'Calls', (row) => row.calls),
  failed(),
  tokens('input', 'In', 'Input tokens', (row) => row.inputTokens),
  tokens('output', 'Out', 'Output tokens', (row) => row.outputTokens),
  tokens('cached', 'Cached', 'Cached input tokens', (row) => row.cachedTokens),
  {
    key: 'cost',
    title: 'Cost',
    description: 'Cost of the priced calls, and how many calls have no price',
    numeric: true,
    text: (row) => formatCostTotals(row.cost) ?? NONE,
    sortValue: (row) => costSortValue(row.cost),
  },
  timed('ttft50', 'TTFT p50', 'Time to first token, median', (row) => row.ttftMs?.p50),
  timed('ttft95', 'TTFT p95', 'Time to first token, 95th percentile', (row) => row.ttftMs?.p95),
  timed('duration50', 'p50', 'Duration, median', (row) => row.durationMs.p50),
  timed('duration95', 'p95', 'Duration, 95th percentile', (row) => row.durationMs.p95),
];

export const TOOL_COLUMNS: readonly Column<ToolStats>[] = [
  {
    key: 'tool',
    title: 'Tool',
    description: 'Tool',
    numeric: false,
    text: (row) => row.tool,
    sortValue: (row) => row.tool.toLowerCase(),
  },
  counted('calls', 'Calls', 'Calls', (row) => row.calls),
  failed(),
  timed('duration50', 'p50', 'Duration, median', (row) => row.durationMs.p50),
  timed('duration95', 'p95', 'Duration, 95th percentile', (row) => row.durationMs.p95),
  {
    key: 'result',
    title: 'Largest result',
    description: 'Largest result recorded, in characters',
    numeric: true,
    text: (row) => (row.largestResultChars === undefined ? NONE : `${formatTokens(row.largestResultChars)} chars`),
    sortValue: (row) => row.largestResultChars,
  },
];

/** `rows` in `order` (a copy); ties keep their incoming order (most calls first). */
export function sortRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], order: SortOrder): Row[] {
  const column = columns.find((candidate) => candidate.key === order.key) ?? columns[1]!;
  const sign = order.descending ? -1 : 1;
  return rows
    .map((row, index) => ({ row, index, value: column.sortValue(row) }))
    .sort((a, b) => {
      if (a.value === undefined || b.value === undefined) {
        return a.value === b.value ? a.index - b.index : a.value === undefined ? 1 : -1;
      }
      const compared = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return compared === 0 ? a.index - b.index : sign * compared;
    })
    .map(({ row }) => row);
}

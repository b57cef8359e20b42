/**
 * The AI Metrics dashboard's data and messages: browser-safe, so the core that computes the series, the host that
 * validates the page's messages and the page itself share one definition. Series travel as typed arrays (VS Code
 * posts them as binary beside the JSON), one value per time bucket, NaN where the bucket has no data.
 */

export type DashboardRange = '15m' | '1h' | '6h' | '24h' | 'all';

/** The time range control's choices, in order; `all` spans the oldest to the newest data held. */
export const DASHBOARD_RANGES: readonly {
  readonly id: DashboardRange;
  readonly label: string;
  readonly ms?: number;
}[] = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { id: 'all', label: 'All' },
];

export const DEFAULT_DASHBOARD_RANGE: DashboardRange = '1h';

export type DashboardSection = 'models' | 'tools' | 'servers';

export interface DashboardSeries {
  /** What the legend says: `gpt-4o p95`, `vllm @ 127.0.0.1:8000`. */
  readonly label: string;
  /** The model, tool or target: series of one group share a colour. */
  readonly group: string;
  /** p95 lines are dashed beside their p50. */
  readonly dashed: boolean;
  readonly values: Float64Array;
}

export interface DashboardChart {
  readonly id: string;
  readonly title: string;
  /** As the axis and summaries print it: `ms`, `%`, `tokens/s`, `USD/h`, `MiB`. */
  readonly unit: string;
  readonly section: DashboardSection;
  readonly series: readonly DashboardSeries[];
}

export interface DashboardData {
  readonly range: DashboardRange;
  /** Bucket width in milliseconds. */
  readonly bucketMs: number;
  /** Each bucket's start, Unix milliseconds, ascending. */
  readonly times: Float64Array;
  readonly charts: readonly DashboardChart[];
}

/** Host → page: the series to draw, again after each burst of changes while the page shows. */
export interface ToDashboardPage {
  readonly type: 'data';
  readonly data: DashboardData;
}

/** Page → host: `ready` once it listens, `range` when the time range control changes. */
export type FromDashboardPage = { readonly type: 'ready' } | { readonly type: 'range'; readonly range: DashboardRange };

export function isDashboardRange(value: unknown): value is DashboardRange {
  return DASHBOARD_RANGES.some((range) => range.id === value);
}

/** The range the dashboard opens with: the one kept in the workspace's state, when it is still one of ours. */
export function storedDashboardRange(stored: unknown): DashboardRange {
  return isDashboardRange(stored) ? stored : DEFAULT_DASHBOARD_RANGE;
}

/** The page's message, or undefined when it is not exactly one of `FromDashboardPage`'s shapes. */
export function parseFromDashboardPage(value: unknown): FromDashboardPage | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const message = value as Record<string, unknown>;
  const keys = Object.keys(message).sort().join(',');
  if (message.type === 'ready' && keys === 'type') return { type: 'ready' };
  if (message.type === 'range' && keys === 'range,type' && isDashboardRange(message.range)) {
    return { type: 'range', range: message.range };
  }
  return undefined;
}

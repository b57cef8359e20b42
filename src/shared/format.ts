/** Short display forms of durations, counts and tokens, shared by the host, the flame graph page and the CLI. */

/** `850 µs`, `340 ms`, `1.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? trimZero(ms.toFixed(1)) : Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? trimZero(seconds.toFixed(2)) : trimZero(seconds.toFixed(1))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/**
 * `1,200`: a whole count with thousands separators, as en-US writes it; other numbers through `toLocaleString`.
 * Not through Intl for counts: its first use costs the flame graph page some 15 ms of its first paint.
 */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-US');
  return String(count).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A place in code: `agent.py:42`, or `agent.py` without a line. */
export function filePlace(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file}:${line}`;
}

/** `1 error`, `1,200 spans`, `3 matches` (with `pluralNoun` for nouns that do not just take an s). */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : pluralNoun}`;
}

/** `950`, `1.4k`, `12k`, `3.1M`. */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 10_000) return `${trimZero((count / 1000).toFixed(1))}k`;
  if (count < 1_000_000) return `${Math.round(count / 1000)}k`;
  return `${trimZero((count / 1_000_000).toFixed(1))}M`;
}

/** The mark of token counts the gateway counted with a tokenizer instead of reading the provider's usage. */
export const ESTIMATE_MARK = '≈';

/**
 * `340→120 tok`, `340 tok in` when the output is unknown, undefined when neither is known; `≈340→120 tok` when the
 * counts are `estimated` (counted with a tokenizer, not reported by the provider).
 */
export function formatTokenFlow(
  input: number | undefined,
  output: number | undefined,
  estimated = false,
): string | undefined {
  if (input === undefined && output === undefined) return undefined;
  const mark = estimated ? ESTIMATE_MARK : '';
  if (output === undefined) return `${mark}${formatTokens(input!)} tok in`;
  if (input === undefined) return `${mark}${formatTokens(output)} tok out`;
  return `${mark}${formatTokens(input)}→${formatTokens(output)} tok`;
}

/** `$1,240.50`, `$0.42`, `$0.012`, `$0.0031`: cents from ten cents up, two significant digits below; `<$0.0001`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  if (usd >= 0.1) {
    const [whole = '0', cents = '00'] = usd.toFixed(2).split('.');
    return `$${formatCount(Number(whole))}.${cents}`;
  }
  return `$${trimZero(usd.toPrecision(2))}`;
}

/** One call's cost: `$0.012`, `≈$0.012` for estimated tokens, `unpriced`; undefined when it has none to show. */
export function formatSpanCost(cost: { usd: number; estimated: boolean } | 'unpriced' | undefined): string | undefined {
  if (cost === undefined || cost === 'unpriced') return cost;
  return `${cost.estimated ? ESTIMATE_MARK : ''}${formatUsd(cost.usd)}`;
}

/**
 * Calls' summed cost: `$0.42`, `≈$0.42 + 2 unpriced calls`, `1 unpriced call` when none was priced; undefined with no
 * call to price.
 */
export function formatCostTotals(totals: {
  usd: number;
  pricedCalls: number;
  unpricedCalls: number;
  estimated: boolean;
}): string | undefined {
  const unpriced = totals.unpricedCalls > 0 ? plural(totals.unpricedCalls, 'unpriced call') : undefined;
  if (totals.pricedCalls === 0) return unpriced;
  const priced = `${totals.estimated ? ESTIMATE_MARK : ''}${formatUsd(totals.usd)}`;
  return unpriced === undefined ? priced : `${priced} + ${unpriced}`;
}

/**
 * A chart's value in its unit: `1.2 s` for `ms` and `s`, `$0.42/h` for `USD/h`, `12.5 %`, `3/s`, `41.3 tokens/s`;
 * three significant digits, thousands separated.
 */
export function formatMeasure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'ms' || unit === 's') return formatDuration(unit === 's' ? value * 1000 : value);
  if (unit === 'USD/h') return `${formatUsd(value)}/h`;
  const number = Math.abs(value) >= 1000 ? formatCount(Math.round(value)) : trimZero(value.toPrecision(3));
  return unit.startsWith('/') ? `${number}${unit}` : `${number} ${unit}`;
}

function trimZero(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

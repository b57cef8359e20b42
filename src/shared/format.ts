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

function trimZero(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * The labels of a model call's flame bar, richest first: the renderer draws the first that fits the bar, else the
 * name cut to fit. TTFT, the figure the product is about, stays longer than the token counts and TPOT as the bar
 * narrows. The page builds a span's labels once (TraceModel caches them), so the renderer allocates nothing per bar.
 */

const SEPARATOR = ' · ';

/** The figures of a call's label as text, each undefined when unknown: `≈1.2k→345 tok`, `TTFT 420 ms`, `TPOT 12 ms`. */
export interface CallLabelFigures {
  readonly tokens: string | undefined;
  readonly ttft: string | undefined;
  readonly tpot: string | undefined;
}

/**
 * `chat gpt-4o · 1.2k→345 tok · TTFT 420 ms · TPOT 12 ms`, then with fewer figures, then the figures without the
 * name. Empty for a call without figures: its bar shows the name alone, with no dangling separator.
 */
export function callLabels(name: string, { tokens, ttft, tpot }: CallLabelFigures): string[] {
  const join = (...parts: (string | undefined)[]) => parts.filter((part) => part !== undefined).join(SEPARATOR);
  const candidates = [
    join(name, tokens, ttft, tpot),
    join(name, tokens, ttft),
    join(name, ttft),
    join(name, tokens),
    join(tokens, ttft),
    join(ttft),
    join(tokens),
  ];
  return [...new Set(candidates)].filter((label) => label !== '' && label !== name);
}

/**
 * Who measured a span's latency and token figures, and how the tree, tooltips and details say so. The gateway
 * measures a model call at the wire; its figures can stand in for those the app's own instrumentation did not record,
 * and the user is told which is which ("TTFT 420 ms (measured at the gateway)").
 */
import { formatDuration, plural } from './format';

/** `span`: recorded by the app's own instrumentation; `gateway`: measured by AI Trace Lens's gateway. */
export type FigureSource = 'span' | 'gateway';

export const GATEWAY_SOURCE_NOTE = 'measured at the gateway';

export interface SourcedFigure {
  readonly text: string;
  readonly source: FigureSource | undefined;
}

/**
 * `TTFT 420 ms · TPOT 12 ms (measured at the gateway) · streamed`: the figures in order, with the note once after each
 * run of figures the gateway measured, so a mix of sources stays unambiguous without repeating the note.
 */
export function joinSourcedFigures(figures: readonly SourcedFigure[], separator = ' · '): string {
  let text = '';
  figures.forEach((figure, index) => {
    text += (index > 0 ? separator : '') + figure.text;
    const next = figures[index + 1];
    if (figure.source === 'gateway' && next?.source !== 'gateway') text += ` (${GATEWAY_SOURCE_NOTE})`;
  });
  return text;
}

/** `3 stalls over 1 s`: waits between chunks longer than the gateway's STALL_THRESHOLD_MS (core/gateway). */
export function stallsText(stalls: number): string {
  return `${plural(stalls, 'stall')} over 1 s`;
}

/**
 * The gateway's stream figures: `first text 1.3 s · longest gap 2.1 s · 3 stalls over 1 s`, stalls only when there
 * were any; undefined when there is none of them.
 */
export function streamFiguresText(
  firstTextMs: number | undefined,
  longestGapMs: number | undefined,
  stalls: number | undefined,
): string | undefined {
  const parts: string[] = [];
  if (firstTextMs !== undefined) parts.push(`first text ${formatDuration(firstTextMs)}`);
  if (longestGapMs !== undefined) parts.push(`longest gap ${formatDuration(longestGapMs)}`);
  if (stalls !== undefined && stalls > 0) parts.push(stallsText(stalls));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

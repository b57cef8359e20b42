/**
 * Colours of the chart, resolved from the VS Code theme's CSS variables (declared in media/flame.css as `--atl-*`, with
 * fallbacks for a page outside VS Code). A canvas cannot use `var()`, so each colour is resolved through a probe
 * element into the rgb() text the canvas understands, and again when the theme changes.
 */
import { AI_KINDS } from '../../src/core/semantics/types';

export interface ChartColors {
  /** Bar fill per kind, indexed like `AI_KINDS`. */
  readonly kind: readonly string[];
  readonly text: string;
  readonly error: string;
  readonly orphan: string;
  readonly selection: string;
  readonly ttft: string;
  readonly background: string;
}

export function readColors(host: HTMLElement): ChartColors {
  const probe = document.createElement('span');
  probe.hidden = true;
  host.append(probe);
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const colors: ChartColors = {
    kind: AI_KINDS.map((kind) => resolve(`--atl-kind-${kind}`)),
    text: resolve('--atl-bar-text'),
    error: resolve('--atl-error'),
    orphan: resolve('--atl-orphan'),
    selection: resolve('--atl-selection'),
    ttft: resolve('--atl-ttft'),
    background: resolve('--atl-background'),
  };
  probe.remove();
  return colors;
}

/** Calls `onChange` when VS Code switches the colour theme (it rewrites the body class and the root's inline style). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/**
 * Colours of the chart, resolved from the VS Code theme's CSS variables (declared in media/flame.css as `--atl-*`, with
 * fallbacks for a page outside VS Code). A canvas cannot use `var()`, so each colour is resolved through a probe
 * element into the rgb() text the canvas understands, and again when the theme changes.
 */
import { AI_KINDS } from '../../src/shared/aiKinds';
import { LANE_METRICS, type LaneMetricId } from '../../src/shared/serverLanes';

/** Opacity of the spans a search does not match. */
export const DIMMED_ALPHA = 0.25;

export interface ChartColors {
  /** Bar fill per kind, indexed like `AI_KINDS`. */
  readonly kind: readonly string[];
  /**
   * The same as RGBA pixels for ImageData, two per kind: as is, then dimmed (index kind × 2 + dimmed); then the error
   * colour, as is and dimmed (index `AI_KINDS.length` × 2 + dimmed).
   */
  readonly barPixels: Uint32Array;
  readonly text: string;
  readonly error: string;
  readonly orphan: string;
  readonly selection: string;
  readonly ttft: string;
  readonly background: string;
  /** A finding's mark per `SEVERITY_MARK` (index 0, no finding, is unused). */
  readonly findingMarks: readonly string[];
  /** The model-server lanes: a line colour per metric, and their labels' and hover rule's colour. */
  readonly lane: Readonly<Record<LaneMetricId, string>>;
  readonly laneText: string;
}

export function readColors(host: HTMLElement): ChartColors {
  const probe = document.createElement('span');
  probe.hidden = true;
  host.append(probe);
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const kind = AI_KINDS.map((name) => resolve(`--atl-kind-${name}`));
  const error = resolve('--atl-error');
  const colors: ChartColors = {
    kind,
    barPixels: barPixels([...kind, error]),
    text: resolve('--atl-bar-text'),
    error,
    orphan: resolve('--atl-orphan'),
    selection: resolve('--atl-selection'),
    ttft: resolve('--atl-ttft'),
    background: resolve('--atl-background'),
    findingMarks: ['', resolve('--atl-finding-info'), resolve('--atl-finding-warning'), resolve('--atl-finding-error')],
    lane: Object.fromEntries(LANE_METRICS.map((metric) => [metric, resolve(`--atl-lane-${metric}`)])) as Record<
      LaneMetricId,
      string
    >,
    laneText: resolve('--atl-lane-text'),
  };
  probe.remove();
  return colors;
}

/** Each colour as an ImageData pixel (bytes R, G, B, A in memory order), then dimmed: rendered once on a 1×1 canvas. */
function barPixels(colors: readonly string[]): Uint32Array {
  const context = new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true });
  const pixels = new Uint32Array(colors.length * 2);
  if (context === null) return pixels;
  const bytes = new Uint8Array(pixels.buffer);
  colors.forEach((color, index) => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [red, green, blue, alpha] = context.getImageData(0, 0, 1, 1).data;
    bytes.set([red!, green!, blue!, alpha!, red!, green!, blue!, Math.round(alpha! * DIMMED_ALPHA)], index * 8);
  });
  return pixels;
}

/** Calls `onChange` when VS Code switches the colour theme (it rewrites the body class and the root's inline style). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** The VS Code webview API the page receives, typed with the shared protocol, and the state it persists. */
import type { FromWebview } from '../src/shared/protocol';

export type ChartMode = 'time' | 'tokens';

/** Persisted with setState so the view comes back as it was when the panel is shown again. */
export interface WebviewState {
  readonly traceId: string;
  readonly selectedSpanId: string | null;
  /** The visible range in the axis units of `mode` (ms, or tokens in token mode); null when the whole trace shows. */
  readonly zoom: { readonly x0Ms: number; readonly x1Ms: number } | null;
  readonly mode: ChartMode;
  readonly search: string;
}

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function vsCodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

/** The saved state if it has the expected shape, else undefined (a state from an older version of the extension). */
export function parseState(value: unknown): WebviewState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Record<string, unknown>;
  if (typeof state.traceId !== 'string') return undefined;
  if (state.selectedSpanId !== null && typeof state.selectedSpanId !== 'string') return undefined;
  if (state.mode !== 'time' && state.mode !== 'tokens') return undefined;
  if (typeof state.search !== 'string') return undefined;
  const zoom = state.zoom as { x0Ms?: unknown; x1Ms?: unknown } | null;
  if (zoom !== null) {
    if (typeof zoom !== 'object' || typeof zoom.x0Ms !== 'number' || typeof zoom.x1Ms !== 'number') return undefined;
    if (!(zoom.x1Ms > zoom.x0Ms)) return undefined;
  }
  return value as WebviewState;
}

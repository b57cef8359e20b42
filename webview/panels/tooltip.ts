/** The hover tooltip: a positioned div whose lines are set as text. */
import { AI_KIND_LABELS } from '../../src/shared/aiKinds';
import { GATEWAY_SOURCE_NOTE, joinSourcedFigures, type SourcedFigure } from '../../src/shared/figures';
import { FlameFlag } from '../../src/shared/flame/layout';
import { findingsSummary } from '../../src/shared/findings';
import { FigureFlag } from '../../src/shared/flame/snapshot';
import { formatDuration } from '../../src/shared/format';
import { element } from '../dom';
import type { ViewState } from '../state';
import type { TraceModel } from '../traceModel';

const OFFSET_PX = 12;

export class Tooltip {
  readonly element = element('div', 'tooltip');

  constructor() {
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
  }

  show(state: ViewState, index: number, clientX: number, clientY: number): void {
    const lines = spanLines(state.model, index);
    const findings = state.findingsOf(index);
    if (findings.length > 0)
      lines.push([`tooltip-finding severity-${findings[0]!.severity}`, findingsSummary(findings)]);
    this.showLines(lines, clientX, clientY);
  }

  /** Shows lines of text, each [class, text], beside the pointer. */
  showLines(lines: readonly [string, string][], clientX: number, clientY: number): void {
    this.element.replaceChildren(...lines.map(([className, text]) => element('div', className, text)));
    this.element.hidden = false;
    // Keep it inside the window: flip to the other side of the pointer near the right and bottom edges.
    const { offsetWidth: width, offsetHeight: height } = this.element;
    const left = clientX + OFFSET_PX + width > window.innerWidth ? clientX - OFFSET_PX - width : clientX + OFFSET_PX;
    const top = clientY + OFFSET_PX + height > window.innerHeight ? clientY - OFFSET_PX - height : clientY + OFFSET_PX;
    this.element.style.left = `${Math.max(0, left)}px`;
    this.element.style.top = `${Math.max(0, top)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

/**
 * The tooltip's lines as [class, text]: name, kind and duration, model, tokens, TTFT/TPOT, the gateway's stream
 * figures, status, layout notes. Figures measured at the gateway say so.
 */
export function spanLines(model: TraceModel, index: number): [string, string][] {
  const { layout } = model;
  const lines: [string, string][] = [['tooltip-title', model.name(index)]];
  lines.push(['', `${AI_KIND_LABELS[model.kindOf(index)]} · ${formatDuration(layout.trueDuration[index]!)}`]);
  const modelName = model.model(index);
  if (modelName !== '') lines.push(['', `Model: ${modelName}`]);
  const tokens = model.tokenFlow(index, true);
  if (tokens !== undefined) lines.push(['', tokens + tokenSourceNote(model, index)]);
  const timing = timingFigures(model, index);
  if (timing.length > 0) lines.push(['', joinSourcedFigures(timing)]);
  const stream = model.streamFigures(index);
  if (stream !== undefined) lines.push(['', `Stream: ${stream} (${GATEWAY_SOURCE_NOTE})`]);
  if (model.has(index, FlameFlag.Error)) {
    const message = model.statusMessage(index);
    lines.push(['tooltip-error', message === '' ? 'Error' : `Error: ${message}`]);
  }
  if (model.has(index, FlameFlag.Orphan)) lines.push(['tooltip-note', 'Parent span not received: shown as a root']);
  if (model.has(index, FlameFlag.Clipped))
    lines.push(['tooltip-note', 'Outside its parent’s time range: drawn clipped']);
  return lines;
}

/** ` (estimated, measured at the gateway)` after token counts the gateway gave the span, else ''. */
export function tokenSourceNote(model: TraceModel, index: number): string {
  if (!model.hasFigure(index, FigureFlag.TokensAtGateway)) return '';
  return ` (${model.hasFigure(index, FigureFlag.TokensEstimated) ? 'estimated, ' : ''}${GATEWAY_SOURCE_NOTE})`;
}

/** TTFT and TPOT, each with who measured it. */
export function timingFigures(model: TraceModel, index: number): SourcedFigure[] {
  const figures: SourcedFigure[] = [];
  const source = (flag: number) => (model.hasFigure(index, flag) ? 'gateway' : 'span');
  if (model.hasTtft(index)) {
    figures.push({
      text: `TTFT ${formatDuration(model.layout.ttft[index]!)}`,
      source: source(FigureFlag.TtftAtGateway),
    });
  }
  const tpot = model.decoded.tpot[index]!;
  if (!Number.isNaN(tpot))
    figures.push({ text: `TPOT ${formatDuration(tpot)}`, source: source(FigureFlag.TpotAtGateway) });
  return figures;
}

/** The hover tooltip: a positioned div whose lines are set as text. */
import { AI_KIND_LABELS } from '../../src/shared/aiKinds';
import { FlameFlag } from '../../src/shared/flame/layout';
import { formatDuration } from '../../src/shared/format';
import { element } from '../dom';
import type { TraceModel } from '../traceModel';

const OFFSET_PX = 12;

export class Tooltip {
  readonly element = element('div', 'tooltip');

  constructor() {
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
  }

  show(model: TraceModel, index: number, clientX: number, clientY: number): void {
    this.element.replaceChildren(
      ...spanLines(model, index).map(([className, text]) => element('div', className, text)),
    );
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

/** The tooltip's lines as [class, text]: name, kind and duration, model, tokens, TTFT/TPOT, status, layout notes. */
export function spanLines(model: TraceModel, index: number): [string, string][] {
  const { layout, decoded } = model;
  const lines: [string, string][] = [['tooltip-title', model.name(index)]];
  lines.push(['', `${AI_KIND_LABELS[model.kindOf(index)]} · ${formatDuration(layout.trueDuration[index]!)}`]);
  const modelName = model.model(index);
  if (modelName !== '') lines.push(['', `Model: ${modelName}`]);
  const tokens = model.tokenFlow(index, true);
  if (tokens !== undefined) lines.push(['', tokens]);
  const timing: string[] = [];
  if (model.hasTtft(index)) timing.push(`TTFT ${formatDuration(layout.ttft[index]!)}`);
  const tpot = decoded.tpot[index]!;
  if (!Number.isNaN(tpot)) timing.push(`TPOT ${formatDuration(tpot)}`);
  if (timing.length > 0) lines.push(['', timing.join(' · ')]);
  if (model.has(index, FlameFlag.Error)) {
    const message = model.statusMessage(index);
    lines.push(['tooltip-error', message === '' ? 'Error' : `Error: ${message}`]);
  }
  if (model.has(index, FlameFlag.Orphan)) lines.push(['tooltip-note', 'Parent span not received: shown as a root']);
  if (model.has(index, FlameFlag.Clipped))
    lines.push(['tooltip-note', 'Outside its parent’s time range: drawn clipped']);
  return lines;
}

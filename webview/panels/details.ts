/**
 * The details panel of the selected span: what the snapshot knows at once (timing, tokens, model, status), its findings
 * and evaluation results (kept live apart from the snapshot), then the attributes, events, exceptions and conversation of the `spanDetails`
 * reply. All span data is set as text.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { AI_KIND_LABELS } from '../../src/shared/aiKinds';
import { GATEWAY_SOURCE_NOTE, stallsText } from '../../src/shared/figures';
import { scoreText, type SpanEvaluation } from '../../src/shared/evaluations';
import { SEVERITY_CODICONS, type SpanFinding } from '../../src/shared/findings';
import { FlameFlag } from '../../src/shared/flame/layout';
import { FigureFlag } from '../../src/shared/flame/snapshot';
import { ESTIMATE_MARK, formatDuration, formatSpanCost, formatTokens } from '../../src/shared/format';
import {
  modelServerText,
  type DisplayAttributes,
  type JumpToCodeOutcome,
  type SpanDetails,
  type SpanLog,
} from '../../src/shared/protocol';
import { ruleLabel } from '../../src/shared/resolutionRules';
import type { TranscriptMessage } from '../../src/shared/transcript';
import { codicon, element } from '../dom';
import type { ViewState } from '../state';
import type { TraceModel } from '../traceModel';
import { tokenSourceNote } from './tooltip';

const ROLE_LABELS: Record<TranscriptMessage['role'], string> = {
  system: 'System',
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool result',
};

export interface DetailsActions {
  jumpToCode(toSide: boolean): void;
  openSpanDetails(): void;
  replay(): void;
  evaluate(): void;
}

export class DetailsPanel {
  readonly element = element('section', 'details');
  private readonly jumpStatus = element('div', 'jump-status');
  private readonly extra = element('div', 'details-extra');
  private readonly findings = element('div', 'details-findings');
  private readonly evaluations = element('div', 'details-evaluations');
  /** The span the jump status line speaks of. */
  private jumpStatusSpanId: string | null = null;
  /**
   * The shown span's summary table, where its cost row goes (before Status) once the details bring it, and its
   * model-server row once shown (replaced as samples arrive).
   */
  private summaryTable: { table: HTMLTableElement; costRow: number; modelServerRow?: HTMLTableRowElement } | undefined;

  constructor(
    private readonly state: ViewState,
    private readonly actions: DetailsActions,
  ) {
    this.element.setAttribute('aria-label', 'Span details');
    this.element.hidden = true;
    this.jumpStatus.setAttribute('role', 'status');
  }

  /**
   * Shows the selected span, or hides when there is none; showing the same span again (a live update) keeps the
   * outcome of its last jump. Its attributes follow in `setDetails`.
   */
  show(): void {
    const { model, selected: index, selectedSpanId } = this.state;
    if (selectedSpanId === null) {
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    if (selectedSpanId !== this.jumpStatusSpanId) this.jumpStatus.textContent = '';
    this.jumpStatusSpanId = selectedSpanId;
    this.element.hidden = false;
    this.extra.replaceChildren(element('div', 'details-loading', 'Loading attributes…'));
    this.element.replaceChildren(
      this.heading(model, index),
      // What went wrong first: a span opened from the Problems panel shows its finding without scrolling.
      this.findings,
      this.evaluations,
      this.summary(model, index),
      this.buttons(model.kindOf(index) === 'llm'),
      this.jumpStatus,
      this.extra,
    );
    this.showFindings();
    this.showEvaluations();
  }

  /** Lists the selected span's evaluation results (name, score, the judge's explanation), or nothing without any. */
  showEvaluations(): void {
    const evaluations = this.state.evaluationsOf(this.state.selected);
    this.evaluations.replaceChildren(...(evaluations.length === 0 ? [] : [evaluationList(evaluations)]));
  }

  /** Lists the selected span's findings (rule, severity, message, hint), or nothing when it has none. */
  showFindings(): void {
    const { selected } = this.state;
    const findings = selected < 0 ? [] : this.state.findingsOf(selected);
    this.findings.replaceChildren(...(findings.length === 0 ? [] : [findingList(findings)]));
  }

  setDetails(details: SpanDetails): void {
    if (details.spanId !== this.state.selectedSpanId) return;
    this.showCost(details);
    this.showModelServer(details);
    const parts: HTMLElement[] = [];
    if (details.transcript !== undefined && details.transcript.length > 0) parts.push(transcript(details.transcript));
    parts.push(section('Attributes', attributeTable(details.attributes)));
    const exceptions = details.events.filter((event) => event.name === 'exception');
    for (const exception of exceptions) parts.push(exceptionBlock(exception.attributes));
    const others = details.events.filter((event) => event.name !== 'exception');
    if (others.length > 0) {
      const list = element('div', 'events');
      for (const event of others) {
        const item = element('div', 'event');
        item.append(element('div', 'event-name', `${event.name} · +${formatDuration(event.offsetMs)}`));
        if (event.attributes.length > 0) item.append(attributeTable(event.attributes));
        list.append(item);
      }
      parts.push(section(`Events (${others.length})`, list));
    }
    if (details.logs !== undefined && details.logs.length > 0) parts.push(logList(details.logs));
    if (details.resource.length > 0) parts.push(section('Resource', attributeTable(details.resource)));
    this.extra.replaceChildren(...parts);
  }

  /** Adds the cost row to the summary: `$0.012`, `≈$0.012 (estimated tokens)`, or `unpriced`. */
  private showCost(details: SpanDetails): void {
    const text = formatSpanCost(details.cost);
    const summary = this.summaryTable;
    if (text === undefined || summary === undefined || summary.table.dataset.cost === 'shown') return;
    const estimated = details.cost !== undefined && details.cost !== 'unpriced' && details.cost.estimated;
    const row = summary.table.tBodies[0]!.insertRow(summary.costRow);
    row.append(
      element('th', undefined, 'Cost'),
      element('td', undefined, estimated ? `${text} (estimated tokens)` : text),
    );
    summary.table.dataset.cost = 'shown';
  }

  /**
   * Shows the selected span's model-server state during the prefill (before Status), text only: added, replaced, or
   * removed when `details` have none; details of another span are ignored.
   */
  showModelServer(details: SpanDetails): void {
    const summary = this.summaryTable;
    if (details.spanId !== this.state.selectedSpanId || summary === undefined) return;
    const text = modelServerText(details);
    if (text === undefined) {
      summary.modelServerRow?.remove();
      summary.modelServerRow = undefined;
      return;
    }
    if (summary.modelServerRow === undefined) {
      const at = summary.costRow + (summary.table.dataset.cost === 'shown' ? 1 : 0);
      summary.modelServerRow = summary.table.tBodies[0]!.insertRow(at);
      summary.modelServerRow.append(element('th', undefined, 'Model server'), element('td'));
    }
    summary.modelServerRow.cells[1]!.textContent = text;
  }

  setDetailsError(message: string): void {
    this.extra.replaceChildren(element('div', 'details-error', `Attributes unavailable: ${message}`));
  }

  setJumpOutcome(outcome: JumpToCodeOutcome): void {
    if (outcome.found) {
      const file = outcome.file.split(/[\\/]/).pop() ?? outcome.file;
      this.jumpStatus.textContent = `Opened ${file}:${outcome.line} — found by ${ruleLabel(outcome.rule)}`;
      this.jumpStatus.title = outcome.file;
    } else {
      this.jumpStatus.textContent = 'No source found for this span';
    }
  }

  setJumpError(message: string): void {
    this.jumpStatus.textContent = `Jump to code failed: ${message}`;
  }

  private heading(model: TraceModel, index: number): HTMLElement {
    const heading = element('div', 'details-heading');
    const kind = model.kindOf(index);
    heading.append(element('span', `swatch kind-${kind}`), element('h2', 'details-name', model.name(index)));
    heading.append(element('span', 'details-kind', AI_KIND_LABELS[kind]));
    return heading;
  }

  private summary(model: TraceModel, index: number): HTMLElement {
    const { layout, decoded } = model;
    const rows: [string, string][] = [
      ['Start', `+${formatDuration(layout.trueStart[index]!)}`],
      ['Duration', formatDuration(layout.trueDuration[index]!)],
    ];
    if (model.model(index) !== '') rows.push(['Model', model.model(index)]);
    const tokens: [string, number][] = [
      ['Input tokens', decoded.inputTokens[index]!],
      ['Output tokens', decoded.outputTokens[index]!],
      ['Cached tokens', decoded.cachedTokens[index]!],
    ];
    const mark = model.hasFigure(index, FigureFlag.TokensEstimated) ? ESTIMATE_MARK : '';
    const tokenNote = tokenSourceNote(model, index);
    for (const [label, count] of tokens) {
      if (Number.isNaN(count)) continue;
      rows.push([label, `${mark}${formatTokens(count)}${count >= 1000 ? ` (${count})` : ''}${tokenNote}`]);
    }
    const atGateway = (flag: number) => (model.hasFigure(index, flag) ? ` (${GATEWAY_SOURCE_NOTE})` : '');
    if (model.hasTtft(index)) {
      rows.push(['Time to first token', formatDuration(layout.ttft[index]!) + atGateway(FigureFlag.TtftAtGateway)]);
    }
    if (!Number.isNaN(decoded.tpot[index]!)) {
      rows.push(['Time per output token', formatDuration(decoded.tpot[index]!) + atGateway(FigureFlag.TpotAtGateway)]);
    }
    const gatewayNote = ` (${GATEWAY_SOURCE_NOTE})`;
    const stream: [string, number, (value: number) => string][] = [
      ['Time to first text', decoded.firstText[index]!, formatDuration],
      ['Longest chunk gap', decoded.longestGap[index]!, formatDuration],
      ['Stalls', decoded.stalls[index]!, stallsText],
    ];
    for (const [label, value, format] of stream) {
      if (!Number.isNaN(value)) rows.push([label, format(value) + gatewayNote]);
    }
    const failed = model.has(index, FlameFlag.Error);
    const message = model.statusMessage(index);
    const statusRow = rows.length;
    rows.push(['Status', failed ? (message === '' ? 'Error' : `Error: ${message}`) : 'OK']);
    if (model.has(index, FlameFlag.Orphan)) rows.push(['Parent', 'not received (shown as a root)']);
    rows.push(['Span ID', model.spanId(index)]);
    const table = attributeTable(rows);
    table.classList.add('details-summary');
    if (failed) table.rows[statusRow]!.cells[1]!.classList.add('status-error');
    this.summaryTable = { table, costRow: statusRow };
    return table;
  }

  /** Jump to Code and Open Span Details; Replay and Evaluate too on a model call. */
  private buttons(replayable: boolean): HTMLElement {
    const bar = element('div', 'details-actions');
    const jump = document.createElement('vscode-button');
    jump.icon = 'go-to-file';
    jump.textContent = 'Jump to Code';
    jump.title = 'Open the code that made this span (Enter; Alt opens it to the side)';
    jump.addEventListener('click', (event) => this.actions.jumpToCode(event.altKey));
    const open = document.createElement('vscode-button');
    open.secondary = true;
    open.icon = 'open-preview';
    open.textContent = 'Open Span Details';
    open.addEventListener('click', () => this.actions.openSpanDetails());
    bar.append(jump, open);
    if (replayable) {
      const replay = document.createElement('vscode-button');
      replay.secondary = true;
      replay.icon = 'debug-rerun';
      replay.textContent = 'Replay…';
      replay.title = 'Open this call’s request to edit and run it again (Replay LLM Call…)';
      replay.addEventListener('click', () => this.actions.replay());
      const evaluate = document.createElement('vscode-button');
      evaluate.secondary = true;
      evaluate.icon = 'checklist';
      evaluate.textContent = 'Evaluate…';
      evaluate.title = 'Grade this call with a judge model (Evaluate with a Judge Model…)';
      evaluate.addEventListener('click', () => this.actions.evaluate());
      bar.append(replay, evaluate);
    }
    return bar;
  }
}

function section(title: string, content: HTMLElement): HTMLElement {
  const block = element('section', 'details-section');
  block.append(element('h3', undefined, title), content);
  return block;
}

function attributeTable(rows: DisplayAttributes): HTMLTableElement {
  const table = element('table', 'attributes');
  const body = element('tbody');
  for (const [key, value] of rows) {
    const row = element('tr');
    row.append(element('th', undefined, key), element('td', undefined, value));
    body.append(row);
  }
  if (rows.length === 0) {
    const empty = element('td', 'empty', 'None');
    empty.colSpan = 2;
    const row = element('tr');
    row.append(empty);
    body.append(row);
  }
  table.append(body);
  return table;
}

function findingList(findings: readonly SpanFinding[]): HTMLElement {
  const list = element('ul', 'finding-list');
  for (const finding of findings) {
    const item = element('li', `finding severity-${finding.severity}`);
    const title = element('div', 'finding-title');
    const icon = codicon(SEVERITY_CODICONS[finding.severity]);
    icon.removeAttribute('aria-hidden');
    icon.setAttribute('role', 'img');
    icon.setAttribute('aria-label', finding.severity);
    title.append(
      icon,
      element('span', 'finding-rule', finding.rule),
      element('span', 'finding-message', finding.message),
    );
    item.append(title);
    if (finding.hint !== '') item.append(element('div', 'finding-hint', finding.hint));
    list.append(item);
  }
  return section(`Findings (${findings.length})`, list);
}

function evaluationList(evaluations: readonly SpanEvaluation[]): HTMLElement {
  const list = element('ul', 'evaluation-list');
  for (const evaluation of evaluations) {
    const item = element('li', 'evaluation');
    const title = element('div', 'evaluation-title');
    title.append(
      codicon('law'),
      element('span', 'evaluation-name', evaluation.name),
      element('span', 'evaluation-score', scoreText(evaluation)),
    );
    item.append(title);
    if (evaluation.explanation !== '') item.append(element('div', 'evaluation-explanation', evaluation.explanation));
    list.append(item);
  }
  return section(`Evaluations (${evaluations.length})`, list);
}

function exceptionBlock(attributes: DisplayAttributes): HTMLElement {
  const values = new Map(attributes);
  const block = element('div', 'exception');
  const title = element('div', 'exception-title');
  const type = values.get('exception.type');
  const message = values.get('exception.message');
  title.append(codicon('error'), document.createTextNode([type, message].filter(Boolean).join(': ') || 'Exception'));
  block.append(title);
  const stack = values.get('exception.stacktrace');
  if (stack !== undefined) block.append(element('pre', 'stacktrace', stack));
  return section('Exception', block);
}

/** The span's log records, as text: severity, event name and offset, then the body and attributes. */
function logList(logs: readonly SpanLog[]): HTMLElement {
  const list = element('div', 'events');
  for (const log of logs) {
    const item = element('div', 'event');
    const head = [log.severity, log.event].filter((part) => part !== '').join(' ');
    item.append(element('div', 'event-name', `${head || 'log'} · +${formatDuration(log.offsetMs)}`));
    if (log.body !== '') item.append(element('pre', 'log-body', log.body));
    if (log.attributes.length > 0) item.append(attributeTable(log.attributes));
    list.append(item);
  }
  return section(`Logs (${logs.length})`, list);
}

function transcript(messages: readonly TranscriptMessage[]): HTMLElement {
  const list = element('div', 'transcript');
  for (const message of messages) {
    const item = element('div', `message role-${message.role}`);
    const role = ROLE_LABELS[message.role];
    const label = message.toolCallId === undefined ? role : `${role} (${message.toolCallId})`;
    item.append(element('div', 'message-role', label));
    if (message.text !== '') item.append(element('div', 'message-text', message.text));
    for (const call of message.toolCalls ?? []) {
      const callBlock = element('div', 'tool-call');
      callBlock.append(codicon('tools'), element('span', 'tool-call-name', call.name));
      callBlock.append(element('pre', 'tool-call-arguments', call.arguments));
      item.append(callBlock);
    }
    list.append(item);
  }
  return section('Conversation', list);
}

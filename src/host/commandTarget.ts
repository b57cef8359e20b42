/**
 * What a command was invoked on, parsed once from its arguments (GitLens's `parseCommandContext` is the model), and
 * the trace or span that names. VS Code passes a command whatever its caller had: a Traces view row (with the other
 * selected rows from a context menu), a CodeLens's row, a document's URI from an editor title button, Explorer files,
 * or nothing from the Command Palette.
 */
import * as vscode from 'vscode';
import { rootSpanOf } from '../core/store/rootSpan';
import type { TraceStore } from '../core/store/traceStore';
import type { SpanNode, TraceRecord } from '../core/store/types';
import { parseSpanDetailsUri } from './documents';

export interface TraceRow {
  readonly type: 'trace';
  readonly traceId: string;
}

export interface SpanRow {
  readonly type: 'span';
  readonly traceId: string;
  readonly spanId: string;
}

/** A trace or span row of the Traces view, as its items pass themselves to commands; a CodeLens passes a span row. */
export type TraceViewRow = TraceRow | SpanRow;

function isTraceViewRow(value: unknown): value is TraceViewRow {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as { type?: unknown; traceId?: unknown; spanId?: unknown };
  if (typeof row.traceId !== 'string') return false;
  return row.type === 'trace' || (row.type === 'span' && typeof row.spanId === 'string');
}

export type CommandTarget =
  /** Rows of the Traces view: the one invoked on, then the other selected ones when a context menu ran on several. */
  | { readonly kind: 'rows'; readonly rows: readonly TraceViewRow[] }
  /** The span of a span details document. */
  | { readonly kind: 'spanDocument'; readonly traceId: string; readonly spanId: string }
  /** Files from the Explorer: the one clicked, or every selected one. */
  | { readonly kind: 'files'; readonly uris: readonly vscode.Uri[] }
  /** Nothing: the Command Palette or a keybinding. */
  | { readonly kind: 'none' };

export interface TargetOptions {
  /** Without arguments, the span details document in the active editor is the target (as for its title buttons). */
  readonly orActiveDocument?: boolean;
}

export function parseCommandTarget(args: readonly unknown[], options: TargetOptions = {}): CommandTarget {
  const [first, second] = args;
  if (isTraceViewRow(first)) {
    const selected = Array.isArray(second) && second.length > 1 ? second.filter(isTraceViewRow) : [];
    return { kind: 'rows', rows: [first, ...selected.filter((row) => row !== first)] };
  }
  const document = first ?? (options.orActiveDocument ? vscode.window.activeTextEditor?.document.uri : undefined);
  const span = parseSpanDetailsUri(document);
  if (span !== undefined) return { kind: 'spanDocument', ...span };
  if (Array.isArray(second) && second.length > 0 && second.every((item) => item instanceof vscode.Uri)) {
    return { kind: 'files', uris: second };
  }
  if (first instanceof vscode.Uri) return { kind: 'files', uris: [first] };
  return { kind: 'none' };
}

const GONE_MESSAGES = {
  trace: 'That trace is no longer held: the traces were cleared or it was evicted.',
  span: 'That span is no longer held: the traces were cleared or it was evicted.',
} as const;

/** The trace a target names; 'gone' when the store no longer holds it, undefined when the target names none. */
export function targetTrace(store: TraceStore, target: CommandTarget): TraceRecord | 'gone' | undefined {
  const traceId =
    target.kind === 'rows' ? target.rows[0]?.traceId : target.kind === 'spanDocument' ? target.traceId : undefined;
  if (traceId === undefined) return undefined;
  return store.getTrace(traceId) ?? 'gone';
}

/**
 * The span a target names: a span row's or a span document's span, or the root span a trace row stands for; 'gone'
 * when the store no longer holds it, undefined when the target names none.
 */
export function targetSpan(store: TraceStore, target: CommandTarget): SpanNode | 'gone' | undefined {
  const trace = targetTrace(store, target);
  if (trace === undefined || trace === 'gone') return trace;
  const row = target.kind === 'rows' ? target.rows[0] : undefined;
  const spanId = target.kind === 'spanDocument' ? target.spanId : row?.type === 'span' ? row.spanId : undefined;
  const node = spanId === undefined ? rootSpanOf(trace) : trace.getSpan(spanId);
  return node ?? 'gone';
}

/** Says that what a command was invoked on has left the store. */
export function warnGone(what: keyof typeof GONE_MESSAGES): void {
  void vscode.window.showWarningMessage(GONE_MESSAGES[what]);
}

/**
 * Runs a feature's command on one span, passed as a Traces view row would pass it: how a page reaches the commands of
 * other features (the command says when the span is gone).
 */
export async function runOnSpan(command: string, { traceId, spanId }: Omit<SpanRow, 'type'>): Promise<void> {
  const row: SpanRow = { type: 'span', traceId, spanId };
  await vscode.commands.executeCommand(command, row);
}

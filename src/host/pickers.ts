/** Quick picks of a trace or a span, for commands run from the palette on nothing in particular. */
import * as vscode from 'vscode';
import { describeSpan, describeTrace } from '../core/describe';
import { durationNanos, nanosToMillis } from '../core/model';
import type { SpanNode, TraceRecord } from '../core/store/types';
import { spanIcon } from './icons';

export const NO_TRACES_MESSAGE = 'There are no traces yet.';

interface TracePick extends vscode.QuickPickItem {
  trace: TraceRecord;
}

/** Asks for one of `traces` (in the order given), or says there are none. */
export async function pickTrace(
  traces: readonly TraceRecord[],
  title: string,
  placeHolder = 'Pick a trace (newest first)',
): Promise<TraceRecord | undefined> {
  if (traces.length === 0) {
    void vscode.window.showInformationMessage(NO_TRACES_MESSAGE);
    return undefined;
  }
  const items: TracePick[] = traces.map((trace) => ({
    trace,
    label: trace.summary.rootName || '(unnamed trace)',
    description: describeTrace(trace.summary, 'pick'),
    detail: new Date(Number(trace.summary.startTimeUnixNano / 1_000_000n)).toLocaleString(),
  }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
  return picked?.trace;
}

interface SpanPick extends vscode.QuickPickItem {
  node: SpanNode;
}

/** Asks for a span of `trace`, listed in pre-order as in the tree, by name so that typing a name finds it. */
export async function pickSpan(trace: TraceRecord, title: string, placeHolder: string): Promise<SpanNode | undefined> {
  const items: SpanPick[] = trace.spans().map((node) => ({
    node,
    label: node.span.name || '(unnamed span)',
    description: describeSpan(node.ai, nanosToMillis(durationNanos(node.span))),
    iconPath: spanIcon(node),
  }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
  return picked?.node;
}

/**
 * Compare Traces: two runs side by side in VS Code's diff editor. Each side is a read-only document
 * (`ai-trace-lens-compare:/{traceId}/{title}.txt`) rendered by compareText.ts, re-rendered while open as its trace
 * changes, so the diff shows what differs between the runs: answers, tool arguments, tokens, timing, errors.
 */
import * as vscode from 'vscode';
import { COMPARE_SCHEME } from './contributions';
import { renderTraceForCompare } from './core/compareText';
import type { LogStore } from './core/store/logStore';
import type { TraceStore } from './core/store/traceStore';
import type { TraceRecord } from './core/store/types';
import { titleOf } from './spanDetails';
import { TraceDocumentProvider } from './traceDocuments';

export class TraceCompareProvider extends TraceDocumentProvider {
  constructor(store: TraceStore, logs: LogStore) {
    super(COMPARE_SCHEME, store, logs);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const traceId = traceIdOf(uri);
    const trace = traceId === undefined ? undefined : this.store.getTrace(traceId);
    if (trace === undefined) {
      const which = traceId ?? uri.path;
      return `# Trace ${which} is no longer held by AI Trace Lens: the traces were cleared, or it was evicted.\n`;
    }
    return renderTraceForCompare(trace, (span) => this.logs.forSpan(span.traceId, span.spanId));
  }

  protected tracesOf(uri: vscode.Uri): readonly string[] {
    const traceId = traceIdOf(uri);
    return traceId === undefined ? [] : [traceId];
  }
}

function traceIdOf(uri: vscode.Uri): string | undefined {
  const [, traceId = ''] = uri.path.split('/');
  return /^[0-9a-f]{32}$/.test(traceId) ? traceId : undefined;
}

/** One side's title: the root span's name and the time of day the run started (`∶`, as a title holds no colon). */
function sideTitle(trace: TraceRecord): string {
  const started = new Date(Number(trace.summary.startTimeUnixNano / 1_000_000n));
  const time = [started.getHours(), started.getMinutes(), started.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join('∶');
  return `${trace.summary.rootName || 'trace'} ${time}`;
}

/** Opens the diff editor with the earlier run on the left. */
export async function showTraceComparison(a: TraceRecord, b: TraceRecord): Promise<void> {
  const [left, right] = a.summary.startTimeUnixNano <= b.summary.startTimeUnixNano ? [a, b] : [b, a];
  const uriOf = (trace: TraceRecord) =>
    vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${trace.summary.traceId}/${titleOf(sideTitle(trace))}.txt` });
  await vscode.commands.executeCommand(
    'vscode.diff',
    uriOf(left),
    uriOf(right),
    `${sideTitle(left)} ↔ ${sideTitle(right)}`,
    { preview: true } satisfies vscode.TextDocumentShowOptions,
  );
}

/**
 * Compare Traces: two runs side by side in VS Code's diff editor. Each side is a read-only document
 * (`ai-trace-lens-compare:/{traceId}/{title}.txt`) rendered by compareText.ts, re-rendered while open as its trace
 * changes, so the diff shows what differs between the runs: answers, tool arguments, tokens, cost, timing, errors.
 */
import * as vscode from 'vscode';
import { renderTraceForCompare } from '../core/compareText';
import type { PriceBook } from '../core/cost/priceBook';
import type { LogStore } from '../core/store/logStore';
import type { TraceStore } from '../core/store/traceStore';
import type { TraceRecord } from '../core/store/types';
import type { CommandTarget } from '../host/commandTarget';
import { COMPARE_SCHEME } from '../host/contributions';
import { compareUri, parseCompareUri } from '../host/documents';
import { pickTrace } from '../host/pickers';
import type { Services } from '../host/services';
import { TraceDocumentProvider } from '../host/traceDocuments';

export class TraceCompareProvider extends TraceDocumentProvider {
  constructor(
    store: TraceStore,
    logs: LogStore,
    private readonly prices: PriceBook,
  ) {
    super(COMPARE_SCHEME, store, logs);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const traceId = parseCompareUri(uri);
    const trace = traceId === undefined ? undefined : this.store.getTrace(traceId);
    if (trace === undefined) {
      const which = traceId ?? uri.path;
      return `# Trace ${which} is no longer held by AI Trace Lens: the traces were cleared, or it was evicted.\n`;
    }
    return renderTraceForCompare(trace, (span) => this.logs.forSpan(span.traceId, span.spanId), this.prices);
  }

  protected tracesOf(uri: vscode.Uri): readonly string[] {
    const traceId = parseCompareUri(uri);
    return traceId === undefined ? [] : [traceId];
  }
}

/**
 * Compares two runs in the diff editor: the two traces selected in the view (from its context menu, or the view's
 * selection when run from the palette), or the one the command was invoked on and one picked (runs with the same
 * root span first, as the likely other run of the same code), or two picked.
 */
export async function compareTraces({ store, tracesView }: Services, target: CommandTarget): Promise<void> {
  const rows = target.kind === 'rows' ? target.rows : target.kind === 'none' ? tracesView.selectedRows : [];
  const traceIds = [...new Set(rows.map((row) => row.traceId))];
  const traces = traceIds.map((traceId) => store.getTrace(traceId)).filter((trace) => trace !== undefined);
  const held = store.traces();
  if (held.length < 2) {
    void vscode.window.showInformationMessage(
      'Comparing needs two traces: run your app again, then compare the two runs.',
    );
    return;
  }
  const title = 'Compare Traces';
  const first = traces[0] ?? (await pickTrace(held, title, 'Pick the first trace (newest first)'));
  if (first === undefined) return;
  let second: TraceRecord | undefined = traces[1];
  if (second === undefined) {
    const others = held.filter((trace) => trace !== first);
    const sameRoot = (trace: TraceRecord) => (trace.summary.rootName === first.summary.rootName ? 0 : 1);
    // Stable: newest first within each group.
    others.sort((a, b) => sameRoot(a) - sameRoot(b));
    second = await pickTrace(others, title, `Compare “${first.summary.rootName}” with… (the same root span first)`);
  }
  if (second !== undefined) await showTraceComparison(first, second);
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
async function showTraceComparison(a: TraceRecord, b: TraceRecord): Promise<void> {
  const [left, right] = a.summary.startTimeUnixNano <= b.summary.startTimeUnixNano ? [a, b] : [b, a];
  const uriOf = (trace: TraceRecord) => compareUri(trace.summary.traceId, sideTitle(trace));
  await vscode.commands.executeCommand(
    'vscode.diff',
    uriOf(left),
    uriOf(right),
    `${sideTitle(left)} ↔ ${sideTitle(right)}`,
    {
      preview: true,
    } satisfies vscode.TextDocumentShowOptions,
  );
}

/**
 * Read-only span details documents: `ai-trace-lens:/{traceId}/{spanId}/{span name}.yaml`. The name segment is only
 * the tab title; the ids locate the span. Open documents are re-rendered when their trace changes (a span sent
 * again replaces the earlier copy), and say so when their span has left the store.
 */
import * as vscode from 'vscode';
import { SPAN_DETAILS_SCHEME } from './contributions';
import { Debouncer } from './core/debounce';
import { renderMissingSpan, renderSpanDetails } from './core/spanDetailsText';
import type { LogStore } from './core/store/logStore';
import type { TraceStore } from './core/store/traceStore';
import type { StoreChange } from './core/store/types';

const REFRESH_DELAY_MS = 200;
const TITLE_MAX_LENGTH = 60;

export function spanDetailsUri(traceId: string, spanId: string, spanName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SPAN_DETAILS_SCHEME, path: `/${traceId}/${spanId}/${titleOf(spanName)}.yaml` });
}

/** The ids in a span details document's address (`ai-trace-lens:/{traceId}/{spanId}/{title}.yaml`); undefined for any other value. */
export function parseSpanDetailsUri(value: unknown): { traceId: string; spanId: string } | undefined {
  if (!(value instanceof vscode.Uri) || value.scheme !== SPAN_DETAILS_SCHEME) return undefined;
  const [, traceId = '', spanId = ''] = value.path.split('/');
  return /^[0-9a-f]{32}$/.test(traceId) && /^[0-9a-f]{16}$/.test(spanId) ? { traceId, spanId } : undefined;
}

/** A file-name-safe tab title: path separators and control characters would split or break it. */
function titleOf(spanName: string): string {
  const title = spanName
    .replace(/[/\\]/g, '∕')
    .replace(/[\u0000-\u001f\u007f:*?"<>|]+/g, ' ')
    .trim();
  if (title === '') return 'span';
  return title.length > TITLE_MAX_LENGTH ? `${title.slice(0, TITLE_MAX_LENGTH - 1)}…` : title;
}

export class SpanDetailsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  private readonly changedTraces = new Set<string>();
  private everythingChanged = false;
  private readonly debouncer = new Debouncer(REFRESH_DELAY_MS, () => this.refreshOpenDocuments());
  private readonly subscription: vscode.Disposable;

  private readonly logSubscription: vscode.Disposable;

  constructor(
    private readonly store: TraceStore,
    private readonly logs: LogStore,
  ) {
    this.subscription = store.onDidChange((change) => this.onStoreChange(change));
    // A span's logs may arrive after it: its document is refreshed like on a span change.
    this.logSubscription = logs.onDidChange((change) =>
      this.onStoreChange({ updated: change.updatedTraces, removed: [], cleared: change.cleared }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ids = parseSpanDetailsUri(uri);
    if (ids === undefined) return `# Not a span details address: ${uri.toString()}\n`;
    const node = this.store.getTrace(ids.traceId)?.getSpan(ids.spanId);
    if (node === undefined) return renderMissingSpan(ids.traceId, ids.spanId);
    return renderSpanDetails(node, this.logs.forSpan(ids.traceId, ids.spanId));
  }

  dispose(): void {
    this.subscription.dispose();
    this.logSubscription.dispose();
    this.debouncer.dispose();
    this.changeEmitter.dispose();
  }

  private onStoreChange(change: StoreChange): void {
    if (change.cleared) this.everythingChanged = true;
    for (const traceId of change.updated) this.changedTraces.add(traceId);
    for (const traceId of change.removed) this.changedTraces.add(traceId);
    // Only open documents need refreshing; with none open, store changes cost nothing here.
    if (vscode.workspace.textDocuments.some((document) => document.uri.scheme === SPAN_DETAILS_SCHEME)) {
      this.debouncer.schedule();
    } else {
      this.changedTraces.clear();
      this.everythingChanged = false;
    }
  }

  private refreshOpenDocuments(): void {
    for (const document of vscode.workspace.textDocuments) {
      const ids = parseSpanDetailsUri(document.uri);
      if (ids !== undefined && (this.everythingChanged || this.changedTraces.has(ids.traceId))) {
        this.changeEmitter.fire(document.uri);
      }
    }
    this.changedTraces.clear();
    this.everythingChanged = false;
  }
}

export interface ShowSpanDetailsOptions {
  /** Keep focus where it is (a click in the tree keeps keyboard navigation there). */
  preserveFocus: boolean;
}

/**
 * Opens the span's details in the column that already shows span details (so clicking through spans reuses one
 * preview tab), beside the active editor, or in the active group when no editor is open (no empty group beside it).
 */
export async function showSpanDetails(
  traceId: string,
  spanId: string,
  spanName: string,
  options: ShowSpanDetailsOptions,
): Promise<void> {
  const document = await vscode.workspace.openTextDocument(spanDetailsUri(traceId, spanId, spanName));
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.scheme === SPAN_DETAILS_SCHEME);
  await vscode.window.showTextDocument(document, {
    viewColumn: shown?.viewColumn ?? (vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active),
    preserveFocus: options.preserveFocus,
    preview: true,
  });
}

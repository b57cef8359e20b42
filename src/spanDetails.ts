/**
 * Read-only span details documents: `ai-trace-lens:/{traceId}/{spanId}/{span name}.yaml`. The name segment is only
 * the tab title; the ids locate the span. Open documents are re-rendered when their trace changes (a span sent
 * again replaces the earlier copy), and say so when their span has left the store (see traceDocuments.ts).
 */
import * as vscode from 'vscode';
import { SPAN_DETAILS_SCHEME } from './contributions';
import { renderMissingSpan, renderSpanDetails } from './core/spanDetailsText';
import type { LogStore } from './core/store/logStore';
import type { TraceStore } from './core/store/traceStore';
import { TraceDocumentProvider } from './traceDocuments';

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
export function titleOf(name: string): string {
  const title = name
    .replace(/[/\\]/g, '∕')
    // eslint-disable-next-line no-control-regex -- control characters are among what a file name cannot hold
    .replace(/[\u0000-\u001f\u007f:*?"<>|]+/g, ' ')
    .trim();
  if (title === '') return 'span';
  return title.length > TITLE_MAX_LENGTH ? `${title.slice(0, TITLE_MAX_LENGTH - 1)}…` : title;
}

export class SpanDetailsProvider extends TraceDocumentProvider {
  constructor(store: TraceStore, logs: LogStore) {
    super(SPAN_DETAILS_SCHEME, store, logs);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ids = parseSpanDetailsUri(uri);
    if (ids === undefined) return `# Not a span details address: ${uri.toString()}\n`;
    const node = this.store.getTrace(ids.traceId)?.getSpan(ids.spanId);
    if (node === undefined) return renderMissingSpan(ids.traceId, ids.spanId);
    return renderSpanDetails(node, this.logs.forSpan(ids.traceId, ids.spanId));
  }

  protected tracesOf(uri: vscode.Uri): readonly string[] {
    const ids = parseSpanDetailsUri(uri);
    return ids === undefined ? [] : [ids.traceId];
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
    viewColumn:
      shown?.viewColumn ?? (vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active),
    preserveFocus: options.preserveFocus,
    preview: true,
  });
}

/**
 * The extension's read-only documents: their addresses, and where they open. The ids in a path locate what a document
 * shows; its last segment is only the tab title.
 * - span details: `ai-trace-lens:/{traceId}/{spanId}/{span name}.yaml`
 * - a side of Compare Traces: `ai-trace-lens-compare:/{traceId}/{title}.txt`
 * - the metrics: `ai-trace-lens-metrics:/AI Metrics.yaml`
 */
import * as vscode from 'vscode';
import { fileTitle } from '../core/describe';
import { isSpanId, isTraceId } from '../shared/ids';
import { COMPARE_SCHEME, METRICS_SCHEME, SPAN_DETAILS_SCHEME } from './contributions';

export function spanDetailsUri(traceId: string, spanId: string, spanName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SPAN_DETAILS_SCHEME, path: `/${traceId}/${spanId}/${fileTitle(spanName)}.yaml` });
}

/** The ids in a span details document's address; undefined for any other value. */
export function parseSpanDetailsUri(value: unknown): { traceId: string; spanId: string } | undefined {
  if (!(value instanceof vscode.Uri) || value.scheme !== SPAN_DETAILS_SCHEME) return undefined;
  const [, traceId, spanId] = value.path.split('/');
  return isTraceId(traceId) && isSpanId(spanId) ? { traceId, spanId } : undefined;
}

export function compareUri(traceId: string, title: string): vscode.Uri {
  return vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${traceId}/${fileTitle(title)}.txt` });
}

/** The trace id in a Compare Traces document's address; undefined when it holds none. */
export function parseCompareUri(uri: vscode.Uri): string | undefined {
  const [, traceId] = uri.path.split('/');
  return isTraceId(traceId) ? traceId : undefined;
}

export const METRICS_URI = vscode.Uri.from({ scheme: METRICS_SCHEME, path: '/AI Metrics.yaml' });

export interface ShowSpanDetailsOptions {
  /** Keep focus where it is (a click in the tree keeps keyboard navigation there). */
  readonly preserveFocus: boolean;
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

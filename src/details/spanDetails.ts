/**
 * Read-only span details documents (`ai-trace-lens:/{traceId}/{spanId}/{span name}.yaml`, see host/documents.ts),
 * rendered by core/spanDetailsText.ts. Open documents are re-rendered when their trace changes (a span sent again
 * replaces the earlier copy), and say so when their span has left the store (see host/traceDocuments.ts).
 */
import * as vscode from 'vscode';
import { renderMissingSpan, renderSpanDetails } from '../core/spanDetailsText';
import type { LogStore } from '../core/store/logStore';
import type { TraceStore } from '../core/store/traceStore';
import { SPAN_DETAILS_SCHEME } from '../host/contributions';
import { parseSpanDetailsUri } from '../host/documents';
import { TraceDocumentProvider } from '../host/traceDocuments';

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

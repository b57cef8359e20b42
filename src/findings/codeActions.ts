/**
 * The Problems panel's code actions on a finding: open its trace's flame graph at the span, or the span's details.
 * The span is read back from the diagnostic's related information (the span details document's address), which
 * VS Code keeps when it hands diagnostics back to the provider.
 */
import * as vscode from 'vscode';
import type { SpanRow } from '../host/commandTarget';
import { Commands } from '../host/contributions';
import { parseSpanDetailsUri } from '../host/documents';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
  };

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const spans = new Map<string, { row: SpanRow; diagnostic: vscode.Diagnostic }>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const ids = parseSpanDetailsUri(diagnostic.relatedInformation?.[0]?.location.uri);
      if (ids === undefined) continue;
      const key = `${ids.traceId}/${ids.spanId}`;
      if (!spans.has(key)) spans.set(key, { row: { type: 'span', ...ids }, diagnostic });
    }
    const actions: vscode.CodeAction[] = [];
    // Several spans at one line: each pair of actions names its span.
    const named = spans.size > 1;
    for (const { row, diagnostic } of spans.values()) {
      const suffix = named ? ` (${diagnostic.code as string})` : '';
      actions.push(
        action(`Open in Flame Graph${suffix}`, diagnostic, Commands.openFlameGraph, [row]),
        action(`Show Span Details${suffix}`, diagnostic, Commands.showSpanDetails, [row, { preserveFocus: false }]),
      );
    }
    return actions;
  }
}

function action(title: string, diagnostic: vscode.Diagnostic, command: string, args: unknown[]): vscode.CodeAction {
  const result = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  result.diagnostics = [diagnostic];
  result.command = { title, command, arguments: args };
  return result;
}

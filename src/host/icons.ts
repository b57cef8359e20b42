/** The codicon and theme colour of each kind of span, shared by the Traces view and the pickers. */
import * as vscode from 'vscode';
import { StatusCode } from '../core/model';
import type { SpanNode } from '../core/store/types';
import type { AiKind } from '../shared/aiKinds';

const KIND_ICONS: Record<AiKind, { icon: string; color: string | undefined }> = {
  llm: { icon: 'sparkle', color: 'charts.purple' },
  embedding: { icon: 'symbol-array', color: 'charts.purple' },
  agent: { icon: 'robot', color: 'charts.blue' },
  tool: { icon: 'tools', color: 'charts.orange' },
  mcp: { icon: 'plug', color: 'charts.green' },
  retriever: { icon: 'search', color: 'charts.yellow' },
  chain: { icon: 'link', color: undefined },
  other: { icon: 'circle-outline', color: undefined },
};

/** The kind's icon, in the error colour when `failed`. */
export function kindIcon(kind: AiKind, failed: boolean): vscode.ThemeIcon {
  const { icon, color } = KIND_ICONS[kind];
  if (failed) return new vscode.ThemeIcon(icon, new vscode.ThemeColor('errorForeground'));
  return color === undefined ? new vscode.ThemeIcon(icon) : new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/** The span's kind icon, or the error icon when the span failed. */
export function spanIcon(node: SpanNode): vscode.ThemeIcon {
  if (node.span.status.code === StatusCode.Error) {
    return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  }
  return kindIcon(node.ai.kind, false);
}

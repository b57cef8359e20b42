/**
 * The replay documents this window opened: untitled JSON documents holding a request to edit and run. They are known
 * by their URI, so the CodeLenses (▶ Run Replay, Run ×N…) and the editor title buttons (through the
 * `aiTraceLens.replayDocument` context key) show on them and on no other JSON file.
 */
import * as vscode from 'vscode';
import { formatReplayDocument, type ReplayDocument } from '../core/replay/replayDocument';
import type { ContextKeyValues } from '../host/contextKeys';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';

export class ReplayDocuments implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly open = new Set<string>();
  private readonly disposables = new DisposableStore();

  constructor(private readonly contextKeys: ContextKeyValues) {
    this.disposables.add(vscode.languages.registerCodeLensProvider({ language: 'json', scheme: 'untitled' }, this));
    this.disposables.add(vscode.window.onDidChangeActiveTextEditor((editor) => this.updateContextKey(editor)));
    this.disposables.add(
      vscode.workspace.onDidCloseTextDocument((document) => this.open.delete(document.uri.toString())),
    );
  }

  /** Opens `document` as a new untitled JSON document, beside the active editor. */
  async show(document: ReplayDocument): Promise<void> {
    const text = await vscode.workspace.openTextDocument({ language: 'json', content: formatReplayDocument(document) });
    this.open.add(text.uri.toString());
    const editor = await vscode.window.showTextDocument(text, {
      viewColumn: vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
      preview: false,
    });
    this.updateContextKey(editor);
  }

  /** The replay document `uri` names, else the active editor's when it is one. */
  documentOf(uri: unknown): vscode.TextDocument | undefined {
    const candidate =
      uri instanceof vscode.Uri
        ? vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString())
        : vscode.window.activeTextEditor?.document;
    return candidate !== undefined && this.open.has(candidate.uri.toString()) ? candidate : undefined;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.open.has(document.uri.toString())) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '▶ Run Replay', command: Commands.runReplay, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: 'Run ×N…', command: Commands.runReplayTimes, arguments: [document.uri] }),
    ];
  }

  private updateContextKey(editor: vscode.TextEditor | undefined): void {
    this.contextKeys.set('replayDocument', editor !== undefined && this.open.has(editor.document.uri.toString()));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

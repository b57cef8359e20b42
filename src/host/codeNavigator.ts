/**
 * Jump to code: a span resolved to its source by the core resolver over the workspace (workspaceAccess.ts), and the
 * file opened at the line with a brief highlight. The flame graph, the Jump to Code command and the CodeLens
 * figures all resolve through one navigator, so they find the same line.
 */
import * as vscode from 'vscode';
import type { PathMapping } from '../core/code/paths';
import {
  manualSearchQuery,
  resolveSpanLocation,
  type ResolvableSpan,
  type ResolvedLocation,
} from '../core/code/resolveLocation';
import { describeError } from '../shared/errors';
import type { JumpToCodeOutcome } from '../shared/protocol';
import { ruleLabel } from '../shared/resolutionRules';
import { VsCodeWorkspaceAccess } from './workspaceAccess';

const HIGHLIGHT_MS = 1500;

export interface JumpOptions {
  /** Where to open the file. */
  viewColumn: vscode.ViewColumn;
  /** The span's name, for messages. */
  spanName: string;
}

/** Resolves spans to source and opens them. */
export class CodeNavigator implements vscode.Disposable {
  readonly workspace = new VsCodeWorkspaceAccess();
  private readonly highlight = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
  });
  private highlightTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly folderSubscription: vscode.Disposable;

  constructor(
    private readonly pathMappings: () => readonly PathMapping[],
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.folderSubscription = vscode.workspace.onDidChangeWorkspaceFolders(() => this.workspace.reset());
  }

  resolve(node: ResolvableSpan): Promise<ResolvedLocation | undefined> {
    return resolveSpanLocation(node, this.workspace, { pathMappings: this.pathMappings() });
  }

  /**
   * Resolves the span and opens its source, saying which rule found it; when nothing resolves, says so and offers a
   * workspace search. Never throws: failures are logged and reported as not found.
   */
  async jumpToSpan(node: ResolvableSpan, options: JumpOptions): Promise<JumpToCodeOutcome> {
    let location: ResolvedLocation | undefined;
    try {
      location = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Finding the source of the span…' },
        () => this.resolve(node),
      );
      if (location !== undefined) {
        await this.open(location, options.viewColumn);
        this.log.info(
          `Jump to code: ${location.file}:${location.line} found by ${ruleLabel(location.rule)} (${location.detail})`,
        );
        vscode.window.setStatusBarMessage(
          `$(go-to-file) Found by ${ruleLabel(location.rule)}: ${location.detail}`,
          6000,
        );
        const relative = vscode.workspace.asRelativePath(location.file, false);
        return { found: true, rule: location.rule, file: relative, line: location.line };
      }
    } catch (error) {
      this.log.error(`Jump to code for "${options.spanName}" failed: ${describeError(error)}`);
    }
    void this.offerSearch(node, options.spanName);
    return { found: false };
  }

  dispose(): void {
    if (this.highlightTimer !== undefined) clearTimeout(this.highlightTimer);
    this.highlight.dispose();
    this.folderSubscription.dispose();
  }

  private async open(location: ResolvedLocation, viewColumn: vscode.ViewColumn): Promise<void> {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const line = Math.min(Math.max(location.line, 1), document.lineCount) - 1;
    const text = document.lineAt(line);
    const character =
      location.column === undefined
        ? text.firstNonWhitespaceCharacterIndex
        : Math.min(location.column - 1, text.range.end.character);
    const position = new vscode.Position(line, character);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn,
      preserveFocus: false,
      preview: true,
      selection: new vscode.Range(position, position),
    });
    editor.revealRange(text.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.setDecorations(this.highlight, [text.range]);
    if (this.highlightTimer !== undefined) clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => {
      this.highlightTimer = undefined;
      editor.setDecorations(this.highlight, []);
    }, HIGHLIGHT_MS);
  }

  private async offerSearch(node: ResolvableSpan, spanName: string): Promise<void> {
    const search = 'Search Workspace';
    const choice = await vscode.window.showInformationMessage(`No source location found for "${spanName}".`, search);
    if (choice !== search) return;
    await vscode.commands.executeCommand('workbench.action.findInFiles', {
      query: manualSearchQuery(node) ?? spanName,
      isRegex: false,
      triggerSearch: true,
    });
  }
}

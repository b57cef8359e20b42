/**
 * Trace figures next to the code: a CodeLens above each line that spans resolved to (core/code/locationIndex.ts),
 * and a hover with the last few calls. Present only while `aiTraceLens.codeLens.enabled` is on; lenses refresh
 * debounced as traces arrive, change and leave.
 */
import * as vscode from 'vscode';
import { LocationIndex } from '../core/code/locationIndex';
import { formatLocationStats, locationStats, recentCallsMarkdown } from '../core/code/locationStats';
import { Debouncer } from '../core/debounce';
import type { SpanRow } from '../host/commandTarget';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

const LENS_REFRESH_MS = 500;
const HOVER_CALLS = 5;

/** The index knows files by their URI, as documents give it. */
const fileKey = (path: string) => vscode.Uri.file(path).toString();

export class TraceCodeLenses implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;
  private readonly refresher = new Debouncer(LENS_REFRESH_MS, () => this.changeEmitter.fire());
  private active: { index: LocationIndex; disposables: DisposableStore } | undefined;

  constructor(private readonly services: Services) {}

  setEnabled(enabled: boolean): void {
    if (enabled === (this.active !== undefined)) return;
    if (!enabled) {
      this.active?.disposables.dispose();
      this.active = undefined;
      this.changeEmitter.fire();
      return;
    }
    const { store, navigator, log, prices } = this.services;
    const disposables = new DisposableStore();
    const index = disposables.add(
      new LocationIndex(store, {
        resolve: (node) => navigator.resolve(node),
        fileKey,
        onDidChange: () => this.refresher.schedule(),
        price: (ai) => prices.spanCost(ai),
        log,
      }),
    );
    disposables.add(store.onDidChange((change) => index.onStoreChange(change)));
    disposables.add(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this));
    disposables.add(vscode.languages.registerHoverProvider({ scheme: 'file' }, this));
    disposables.add(vscode.workspace.onDidChangeWorkspaceFolders(() => index.invalidate()));
    disposables.add(
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.uri.scheme === 'file') index.invalidate(document.uri.toString());
      }),
    );
    this.active = { index, disposables };
  }

  /** The prices changed: every call's cost may differ. */
  reprice(): void {
    this.active?.index.reprice();
  }

  /** Path mappings changed: every resolution may differ. */
  invalidate(): void {
    this.active?.index.invalidate();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const lines = this.active?.index.callsAt(document.uri.toString());
    if (lines === undefined) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const [line, calls] of lines) {
      const stats = locationStats([...calls.values()]);
      if (stats === undefined || line > document.lineCount) continue;
      const target: SpanRow = { type: 'span', traceId: stats.latest.traceId, spanId: stats.latest.spanId };
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line - 1, 0, line - 1, 0), {
          title: formatLocationStats(stats),
          tooltip: 'Open the latest trace of this code in the flame graph',
          command: Commands.openFlameGraph,
          arguments: [target],
        }),
      );
    }
    return lenses;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const calls = this.active?.index.callsAt(document.uri.toString())?.get(position.line + 1);
    if (calls === undefined || calls.size === 0) return undefined;
    const markdown = new vscode.MarkdownString(
      recentCallsMarkdown([...calls.values()], HOVER_CALLS, (unixMs) => new Date(unixMs).toLocaleString()),
    );
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    return new vscode.Hover(markdown, document.lineAt(position.line).range);
  }

  dispose(): void {
    this.active?.disposables.dispose();
    this.active = undefined;
    this.refresher.dispose();
    this.changeEmitter.dispose();
  }
}

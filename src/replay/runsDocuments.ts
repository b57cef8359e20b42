/**
 * Replay ×N's results as read-only documents: the summary (`ai-trace-lens-replay:/{id}/{title}.md`: distinct answers,
 * counts, spread) and each distinct answer alone (`ai-trace-lens-replay:/{id}/{n}/Answer n.txt`), so any two can be
 * shown side by side in the diff editor. Results live in memory, the latest few only.
 */
import * as vscode from 'vscode';
import { fileTitle } from '../core/describe';
import { renderRunsSummary, type RunsSummary } from '../core/replay/runsSummary';
import { Commands, REPLAY_RUNS_SCHEME } from '../host/contributions';
import { DisposableStore } from '../host/disposable';

/** Results kept for their documents; older ones say they are gone. */
const KEPT_RESULTS = 20;

interface RunsResult {
  readonly title: string;
  readonly summary: RunsSummary;
}

export class RunsDocuments implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly results = new Map<string, RunsResult>();
  private nextId = 1;
  private readonly disposables = new DisposableStore();

  constructor() {
    this.disposables.add(vscode.workspace.registerTextDocumentContentProvider(REPLAY_RUNS_SCHEME, this));
    this.disposables.add(vscode.languages.registerCodeLensProvider({ scheme: REPLAY_RUNS_SCHEME }, this));
  }

  /** Keeps `summary` and opens its document. */
  async show(title: string, summary: RunsSummary): Promise<void> {
    const id = String(this.nextId++);
    this.results.set(id, { title, summary });
    for (const old of this.results.keys()) {
      if (this.results.size <= KEPT_RESULTS) break;
      this.results.delete(old);
    }
    const uri = vscode.Uri.from({ scheme: REPLAY_RUNS_SCHEME, path: `/${id}/${fileTitle(title)}.md` });
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [, id = '', answer] = uri.path.split('/');
    const result = this.results.get(id);
    if (result === undefined) return 'These replay results are no longer kept: run Replay ×N again.\n';
    if (uri.path.endsWith('.md')) return renderRunsSummary(result.summary, result.title);
    return result.summary.answers[Number(answer) - 1]?.text ?? '';
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!document.uri.path.endsWith('.md')) return [];
    const [, id = ''] = document.uri.path.split('/');
    if ((this.results.get(id)?.summary.answers.length ?? 0) < 2) return [];
    const command = { title: 'Diff two answers…', command: Commands.diffReplayAnswers, arguments: [document.uri] };
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), command)];
  }

  /** Asks for two answers of the results `uri` (or the active editor) shows, and opens them in the diff editor. */
  async diffAnswers(uri: unknown): Promise<void> {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    const [, id = ''] = target?.scheme === REPLAY_RUNS_SCHEME ? target.path.split('/') : [];
    const result = this.results.get(id);
    if (result === undefined || result.summary.answers.length < 2) {
      void vscode.window.showInformationMessage('Diffing needs Replay ×N results with two distinct answers or more.');
      return;
    }
    const items = result.summary.answers.map((answer, index) => ({
      label: `Answer ${index + 1}`,
      description: `${answer.runs.length} of ${result.summary.runCount} runs`,
      detail: answer.text.replace(/\s+/g, ' ').slice(0, 200),
      index,
    }));
    const title = 'Diff Two Replay Answers';
    const first = await vscode.window.showQuickPick(items, { title, placeHolder: 'Pick the first answer' });
    if (first === undefined) return;
    const rest = items.filter((item) => item !== first);
    const second = await vscode.window.showQuickPick(rest, { title, placeHolder: 'Compare it with…' });
    if (second === undefined) return;
    const answerUri = (index: number) =>
      vscode.Uri.from({ scheme: REPLAY_RUNS_SCHEME, path: `/${id}/${index + 1}/Answer ${index + 1}.txt` });
    await vscode.commands.executeCommand(
      'vscode.diff',
      answerUri(first.index),
      answerUri(second.index),
      `${first.label} ↔ ${second.label}`,
    );
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

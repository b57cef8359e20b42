/**
 * Jump to code over VS Code's APIs: the `WorkspaceAccess` the core resolver reads the workspace through, and
 * opening the resolved file at the line with a brief highlight. Text search uses no proposed API: it lists source
 * files with `findFiles` (the user's files.exclude and search.exclude honoured, bounded in count and size) and scans
 * them, caching each file's text until its modification time changes.
 */
import * as vscode from 'vscode';
import type { PathMapping } from './core/code/paths';
import { distinctivePieces, promptTexts } from './core/code/promptText';
import {
  resolveSpanLocation,
  symbolQuery,
  type ResolvableSpan,
  type ResolvedLocation,
  type SourcePosition,
  type WorkspaceAccess,
} from './core/code/resolveLocation';
import { describeError } from './receiverController';
import type { JumpToCodeOutcome } from './shared/protocol';
import { ruleLabel } from './shared/resolutionRules';

/** Files searched for text at most: a huge monorepo is searched partly rather than freezing the host. */
const MAX_SEARCHED_FILES = 5000;
/** Larger files are generated or data, not where a prompt or tool is written. */
const MAX_SEARCHED_FILE_BYTES = 1024 * 1024;
/** Text kept in the cache at most (UTF-16 code units); past it the cache starts over. */
const MAX_CACHED_CHARS = 64 * 1024 * 1024;
/** A resolution searches several times in a row; the file list is reused for that long. */
const FILE_LIST_TTL_MS = 10_000;
const READ_BATCH = 32;
/** Language servers can take long to start; a jump should not wait for them. */
const SYMBOL_TIMEOUT_MS = 3000;
const HIGHLIGHT_MS = 1500;

const SEARCHED_EXTENSIONS = [
  'py',
  'ts',
  'tsx',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'mts',
  'cts',
  'java',
  'kt',
  'go',
  'cs',
  'rb',
  'rs',
  'php',
  'swift',
  'scala',
  'md',
  'txt',
  'prompt',
  'yaml',
  'yml',
  'toml',
  'json',
  'jinja',
  'j2',
];
const SOURCE_GLOB = `**/*.{${SEARCHED_EXTENSIONS.join(',')}}`;
const ALWAYS_EXCLUDED = [
  '**/node_modules/**',
  '**/.git/**',
  '**/dist/**',
  '**/out/**',
  '**/.venv/**',
  '**/venv/**',
  '**/__pycache__/**',
];

/** The glob of files.exclude and search.exclude entries that are switched on (conditional entries are skipped). */
function userExcludes(): string[] {
  const patterns: string[] = [];
  for (const section of ['files', 'search']) {
    const excludes = vscode.workspace.getConfiguration(section).get<Record<string, unknown>>('exclude') ?? {};
    for (const [pattern, enabled] of Object.entries(excludes)) if (enabled === true) patterns.push(pattern);
  }
  return patterns;
}

function excludeGlob(extra: readonly string[] = []): string {
  return `{${[...new Set([...extra, ...userExcludes()])].join(',')}}`;
}

/** A literal path as a glob: each metacharacter in a class of its own. */
function literalGlob(path: string): string {
  return path.replace(/[[\]{}*?!]/g, (char) => `[${char}]`);
}

export class VsCodeWorkspaceAccess implements WorkspaceAccess {
  private readonly texts = new Map<string, { mtime: number; text: string }>();
  private cachedChars = 0;
  private fileList: { files: Promise<vscode.Uri[]>; at: number } | undefined;

  get folders(): readonly string[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((folder) => folder.uri.scheme === 'file')
      .map((folder) => folder.uri.fsPath);
  }

  async exists(path: string): Promise<boolean> {
    try {
      const stat = await vscode.workspace.fs.stat(vscode.Uri.file(path));
      return (stat.type & vscode.FileType.File) !== 0;
    } catch {
      return false;
    }
  }

  async findFiles(relativePath: string, maxResults: number): Promise<string[]> {
    const found = await vscode.workspace.findFiles(`**/${literalGlob(relativePath)}`, excludeGlob(), maxResults);
    return found.filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
  }

  async readText(path: string): Promise<string> {
    const uri = vscode.Uri.file(path);
    const stat = await vscode.workspace.fs.stat(uri);
    return this.textOf(uri, stat);
  }

  async findSymbol(name: string, container: string | undefined): Promise<SourcePosition | undefined> {
    const query = vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>(
      'vscode.executeWorkspaceSymbolProvider',
      name,
    );
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), SYMBOL_TIMEOUT_MS));
    const symbols = ((await Promise.race([query, timeout])) ?? []).filter(
      (symbol) => symbol.name === name && symbol.location.uri.scheme === 'file',
    );
    const best = symbols.find((symbol) => container !== undefined && symbol.containerName === container) ?? symbols[0];
    if (best === undefined) return undefined;
    const start = best.location.range.start;
    return { file: best.location.uri.fsPath, line: start.line + 1, column: start.character + 1 };
  }

  async searchText(literal: string, options: { maxResults: number }): Promise<SourcePosition[]> {
    if (literal === '') return [];
    const files = await this.sourceFiles();
    const results: SourcePosition[] = [];
    for (let index = 0; index < files.length && results.length < options.maxResults; index += READ_BATCH) {
      const batch = files.slice(index, index + READ_BATCH);
      const texts = await Promise.all(batch.map((uri) => this.searchableText(uri)));
      for (let i = 0; i < batch.length && results.length < options.maxResults; i++) {
        const text = texts[i];
        if (text !== undefined) collectMatches(text, literal, batch[i]!.fsPath, options.maxResults, results);
      }
    }
    return results;
  }

  /** Forgets cached file lists and texts (workspace folders changed). */
  reset(): void {
    this.texts.clear();
    this.cachedChars = 0;
    this.fileList = undefined;
  }

  private sourceFiles(): Promise<vscode.Uri[]> {
    const now = Date.now();
    if (this.fileList === undefined || now - this.fileList.at > FILE_LIST_TTL_MS) {
      const files = vscode.workspace
        .findFiles(SOURCE_GLOB, excludeGlob(ALWAYS_EXCLUDED), MAX_SEARCHED_FILES)
        .then((uris) => uris.filter((uri) => uri.scheme === 'file').sort((a, b) => a.fsPath.localeCompare(b.fsPath)));
      this.fileList = { files: Promise.resolve(files), at: now };
    }
    return this.fileList.files;
  }

  private async searchableText(uri: vscode.Uri): Promise<string | undefined> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_SEARCHED_FILE_BYTES) return undefined;
      return await this.textOf(uri, stat);
    } catch {
      return undefined;
    }
  }

  private async textOf(uri: vscode.Uri, stat: vscode.FileStat): Promise<string> {
    const cached = this.texts.get(uri.fsPath);
    if (cached !== undefined && cached.mtime === stat.mtime) return cached.text;
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    if (stat.size <= MAX_SEARCHED_FILE_BYTES) {
      if (cached !== undefined) this.cachedChars -= cached.text.length;
      if (this.cachedChars + text.length > MAX_CACHED_CHARS) {
        this.texts.clear();
        this.cachedChars = 0;
      }
      this.texts.set(uri.fsPath, { mtime: stat.mtime, text });
      this.cachedChars += text.length;
    }
    return text;
  }
}

/** Appends the 1-based positions of `literal` in `text`, counting lines only up to each match. */
function collectMatches(
  text: string,
  literal: string,
  file: string,
  maxResults: number,
  results: SourcePosition[],
): void {
  let line = 1;
  let lineStart = 0;
  let at = text.indexOf(literal);
  while (at >= 0 && results.length < maxResults) {
    let newline = text.indexOf('\n', lineStart);
    while (newline >= 0 && newline < at) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', lineStart);
    }
    results.push({ file, line, column: at - lineStart + 1 });
    at = text.indexOf(literal, at + literal.length);
  }
}

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
      query: searchQuery(node) ?? spanName,
      isRegex: false,
      triggerSearch: true,
    });
  }
}

/** What to search for by hand: the tool name, the function name, or a distinctive piece of the prompt. */
function searchQuery(node: ResolvableSpan): string | undefined {
  if (node.ai.toolName !== undefined) return node.ai.toolName;
  const fn = node.ai.code?.function;
  if (fn !== undefined) return symbolQuery(fn)?.name ?? fn;
  const prompt = promptTexts(node.span)[0];
  return prompt === undefined ? undefined : distinctivePieces(prompt.text, 1)[0];
}

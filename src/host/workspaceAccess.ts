/**
 * The workspace as the core resolver (core/code/resolveLocation.ts) reads it, over VS Code's APIs. Text search uses no
 * proposed API: it lists source files with `findFiles` (the user's files.exclude and search.exclude honoured, bounded
 * in count and size) and scans them, caching each file's text until its modification time changes.
 */
import * as vscode from 'vscode';
import type { SourcePosition, WorkspaceAccess } from '../core/code/resolveLocation';
import { collectMatches } from '../core/code/textMatches';

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

/** Where prompts, tools and the code that calls models are written. */
const SEARCHED_EXTENSIONS =
  'py ts tsx js jsx mjs cjs mts cts java kt go cs rb rs php swift scala md txt prompt yaml yml toml json jinja j2'.split(
    ' ',
  );
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

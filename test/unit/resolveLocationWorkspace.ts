/** A real workspace in a temporary folder for the location resolver's tests, and shorthands for resolving a span in it. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import type { PathMapping } from '../../src/core/code/paths';
import type { ResolvedLocation, SourcePosition, WorkspaceAccess } from '../../src/core/code/resolveLocation';
import { resolveSpanLocation } from '../../src/core/code/resolveLocation';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { SpanInit } from '../support/spanBuilder';
import { makeSpan } from '../support/spanBuilder';

const STACKTRACES = join(__dirname, '../fixtures/stacktraces');
const roots: string[] = [];

/** Removes every temporary workspace made so far: each test file calls it `after` its tests. */
export function removeTempWorkspaces(): void {
  roots.forEach((root) => rmSync(root, { recursive: true, force: true }));
}

interface DeclaredSymbol {
  name: string;
  container: string | undefined;
  at: SourcePosition;
}

/**
 * `WorkspaceAccess` over real files in a temporary folder, the way the host implements it over VS Code: a file walk
 * for `findFiles`, a line scan for `searchText`. Symbols are declared by the test, standing in for language servers.
 * Every call is logged so tests can check what the resolver asked for.
 */
export class TempWorkspace implements WorkspaceAccess {
  readonly root: string;
  readonly folders: string[];
  readonly calls: string[] = [];
  private readonly symbols: DeclaredSymbol[] = [];

  /** `files` maps paths relative to the temp root to contents; `folders` are the workspace folders among them. */
  constructor(files: Record<string, string>, folders: string[] = ['ws']) {
    this.root = mkdtempSync(join(tmpdir(), 'resolve-'));
    roots.push(this.root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(this.path(path)), { recursive: true });
      writeFileSync(this.path(path), text);
    }
    this.folders = folders.map((folder) => this.path(folder));
    for (const folder of this.folders) mkdirSync(folder, { recursive: true });
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  declareSymbol(name: string, container: string | undefined, at: SourcePosition): void {
    this.symbols.push({ name, container, at });
  }

  exists(path: string): Promise<boolean> {
    this.calls.push(`exists ${path}`);
    try {
      return Promise.resolve(statSync(path).isFile());
    } catch {
      return Promise.resolve(false);
    }
  }

  findFiles(relativePath: string, maxResults: number): Promise<string[]> {
    this.calls.push(`findFiles ${relativePath}`);
    const suffix = sep + relativePath.split('/').join(sep);
    return Promise.resolve(
      this.allFiles()
        .filter((file) => file.endsWith(suffix))
        .slice(0, maxResults),
    );
  }

  readText(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  findSymbol(name: string, container: string | undefined): Promise<SourcePosition | undefined> {
    this.calls.push(`findSymbol ${container ?? ''}.${name}`);
    const named = this.symbols.filter((symbol) => symbol.name === name);
    return Promise.resolve((named.find((symbol) => symbol.container === container) ?? named[0])?.at);
  }

  searchText(literal: string, options: { maxResults: number }): Promise<SourcePosition[]> {
    this.calls.push(`searchText ${literal}`);
    const hits: SourcePosition[] = [];
    for (const file of this.allFiles()) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const column = text.indexOf(literal);
          if (column >= 0) hits.push({ file, line: index + 1, column: column + 1 });
        });
    }
    return Promise.resolve(hits.slice(0, options.maxResults));
  }

  /** Files of the workspace folders, sorted: the order a search would list them in. */
  private allFiles(): string[] {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    return this.folders.flatMap(walk).sort();
  }
}

function node(init: SpanInit) {
  const span = makeSpan(init);
  return { span, ai: analyzeSpan(span) };
}

export function resolve(init: SpanInit, workspace: WorkspaceAccess, pathMappings: PathMapping[] = []) {
  return resolveSpanLocation(node(init), workspace, { pathMappings });
}

export function stacktrace(name: string): string {
  return readFileSync(join(STACKTRACES, name), 'utf8');
}

/** Numbered lines, so that a test can put a definition at a known line. */
export function lines(count: number, at: Record<number, string>): string {
  return Array.from({ length: count }, (_, index) => at[index + 1] ?? `# line ${index + 1}`).join('\n');
}

export function brief(location: ResolvedLocation | undefined, workspace: TempWorkspace) {
  if (location === undefined) return undefined;
  const file = location.file.startsWith(workspace.root + sep)
    ? location.file.slice(workspace.root.length + 1)
    : location.file;
  return { file: file.split(sep).join('/'), line: location.line, column: location.column, rule: location.rule };
}

/**
 * The layer rules (ARCHITECTURE.md), checked on the sources:
 * - src/shared is browser-safe code the host and the page share: it imports only itself, and compiles without Node's
 *   or the DOM's types;
 * - src/core is plain Node: no `vscode`, and only itself and src/shared;
 * - src/cli, a program of its own, uses only src/core and src/shared;
 * - the host is src/extension.ts, src/host (what every feature shares) and one folder per feature; a feature imports
 *   src/host, src/core, src/shared and itself, never another feature, so features talk through services and commands;
 * - webview/ runs in a browser frame, where neither `vscode` nor Node exists: it imports only src/shared and itself.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');
const CORE = join(SRC, 'core');
const SHARED = join(SRC, 'shared');
const CLI = join(SRC, 'cli');
const HOST = join(SRC, 'host');
const WEBVIEW = join(ROOT, 'webview');
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE_FILE.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier: static and type-only imports, re-exports, dynamic `import()` and `require()`. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** The folders under src/ that hold one host feature each. */
function featureFolders(): string[] {
  return readdirSync(SRC)
    .map((name) => join(SRC, name))
    .filter((path) => statSync(path).isDirectory() && ![CORE, SHARED, CLI, HOST].includes(path));
}

interface Rule {
  /** What a file of the layer may import by a relative path: the folders it may reach. */
  readonly reach: readonly string[];
  readonly vscode: boolean;
  /** Node's built-in modules (`node:fs`, `fs`). */
  readonly nodeBuiltins: boolean;
  /** Packages from node_modules. */
  readonly packages: boolean;
}

/** One message per import of `file` (whose text is `text`) that `rule` forbids. */
function violations(file: string, text: string, rule: Rule): string[] {
  const found: string[] = [];
  const where = relative(ROOT, file);
  for (const specifier of importsOf(text)) {
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      if (!rule.reach.some((dir) => isInside(target, dir))) {
        found.push(`${where} imports ${relative(ROOT, target)} ('${specifier}')`);
      }
    } else if (specifier === 'vscode' || specifier.startsWith('vscode/')) {
      if (!rule.vscode) found.push(`${where} imports '${specifier}'`);
    } else if (isBuiltin(specifier)) {
      if (!rule.nodeBuiltins) found.push(`${where} imports Node's '${specifier}'`);
    } else if (!rule.packages) {
      found.push(`${where} imports the package '${specifier}'`);
    }
  }
  return found;
}

function checkLayer(dir: string, rule: Rule, minimumFiles = 1): void {
  const files = sourceFiles(dir);
  assert.ok(files.length >= minimumFiles, `expected at least ${minimumFiles} sources under ${relative(ROOT, dir)}`);
  assert.deepEqual(
    files.flatMap((file) => violations(file, readFileSync(file, 'utf8'), rule)),
    [],
  );
}

describe('layer boundaries', () => {
  test('the scanner sees every import form, and only real imports', () => {
    const specifiers = importsOf(
      [
        "import type { ExtensionContext } from 'vscode';",
        "import * as host from '../extension';",
        "export { x } from './x';",
        "const a = require('node:fs');",
        "const b = import('./lazy');",
        "import './side-effect';",
        "// import nothing from 'commented-out';",
        'const text = \'not an import from "vscode"\';',
      ].join('\n'),
    );
    assert.deepEqual(specifiers, ['vscode', '../extension', './x', 'node:fs', './lazy', './side-effect']);
  });

  test('each rule reports what it forbids, and nothing else', () => {
    const file = join(CORE, 'store', 'x.ts');
    const check = (specifier: string, rule: Rule) => violations(file, `import { y } from '${specifier}';`, rule);
    const core: Rule = { reach: [CORE, SHARED], vscode: false, nodeBuiltins: true, packages: true };
    assert.deepEqual(check('../model', core), []);
    assert.deepEqual(check('../../shared/format', core), []);
    assert.deepEqual(check('../../extension', core), ["src/core/store/x.ts imports src/extension ('../../extension')"]);
    assert.deepEqual(check('vscode', core), ["src/core/store/x.ts imports 'vscode'"]);
    const strict: Rule = { reach: [CORE], vscode: false, nodeBuiltins: false, packages: false };
    assert.deepEqual(check('fs', strict), ["src/core/store/x.ts imports Node's 'fs'"]);
    assert.deepEqual(check('node:zlib', strict), ["src/core/store/x.ts imports Node's 'node:zlib'"]);
    assert.deepEqual(check('d3-scale', strict), ["src/core/store/x.ts imports the package 'd3-scale'"]);
  });

  test('src/shared imports only itself: no vscode, no Node module, no package', () => {
    checkLayer(SHARED, { reach: [SHARED], vscode: false, nodeBuiltins: false, packages: false }, 5);
  });

  test("src/shared compiles without Node's types and without the DOM's", () => {
    const program = ts.createProgram(sourceFiles(SHARED), {
      lib: ['lib.es2022.d.ts'],
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    assert.deepEqual(problems, []);
  });

  test('src/core imports only itself and src/shared, never vscode', () => {
    checkLayer(CORE, { reach: [CORE, SHARED], vscode: false, nodeBuiltins: true, packages: true }, 10);
  });

  test('src/cli imports only itself, src/core and src/shared', () => {
    checkLayer(CLI, { reach: [CLI, CORE, SHARED], vscode: false, nodeBuiltins: true, packages: true });
  });

  test('src/host imports only itself, src/core and src/shared: no feature', () => {
    checkLayer(HOST, { reach: [HOST, CORE, SHARED], vscode: true, nodeBuiltins: true, packages: true });
  });

  test('each feature imports src/host, src/core, src/shared and itself, never another feature', () => {
    const features = featureFolders();
    assert.ok(features.length >= 5, `expected the feature folders under src/, found ${features.length}`);
    for (const feature of features) {
      checkLayer(feature, { reach: [feature, HOST, CORE, SHARED], vscode: true, nodeBuiltins: true, packages: true });
    }
  });

  test('webview/ imports only itself and src/shared, never vscode or Node', () => {
    checkLayer(WEBVIEW, { reach: [WEBVIEW, SHARED], vscode: false, nodeBuiltins: false, packages: true }, 5);
  });
});

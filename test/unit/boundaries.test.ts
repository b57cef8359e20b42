/**
 * The layer rules, checked on the sources: src/core is plain Node (no `vscode`, not even `import type`, and no host
 * file that would bring it in), webview/ code runs in a browser frame, where neither `vscode` nor host code exists,
 * and src/protocol, the message types both sides share, is a leaf that may import only src/core.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');
const CORE = join(SRC, 'core');
const PROTOCOL = join(SRC, 'protocol');
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

/** The `src/` host file a relative specifier reaches (outside src/core and src/protocol), if any. */
function hostFileReached(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(fromFile), specifier);
  const shared = isInside(target, CORE) || isInside(target, PROTOCOL);
  return isInside(target, SRC) && !shared ? relative(ROOT, target) : undefined;
}

/** One message per forbidden import in `files`. */
function violations(files: string[], forbidVscode: boolean, forbidHost: boolean): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const where = relative(ROOT, file);
      if (forbidVscode && (specifier === 'vscode' || specifier.startsWith('vscode/'))) {
        found.push(`${where} imports '${specifier}'`);
      }
      const host = forbidHost ? hostFileReached(file, specifier) : undefined;
      if (host !== undefined) found.push(`${where} imports host file ${host} ('${specifier}')`);
    }
  }
  return found;
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
    assert.equal(hostFileReached(join(CORE, 'store', 'x.ts'), '../../extension'), join('src', 'extension'));
    assert.equal(hostFileReached(join(CORE, 'store', 'x.ts'), '../model'), undefined);
    assert.equal(hostFileReached(join(WEBVIEW, 'main.ts'), '../src/tracesTree'), join('src', 'tracesTree'));
    assert.equal(hostFileReached(join(WEBVIEW, 'main.ts'), '../src/protocol/messages'), undefined);
  });

  test('src/core imports neither vscode nor host files', () => {
    const files = sourceFiles(CORE);
    assert.ok(files.length > 10, `expected the core sources under ${CORE}, found ${files.length}`);
    assert.deepEqual(violations(files, true, true), []);
  });

  test('src/protocol imports neither vscode nor host files', () => {
    const files = sourceFiles(PROTOCOL);
    assert.ok(files.length > 0, `expected the protocol sources under ${PROTOCOL}`);
    assert.deepEqual(violations(files, true, true), []);
  });

  test('webview code imports neither vscode nor host files', (t) => {
    const files = sourceFiles(WEBVIEW);
    if (files.length === 0) {
      t.skip('no webview sources yet');
      return;
    }
    assert.deepEqual(violations(files, true, true), []);
  });
});

// Runs the TypeScript test files under the given folders (default: test/unit, test/integration and test/producers) with node's test runner.
// Node 20's runner does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      // test/producers holds the instrumented apps' own dependencies.
      if (name === 'node_modules') return [];
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

// Folders, or single test files (to run one e2e file).
const paths = process.argv.slice(2);
const files = (paths.length ? paths : ['test/unit', 'test/integration', 'test/producers']).flatMap((path) =>
  statSync(path).isFile() ? [path] : testFiles(path),
);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

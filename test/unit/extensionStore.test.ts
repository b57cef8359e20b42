/**
 * Where `ai-trace-lens mcp` looks for the extension's store by default: VS Code's global storage folder of the
 * extension (named after package.json's publisher and name) in each editor's user data folder, and of those that
 * exist, the one changed last.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { EXTENSION_ID, extensionStoreCandidates, findExtensionStore } from '../../src/cli/extensionStore';

const STORAGE = join('User', 'globalStorage', 'ai-trace-lens.ai-trace-lens', 'store');
const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('the extension store location', () => {
  test('the global storage folder is named after package.json publisher.name', async () => {
    const manifest = JSON.parse(await readFile(join(__dirname, '../../package.json'), 'utf8')) as {
      publisher: string;
      name: string;
    };
    assert.equal(EXTENSION_ID, `${manifest.publisher}.${manifest.name}`);
  });

  test('each platform looks in its user data folders, VS Code first', () => {
    const linux = extensionStoreCandidates('linux', {}, '/home/ada');
    assert.equal(linux[0], join('/home/ada/.config/Code', STORAGE));
    assert.ok(linux.includes(join('/home/ada/.config/Cursor', STORAGE)));
    assert.equal(linux.at(-1), join('/home/ada/.local/share/code-server', STORAGE));
    assert.equal(
      extensionStoreCandidates('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ada')[1],
      join('/cfg/Code - Insiders', STORAGE),
    );
    assert.equal(
      extensionStoreCandidates('darwin', {}, '/Users/ada')[0],
      join('/Users/ada/Library/Application Support/Code', STORAGE),
    );
    assert.equal(
      extensionStoreCandidates('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')[0],
      join('C:\\Users\\ada\\AppData\\Roaming', 'Code', STORAGE),
    );
  });

  test('of the stores that exist, the one changed last is chosen; none gives undefined', async () => {
    const root = await mkdtemp(join(tmpdir(), 'atl-extstore-'));
    dirs.push(root);
    const [code, cursor, missing] = ['code', 'cursor', 'missing'].map((name) => join(root, name));
    await mkdir(code!);
    await mkdir(cursor!);
    await utimes(code!, new Date(2026, 0, 2), new Date(2026, 0, 2));
    await utimes(cursor!, new Date(2026, 0, 1), new Date(2026, 0, 1));
    assert.equal(await findExtensionStore([missing!, cursor!, code!]), code);
    await utimes(cursor!, new Date(2026, 0, 3), new Date(2026, 0, 3));
    assert.equal(await findExtensionStore([missing!, cursor!, code!]), cursor);
    assert.equal(await findExtensionStore([missing!]), undefined);
  });
});

/**
 * Where the VS Code extension keeps its durable store, for `ai-trace-lens mcp` with no input: `store` in the
 * extension's global storage (src/host/services.ts), which lives in the user data folder of each editor built on VS
 * Code. Of the editors installed, the store written last is the one in use.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `publisher.name` from package.json, which VS Code names the global storage folder after. */
export const EXTENSION_ID = 'ai-trace-lens.ai-trace-lens';

/** The user data folder names of VS Code and the editors built on it that run the extension. */
const EDITORS = ['Code', 'Code - Insiders', 'VSCodium', 'Cursor', 'Windsurf'];

/** Every place the extension's store may be on this platform, most common first. */
export function extensionStoreCandidates(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string[] {
  const configRoot =
    platform === 'win32'
      ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  const userDirs = EDITORS.map((editor) => join(configRoot, editor));
  // code-server keeps its user data under ~/.local/share on every platform it runs on.
  if (platform !== 'win32') userDirs.push(join(home, '.local', 'share', 'code-server'));
  return userDirs.map((userDir) => join(userDir, 'User', 'globalStorage', EXTENSION_ID, 'store'));
}

/** The candidate store changed last (its newest segment started last), or undefined when none exists. */
export async function findExtensionStore(candidates = extensionStoreCandidates()): Promise<string | undefined> {
  const found = await Promise.all(
    candidates.map(async (dir) => {
      const info = await stat(dir).catch(() => undefined);
      return info?.isDirectory() ? { dir, changedMs: info.mtimeMs } : undefined;
    }),
  );
  let newest: { dir: string; changedMs: number } | undefined;
  for (const entry of found)
    if (entry !== undefined && (newest === undefined || entry.changedMs > newest.changedMs)) newest = entry;
  return newest?.dir;
}

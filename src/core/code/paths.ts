/**
 * Paths found in traces come from wherever the traced program ran: a container (`/app/agent.py`), Windows
 * (`C:\src\Agent.cs`), WSL (`/mnt/c/...`), or as URLs (`file:///app/x.mjs`). They are compared and re-based in one
 * spelling with forward slashes; the workspace side uses the host's own `path` module.
 */
import { join, normalize, relative, isAbsolute } from 'node:path';
import { decodeUriOrKeep } from '../../shared/uri';

export interface PathMapping {
  /** Prefix of the path as recorded in the trace, e.g. `/app` or `C:\build\agent`. */
  from: string;
  /** What replaces it on this machine: an absolute path, or one relative to each workspace folder. */
  to: string;
}

/** One local path to try, and how it was derived from the recorded one (for the UI). */
export interface MappedPath {
  path: string;
  how: string;
}

const FILE_URL = /^file:\/\/([^/]*)(\/.*)?$/i;
const DRIVE = /^[A-Za-z]:(?:\/|$)/;

/** `file:///C:/a%20b.ts` → `C:/a b.ts`, `C:\src\x.cs` → `C:/src/x.cs`; anything else keeps its text. */
export function slashPath(raw: string): string {
  let path = raw;
  const url = FILE_URL.exec(raw);
  if (url !== null) {
    const host = url[1]!;
    const decoded = decodeUriOrKeep(url[2] ?? '/');
    if (host !== '' && host.toLowerCase() !== 'localhost') path = `//${host}${decoded}`;
    else path = /^\/[A-Za-z]:/.test(decoded) ? decoded.slice(1) : decoded;
  }
  return path.replace(/\\/g, '/');
}

/** Absolute on some OS (POSIX root, drive letter or UNC), whatever OS this runs on. */
export function isAbsoluteAnywhere(slashed: string): boolean {
  return slashed.startsWith('/') || DRIVE.test(slashed);
}

/** The path in this host's spelling, for `WorkspaceAccess`. */
export function hostPath(slashed: string): string {
  return normalize(slashed);
}

export function isInsideFolder(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest !== '' && !rest.startsWith('..') && !isAbsolute(rest);
}

/** Path elements without the root or drive: `C:/src/a.cs` → `src`, `a.cs`. */
export function pathSegments(slashed: string): string[] {
  return slashed
    .replace(DRIVE, '')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
}

/**
 * Local paths for a recorded one, most trustworthy first: the configured prefix pairs, the WSL equivalents, then the
 * path re-based onto each workspace folder, longest suffix first (`/app/src/agent.py` → `<folder>/app/src/agent.py`,
 * `<folder>/src/agent.py`, `<folder>/agent.py`).
 */
export function mappedPaths(
  recorded: string,
  mappings: readonly PathMapping[],
  folders: readonly string[],
): MappedPath[] {
  const slashed = slashPath(recorded);
  const candidates: MappedPath[] = [];
  for (const mapping of mappings) {
    const rest = withoutPrefix(slashed, slashPath(mapping.from));
    if (rest === undefined) continue;
    const how = `mapping ${mapping.from} → ${mapping.to}`;
    if (isAbsoluteAnywhere(slashPath(mapping.to))) candidates.push({ path: join(mapping.to, ...rest), how });
    else for (const folder of folders) candidates.push({ path: join(folder, mapping.to, ...rest), how });
  }
  const wsl = wslEquivalent(slashed);
  if (wsl !== undefined) candidates.push({ path: hostPath(wsl), how: 'WSL path' });
  const segments = pathSegments(slashed);
  for (let start = 0; start < segments.length; start++) {
    for (const folder of folders) {
      candidates.push({ path: join(folder, ...segments.slice(start)), how: `re-based onto ${folder}` });
    }
  }
  return candidates;
}

/** The path's segments after `prefix`, or undefined when it does not start with it. Drive letters ignore case. */
function withoutPrefix(slashed: string, prefix: string): string[] | undefined {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return undefined;
  const ignoreCase = DRIVE.test(trimmed);
  const head = slashed.slice(0, trimmed.length);
  const matches = ignoreCase ? head.toLowerCase() === trimmed.toLowerCase() : head === trimmed;
  const boundary = slashed.length === trimmed.length || slashed[trimmed.length] === '/';
  return matches && boundary ? pathSegments(slashed.slice(trimmed.length)) : undefined;
}

/** `/mnt/c/Users/me/x.py` ↔ `c:/Users/me/x.py`; `//wsl$/Ubuntu/home/me/x.py` or `//wsl.localhost/…` → `/home/me/x.py`. */
function wslEquivalent(slashed: string): string | undefined {
  const mounted = /^\/mnt\/([a-zA-Z])(\/.*)?$/.exec(slashed);
  if (mounted !== null) return `${mounted[1]}:${mounted[2] ?? '/'}`;
  const share = /^\/\/wsl(?:\$|\.localhost)\/[^/]+(\/.*)$/i.exec(slashed);
  return share === null ? undefined : share[1];
}

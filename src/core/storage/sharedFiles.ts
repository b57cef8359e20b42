/**
 * The small files beside the segments through which the windows sharing a store agree:
 * - `control.json`, written by any window: whether receiving is paused, and through which segment the store was
 *   cleared (every window empties its memory; the owner deletes those segments, the others read on after them);
 * - `owner.json`, written by the owner: its receivers' and gateway's states, which the other windows show as theirs.
 * Each is replaced whole (written aside, then renamed), so a reader never sees half of one. A file that is missing or
 * does not parse reads as its defaults.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SharedControl {
  paused: boolean;
  /** Segments up to this sequence number were cleared; 0 when never. */
  clearedThrough: number;
}

export const NO_CONTROL: SharedControl = { paused: false, clearedThrough: 0 };

export class SharedFile<T> {
  private readonly path: string;
  /** The file and modification time last read (a rename makes a new file), to read again only after a change. */
  private seen = '';

  constructor(
    dir: string,
    name: string,
    private readonly parse: (value: unknown) => T | undefined,
  ) {
    this.path = join(dir, name);
  }

  /** The content, when it changed since the last call (the first call always reads). */
  async readIfChanged(): Promise<T | undefined> {
    const version = await stat(this.path).then(
      (stats) => `${stats.ino}:${stats.mtimeMs}`,
      () => 'missing',
    );
    if (version === this.seen) return undefined;
    this.seen = version;
    const text = await readFile(this.path, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return this.parse(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  async write(value: T): Promise<void> {
    const aside = `${this.path}.${process.pid}.tmp`;
    await writeFile(aside, JSON.stringify(value));
    await rename(aside, this.path);
  }
}

export function parseControl(value: unknown): SharedControl | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { paused, clearedThrough } = value as Record<string, unknown>;
  return {
    paused: paused === true,
    clearedThrough: typeof clearedThrough === 'number' && Number.isSafeInteger(clearedThrough) ? clearedThrough : 0,
  };
}

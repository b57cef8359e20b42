/**
 * Which process owns a store directory: the one holding its lock writes the segments (and, in the extension, owns
 * the receivers' ports); every other reader only follows. The lock is proper-lockfile's: an `owner.lock` directory
 * created atomically, its modification time refreshed every second by its holder, and removed by its exit handlers.
 *
 * A holder that crashed (SIGKILL, a killed extension host) leaves the lock behind. Beside it, `owner.pid` names the
 * holder's process: when that process is gone, the lock is taken at once. Otherwise (the process id reused, or the
 * directory shared by another machine) the lock is taken once it is `STALE_LOCK_MS` old. A holder that finds its lock
 * taken over (it stalled past that) is told through `onLost`.
 */
import { readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { describeError } from '../../shared/errors';

/** A lock not refreshed for this long belongs to a crashed process. */
export const STALE_LOCK_MS = 5000;
const REFRESH_MS = 1000;
const LOCK_NAME = 'owner.lock';
const PID_NAME = 'owner.pid';

export class StoreLock {
  constructor(
    private readonly releaseLock: () => Promise<void>,
    private readonly pidPath: string,
  ) {}

  /** The lock of `dir` (which must exist), or undefined when a live process holds it. */
  static async tryAcquire(dir: string, onLost: (reason: string) => void): Promise<StoreLock | undefined> {
    const acquired = await acquire(dir, onLost);
    if (acquired !== undefined || !(await holderIsGone(dir))) return acquired;
    await rmdir(join(dir, LOCK_NAME)).catch(() => undefined);
    return acquire(dir, onLost);
  }

  /** Gives the lock up; another process may take it at once. */
  async release(): Promise<void> {
    await rm(this.pidPath, { force: true }).catch(() => undefined);
    await this.releaseLock().catch(() => undefined);
  }
}

async function acquire(dir: string, onLost: (reason: string) => void): Promise<StoreLock | undefined> {
  let release: () => Promise<void>;
  try {
    release = await lock(dir, {
      lockfilePath: join(dir, LOCK_NAME),
      realpath: false,
      stale: STALE_LOCK_MS,
      update: REFRESH_MS,
      retries: 0,
      onCompromised: (error) => onLost(describeError(error)),
    });
  } catch (error) {
    if (isHeldElsewhere(error)) return undefined;
    throw error;
  }
  const pidPath = join(dir, PID_NAME);
  await writeFile(pidPath, String(process.pid));
  return new StoreLock(release, pidPath);
}

/** Whether the process `owner.pid` names has exited (not when the file is missing, being written, or this one). */
async function holderIsGone(dir: string): Promise<boolean> {
  const pid = Number(await readFile(join(dir, PID_NAME), 'utf8').catch(() => ''));
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ESRCH';
  }
}

function isHeldElsewhere(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ELOCKED';
}

/**
 * Which process owns a store directory: the one holding its lock writes the segments (and, in the extension, owns
 * the receivers' ports); every other reader only follows. The lock is proper-lockfile's: an `owner.lock` directory
 * created atomically, its modification time refreshed every second by its holder. A holder that exits is released by
 * its exit handlers; one that crashed (SIGKILL, power loss) stops refreshing, so its lock is taken as stale once it
 * is `STALE_LOCK_MS` old. A holder that finds its lock taken over (it stalled past that) is told through `onLost`.
 */
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { describeError } from '../../shared/errors';

/** A lock not refreshed for this long belongs to a crashed process. */
export const STALE_LOCK_MS = 5000;
const REFRESH_MS = 1000;

export class StoreLock {
  private constructor(private readonly releaseLock: () => Promise<void>) {}

  /** The lock of `dir` (which must exist), or undefined when a live process holds it. */
  static async tryAcquire(dir: string, onLost: (reason: string) => void): Promise<StoreLock | undefined> {
    try {
      const release = await lock(dir, {
        lockfilePath: join(dir, 'owner.lock'),
        realpath: false,
        stale: STALE_LOCK_MS,
        update: REFRESH_MS,
        retries: 0,
        onCompromised: (error) => onLost(describeError(error)),
      });
      return new StoreLock(release);
    } catch (error) {
      if (isHeldElsewhere(error)) return undefined;
      throw error;
    }
  }

  /** Gives the lock up; another process may take it at once. */
  async release(): Promise<void> {
    await this.releaseLock().catch(() => undefined);
  }
}

function isHeldElsewhere(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ELOCKED';
}

/** The store directory's lock: one holder at a time, given up on release, and taken at once from a killed holder. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { StoreLock } from '../../src/core/storage/storeLock';

describe('StoreLock', () => {
  test('one holder at a time; released, the next one takes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atl-lock-'));
    try {
      const lost: string[] = [];
      const first = await StoreLock.tryAcquire(dir, (reason) => lost.push(reason));
      assert.ok(first);
      assert.equal(await StoreLock.tryAcquire(dir, (reason) => lost.push(reason)), undefined);
      await first.release();
      const second = await StoreLock.tryAcquire(dir, (reason) => lost.push(reason));
      assert.ok(second);
      await second.release();
      assert.deepEqual(lost, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('StoreLock held by a process that was killed', () => {
  test('is taken at once, not after it goes stale', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atl-lock-'));
    const holder = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--eval',
        `require(${JSON.stringify(require.resolve('../../src/core/storage/storeLock'))})` +
          `.StoreLock.tryAcquire(${JSON.stringify(dir)}, () => {})` +
          `.then((lock) => { console.log(lock ? 'held' : 'busy'); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(createInterface({ input: holder.stdout }), 'line')) as [string];
      assert.equal(line, 'held');
      assert.equal(await StoreLock.tryAcquire(dir, () => {}), undefined, 'held by a live process');
      holder.kill('SIGKILL');
      await once(holder, 'exit');
      // Its lock is fresh (refreshed within the second): only the dead process tells it is free.
      const taken = await StoreLock.tryAcquire(dir, () => {});
      assert.ok(taken, 'the dead holder’s lock is taken');
      await taken.release();
    } finally {
      holder.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

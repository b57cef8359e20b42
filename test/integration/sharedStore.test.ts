/**
 * Windows sharing one durable store (core/storage/sharedStore.ts), each a SharedStore with its own memory stores and
 * real supervisors on loopback, as the extension hosts of two VS Code windows run them: the first owns the ports and
 * the others show what it receives; Clear and Pause act in all; a closed owner is replaced; a reload loads the disk.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { endpointUrl } from '../../src/core/endpoint';
import { postTraces } from '../../src/core/postTraces';
import { openWindow, type Window } from '../support/storeWindow';
import { until } from '../support/until';

async function sendDemo(window: Window): Promise<string> {
  const demo = buildDemoTrace();
  const { host, port } = window.receiver.state;
  const response = await postTraces(endpointUrl(host, port), demo.body, 'application/json');
  assert.equal(response.status, 200, response.body);
  return demo.traceId;
}

describe('SharedStore', () => {
  const dirs: string[] = [];
  const windows: Window[] = [];
  after(async () => {
    await Promise.all(windows.map((window) => window.close()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function windowsOn(count: number, maxSpans?: number): Promise<{ dir: string; opened: Window[] }> {
    const dir = await mkdtemp(join(tmpdir(), 'atl-shared-'));
    dirs.push(dir);
    const opened: Window[] = [];
    for (let index = 0; index < count; index++) {
      const window = openWindow(dir, maxSpans);
      windows.push(window);
      opened.push(window);
      await window.storage.start();
    }
    return { dir, opened };
  }

  test('the first window receives; the others show its state and what it receives', async () => {
    const {
      opened: [owner, follower],
    } = await windowsOn(2);
    assert.equal(owner!.storage.role, 'owner');
    assert.equal(follower!.storage.role, 'follower');
    assert.equal(owner!.receiver.state.kind, 'listening');
    await until(() => follower!.receiver.state.port === owner!.receiver.state.port, 'the follower shows the port');
    assert.equal(follower!.receiver.state.inAnotherWindow, true);
    assert.equal(follower!.gateway.state.port, owner!.gateway.state.port);
    const traceId = await sendDemo(owner!);
    assert.ok(owner!.traces.getTrace(traceId), 'the owner has it at once');
    await until(() => follower!.traces.getTrace(traceId) !== undefined, 'the follower shows the trace');
    assert.equal(follower!.traces.spanCount, owner!.traces.spanCount);
  });

  test('Clear in a follower empties every window and the disk; what comes after shows everywhere', async () => {
    const {
      dir,
      opened: [owner, follower],
    } = await windowsOn(2);
    await sendDemo(owner!);
    await until(() => follower!.traces.traceCount === 1, 'the follower shows the trace');
    await follower!.storage.clear();
    assert.equal(follower!.traces.traceCount, 0);
    await until(() => owner!.traces.traceCount === 0, 'the owner clears too');
    const segments = (await readdir(dir)).filter((name) => name.startsWith('segment-'));
    assert.deepEqual(segments, [], 'the cleared segments are deleted');
    const after = await sendDemo(owner!);
    await until(() => follower!.traces.getTrace(after) !== undefined, 'the follower shows the next trace');
    assert.equal(follower!.traces.traceCount, 1);
  });

  test('Pause in a follower pauses the owner, and both show it', async () => {
    const {
      opened: [owner, follower],
    } = await windowsOn(2);
    await follower!.storage.setPaused(true);
    await until(() => owner!.receiver.state.kind === 'paused', 'the owner pauses');
    await until(() => follower!.receiver.state.kind === 'paused', 'the follower shows it paused');
    await owner!.storage.setPaused(false);
    await until(() => follower!.receiver.state.kind === 'listening', 'the follower shows it resumed');
  });

  test('when the owner closes, a follower takes the ports over and keeps every trace', async () => {
    const {
      opened: [owner, follower],
    } = await windowsOn(2);
    const before = await sendDemo(owner!);
    await until(() => follower!.traces.getTrace(before) !== undefined, 'the follower shows the trace');
    await owner!.close();
    await until(() => follower!.storage.role === 'owner', 'the follower takes over');
    await until(() => follower!.receiver.state.kind === 'listening', 'and listens');
    assert.equal(follower!.receiver.state.inAnotherWindow, undefined);
    const after = await sendDemo(follower!);
    assert.ok(follower!.traces.getTrace(before) && follower!.traces.getTrace(after));
  });

  test('a window opened later loads the stored traces, newest first within its memory', async () => {
    const {
      dir,
      opened: [first],
    } = await windowsOn(1);
    const sent: string[] = [];
    for (let index = 0; index < 5; index++) sent.push(await sendDemo(first!));
    await first!.close();
    const spansPerTrace = first!.traces.spanCount / 5;
    // Memory for two traces and a half: the two newest load, the rest waits on disk.
    const reopened = openWindow(dir, Math.floor(spansPerTrace * 2.5));
    windows.push(reopened);
    await reopened.storage.start();
    assert.equal(reopened.storage.role, 'owner');
    assert.deepEqual(
      sent.map((traceId) => reopened.traces.getTrace(traceId) !== undefined),
      [false, false, false, true, true],
    );
    assert.equal(reopened.storage.hasOlderOnDisk, true);
    await reopened.storage.loadOlder();
    await reopened.storage.loadOlder();
    assert.deepEqual(
      sent.map((traceId) => reopened.traces.getTrace(traceId) !== undefined),
      [true, true, true, true, true],
    );
    assert.equal(reopened.storage.hasOlderOnDisk, false);
  });
});

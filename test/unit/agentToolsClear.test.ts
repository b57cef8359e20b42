/**
 * The agent tools following a store directory (`ai-trace-lens mcp --store`) honour a Clear made in any VS Code window
 * as the other windows do: control.json's `clearedThrough` empties what they hold, even before the owner has deleted
 * the cleared segments, and what is recorded after the Clear is still read, once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runAgentTool } from '../../src/core/agentTools';
import { agentToolSources, followStoreDirectory } from '../../src/core/agentTools/sources';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { parseControl, SharedFile } from '../../src/core/storage/sharedFiles';
import { SegmentStore } from '../../src/core/storage/segmentStore';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function storeDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'atl-agent-clear-'));
  dirs.push(dir);
  return dir;
}

function follower(dir: string) {
  const problems: string[] = [];
  return { sources: agentToolSources(followStoreDirectory(dir, (problem) => problems.push(problem))), problems };
}

async function appendDemo(store: SegmentStore): Promise<string> {
  const demo = buildDemoTrace({ endTimeMs: Date.now() - 1000 });
  await store.append('traces', 'json', Buffer.from(demo.body), Date.now());
  return demo.traceId;
}

async function listedTraceIds(sources: ReturnType<typeof agentToolSources>): Promise<string[]> {
  const result = await runAgentTool(sources, 'list_traces', {});
  assert.equal(result.isError, false, result.text);
  return [...result.text.matchAll(/^([0-9a-f]{32}) /gm)].map((match) => match[1]!);
}

/** What a window's Clear writes for the others: everything through the newest segment is cleared. */
function writeClear(dir: string, through: number): Promise<void> {
  return new SharedFile(dir, 'control.json', parseControl).write({ paused: false, clearedThrough: through });
}

describe('agent tools following a store directory', () => {
  test('a Clear another window made empties the tools before the owner deletes the segments', async () => {
    const dir = await storeDir();
    const store = await SegmentStore.open(dir);
    const { sources, problems } = follower(dir);
    try {
      const first = await appendDemo(store);
      assert.deepEqual(await listedTraceIds(sources), [first]);

      // A follower window's Clear: control.json only; the cleared segment is still on disk.
      await writeClear(dir, store.newestSequence);
      assert.deepEqual(await listedTraceIds(sources), []);
      assert.equal(sources.traces.traceCount, 0);

      // The owner then deletes the segment and records on in a newer one, which the tools read once.
      await store.clearThrough(store.newestSequence);
      const second = await appendDemo(store);
      assert.deepEqual(await listedTraceIds(sources), [second]);
      assert.deepEqual(await listedTraceIds(sources), [second]);
      assert.equal(sources.traces.traceCount, 1);
      assert.deepEqual(problems, []);
    } finally {
      await store.close();
    }
  });

  test('a server started after a Clear skips the cleared segments still on disk', async () => {
    const dir = await storeDir();
    const store = await SegmentStore.open(dir);
    try {
      await appendDemo(store);
      await writeClear(dir, store.newestSequence);
      await store.close();
      const reopened = await SegmentStore.open(dir);
      const after = await appendDemo(reopened);
      await reopened.close();
      assert.ok(reopened.newestSequence > 1, 'the reopened store writes a newer segment');

      const { sources } = follower(dir);
      assert.deepEqual(await listedTraceIds(sources), [after]);
    } finally {
      await store.close();
    }
  });
});

/**
 * What a window makes itself (a replay's spans, a judge's evaluation events) recorded through the shared store
 * (SharedStore.recordSpans / recordLogs): the owner appends it and its followers read it; a follower's goes to the
 * owner's segments through its receiver (which does not forward it); a reload loads it; and no window ingests it twice.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { endpointUrl } from '../../src/core/endpoint';
import type { Span } from '../../src/core/model';
import { postTraces } from '../../src/core/postTraces';
import { makeLogRecord } from '../support/logBuilder';
import { makeResource, makeScope, makeSpan } from '../support/spanBuilder';
import { openWindow, type Window } from '../support/storeWindow';
import { until } from '../support/until';

/** A replay's trace as tracedCall.ts makes it: a root and its model call, sharing resource and scope. */
function replaySpans(): Span[] {
  const traceId = randomBytes(16).toString('hex');
  const resource = makeResource('ai-trace-lens replay');
  const scope = makeScope('ai-trace-lens.replay');
  const root = makeSpan({ traceId, name: 'replay chat gpt-4o', resource, scope });
  const call = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    name: 'chat gpt-4o',
    resource,
    scope,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' },
  });
  return [root, call];
}

function evaluationEvent(span: Span) {
  return makeLogRecord({
    traceId: span.traceId,
    spanId: span.spanId,
    eventName: 'gen_ai.evaluation.result',
    attributes: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.value': 0.8 },
  });
}

/** How many times `window` ingested spans of `traceId`, counted from its trace store's change events. */
function countIngests(window: Window, traceId: string): () => number {
  let count = 0;
  window.traces.onDidChange((change) => {
    if (change.updated.includes(traceId)) count++;
  });
  return () => count;
}

const HOST = '127.0.0.1';
const JSON_TYPE = 'application/json';
const settle = () => new Promise((resolve) => setTimeout(resolve, 700));

describe('SharedStore.recordSpans and recordLogs', () => {
  const dirs: string[] = [];
  const windows: Window[] = [];
  after(async () => {
    await Promise.all(windows.map((window) => window.close()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function open(dir: string): Promise<Window> {
    const window = openWindow(dir);
    windows.push(window);
    await window.storage.start();
    return window;
  }

  async function ownerAndFollower(): Promise<{ dir: string; owner: Window; follower: Window }> {
    const dir = await mkdtemp(join(tmpdir(), 'atl-own-'));
    dirs.push(dir);
    const owner = await open(dir);
    const follower = await open(dir);
    assert.equal(owner.storage.role, 'owner');
    assert.equal(follower.storage.role, 'follower');
    await until(() => follower.receiver.state.kind === 'listening', 'the follower shows the owner listening');
    return { dir, owner, follower };
  }

  test("the owner's replay is in its memory at once, in the follower's after a poll, once each", async () => {
    const { owner, follower } = await ownerAndFollower();
    const spans = replaySpans();
    const traceId = spans[0]!.traceId;
    const ownerIngests = countIngests(owner, traceId);
    const followerIngests = countIngests(follower, traceId);
    await owner.storage.recordSpans(spans);
    assert.equal(owner.traces.getTrace(traceId)?.spans().length, 2, 'the owner has it when recordSpans resolves');
    await until(() => follower.traces.getTrace(traceId) !== undefined, 'the follower shows the replay');
    await owner.storage.recordLogs([evaluationEvent(spans[1]!)]);
    await until(() => follower.logs.forTrace(traceId).length > 0, 'the follower shows the evaluation');
    await settle();
    assert.equal(follower.traces.getTrace(traceId)?.spans().length, 2);
    assert.deepEqual([ownerIngests(), followerIngests()], [1, 1]);
    assert.deepEqual([owner.logs.forTrace(traceId).length, follower.logs.forTrace(traceId).length], [1, 1]);
  });

  test("a follower's replay reaches the owner's segments, is read back once, and survives a reload", async () => {
    const { dir, owner, follower } = await ownerAndFollower();
    const forwarded: string[] = [];
    owner.receiver.setForwarding((request) => void forwarded.push(request.signal));
    const spans = replaySpans();
    const traceId = spans[0]!.traceId;
    const followerIngests = countIngests(follower, traceId);
    await follower.storage.recordSpans(spans);
    assert.equal(follower.traces.getTrace(traceId)?.spans().length, 2, 'the follower has it when recordSpans resolves');
    assert.equal(owner.traces.getTrace(traceId)?.spans().length, 2, 'the owner took it before answering');
    await follower.storage.recordLogs([evaluationEvent(spans[1]!)]);
    assert.equal(follower.logs.forTrace(traceId).length, 1);
    assert.equal(owner.logs.forTrace(traceId).length, 1);
    await settle();
    assert.equal(followerIngests(), 1, 'the follower ingested it once: from the segments, not also from memory');
    assert.deepEqual(forwarded, [], 'the owner stores it, and forwards it no more than its own replays');
    const received = await postTraces(endpointUrl(HOST, owner.receiver.state.port), buildDemoTrace().body, JSON_TYPE);
    assert.equal(received.status, 200);
    assert.deepEqual(forwarded, ['traces'], 'what an app sends is forwarded still');
    assert.equal(follower.logs.forTrace(traceId).length, 1);

    await Promise.all([owner.close(), follower.close()]);
    const reloaded = await open(dir);
    assert.equal(reloaded.storage.role, 'owner');
    assert.equal(reloaded.traces.getTrace(traceId)?.spans().length, 2, 'the reloaded window loads the replay');
    assert.equal(reloaded.logs.forTrace(traceId).length, 1, 'and its evaluation, once');
  });

  test('a paused owner cannot take a follower’s replay: the follower keeps it in memory', async () => {
    const { owner, follower } = await ownerAndFollower();
    await owner.storage.setPaused(true);
    await until(() => follower.receiver.state.kind === 'paused', 'the follower shows the owner paused');
    const spans = replaySpans();
    await follower.storage.recordSpans(spans);
    assert.equal(follower.traces.getTrace(spans[0]!.traceId)?.spans().length, 2);
    assert.equal(owner.traces.getTrace(spans[0]!.traceId), undefined);
  });

  test('with storage off, recorded spans and logs go straight into memory', async () => {
    const window = openWindow(undefined);
    windows.push(window);
    await window.storage.start();
    assert.equal(window.storage.role, 'memory');
    const spans = replaySpans();
    await window.storage.recordSpans(spans);
    await window.storage.recordLogs([evaluationEvent(spans[1]!)]);
    assert.equal(window.traces.getTrace(spans[0]!.traceId)?.spans().length, 2);
    assert.equal(window.logs.forTrace(spans[0]!.traceId).length, 1);
  });
});

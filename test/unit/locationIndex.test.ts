import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { LocationIndex } from '../../src/core/code/locationIndex';
import type { ResolvedLocation } from '../../src/core/code/resolveLocation';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { SpanNode } from '../../src/core/store/types';
import { makeSpan, type PlainAttributes } from '../support/spanBuilder';

const TOOL: PlainAttributes = { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' };
const CHAT: PlainAttributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' };
const TOOLS_FILE = '/work/app/tools.py';

const traceIdOf = (digit: string) => digit.repeat(32);

interface Harness {
  store: TraceStore;
  index: LocationIndex;
  /** The spans the index asked to resolve, by name. */
  resolved: string[];
  /** Resolves when the index next reports a change. */
  readonly changed: () => Promise<void>;
}

const indexes: LocationIndex[] = [];
afterEach(() => indexes.splice(0).forEach((index) => index.dispose()));

function harness(locate: (node: SpanNode) => ResolvedLocation | undefined): Harness {
  const store = new TraceStore({ maxSpans: 1000 });
  const resolved: string[] = [];
  let onChange = () => {};
  const index = new LocationIndex(store, {
    resolve: (node) => {
      resolved.push(node.span.name);
      return Promise.resolve(locate(node));
    },
    fileKey: (path) => `file://${path}`,
    onDidChange: () => onChange(),
    log: { warn: assert.fail, error: assert.fail },
  });
  indexes.push(index);
  store.onDidChange((change) => index.onStoreChange(change));
  return {
    store,
    index,
    resolved,
    changed: () => new Promise((resolve) => (onChange = resolve)),
  };
}

function toolSpan(traceId: string, durationMs: number): Span {
  return makeSpan({ traceId, name: 'execute_tool get_weather', attributes: TOOL, durationMs });
}

const atLine = (line: number) => (): ResolvedLocation => ({
  file: TOOLS_FILE,
  line,
  column: 1,
  rule: 'tool-registration',
  detail: 'get_weather',
});

describe('LocationIndex', () => {
  test('resolves one origin once, however many spans share it, and lists every call at its line', async () => {
    const { store, index, resolved, changed } = harness(atLine(12));
    const indexed = changed();
    store.ingest([toolSpan(traceIdOf('1'), 100), toolSpan(traceIdOf('2'), 300)]);
    await indexed;
    assert.deepEqual(resolved, ['execute_tool get_weather']);
    const calls = index.callsAt(`file://${TOOLS_FILE}`)?.get(12);
    assert.deepEqual([...(calls?.values() ?? [])].map((call) => [call.traceId, call.durationMs]).sort(), [
      [traceIdOf('1'), 100],
      [traceIdOf('2'), 300],
    ]);
  });

  test('leaves out spans with nothing to find them by: an LLM call without a system prompt', async () => {
    const { store, index, resolved, changed } = harness(atLine(3));
    const indexed = changed();
    store.ingest([
      makeSpan({ traceId: traceIdOf('3'), name: 'chat gpt-4o', attributes: CHAT }),
      toolSpan(traceIdOf('3'), 5),
    ]);
    await indexed;
    assert.deepEqual(resolved, ['execute_tool get_weather']);
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`)?.get(3)?.size, 1);
  });

  test('forgets the calls of a trace that leaves the store', async () => {
    const { store, index, changed } = harness(atLine(7));
    const indexed = changed();
    store.ingest([toolSpan(traceIdOf('4'), 10)]);
    await indexed;
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`)?.get(7)?.size, 1);
    const removed = changed();
    store.clear();
    await removed;
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`), undefined);
  });

  test('a saved file is resolved again: its lines may have moved', async () => {
    let line = 20;
    const { store, index, resolved, changed } = harness(() => atLine(line)());
    const indexed = changed();
    store.ingest([toolSpan(traceIdOf('5'), 10)]);
    await indexed;
    line = 22;
    // Its calls leave the old line at once (one change), and reach the new one once it resolved again (another).
    const left = changed();
    index.invalidate(`file://${TOOLS_FILE}`);
    await left;
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`), undefined);
    await changed();
    assert.equal(resolved.length, 2);
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`)?.get(22)?.size, 1);
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`)?.get(20), undefined);
  });

  test('an origin that resolves nowhere is remembered, and leaves no calls', async () => {
    const { store, index, resolved } = harness(() => undefined);
    store.ingest([toolSpan(traceIdOf('6'), 10)]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    store.ingest([toolSpan(traceIdOf('7'), 10)]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(resolved, ['execute_tool get_weather']);
    assert.equal(index.callsAt(`file://${TOOLS_FILE}`), undefined);
  });
});

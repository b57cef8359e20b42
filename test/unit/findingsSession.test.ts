/**
 * `context-growth` across a session: the LLM calls of all the turns (traces) of one conversation, in start order,
 * flagged once per session at the first call past the factor or the size; over a whole store (`evaluateTraces`, as the
 * CLI does) and live as turns arrive, in any order, or are replaced or evicted (FindingsIndex).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateTraces } from '../../src/core/findings/evaluate';
import { FindingsIndex, type FindingsChange } from '../../src/core/findings/findingsIndex';
import { DEFAULT_FINDINGS_OPTIONS, type Finding } from '../../src/core/findings/types';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import type { TraceRecord } from '../../src/core/store/types';
import { agentSpan, llmSpan } from '../support/findingSpans';
import type { PlainAttributes } from '../support/spanBuilder';

const traceIdOf = (turn: number, session: string | null) => `${session === 's' ? 'a' : 'b'}${turn}`.padEnd(32, '0');

/** One turn of a conversation: an agent run, `at` ms into the session, with one LLM call a second of these inputs. */
/** `session` null: a turn that names no conversation. */
function turn(number: number, inputs: readonly number[], session: string | null = 's', at = number * 100_000) {
  const traceId = traceIdOf(number, session);
  const attributes: PlainAttributes = session === null ? {} : { 'gen_ai.conversation.id': session };
  const agent = agentSpan('planner', { at, traceId, attributes });
  const calls = inputs.map((input, i) => llmSpan({ parent: agent, traceId, at: at + 1000 * (i + 1), input }));
  return { traceId, agent, calls, spans: [agent, ...calls] };
}

type Turn = ReturnType<typeof turn>;

function storeOf(turns: readonly Turn[]): TraceStore {
  const store = new TraceStore({ maxSpans: 10_000 });
  for (const { spans } of turns) store.ingest(spans);
  return store;
}

const growth = (findings: readonly Finding[]) => findings.filter((finding) => finding.rule === 'context-growth');

interface Case {
  name: string;
  build: () => { turns: Turn[]; flagged: Span[] };
  message?: RegExp;
}

const CASES: Case[] = [
  {
    name: 'turns each under 3x that together pass it: flagged at the first call past it, in the later turn',
    build: () => {
      const turns = [turn(1, [1000, 1500]), turn(2, [2000, 2500]), turn(3, [3200, 3600])];
      return { turns, flagged: [turns[2]!.calls[0]!] };
    },
    message: /^input grew from 1k to 3\.2k tokens \(3\.2x\) by call 5 of session s$/,
  },
  {
    name: 'a later turn past 100k tokens, the first call of its own run',
    build: () => {
      const turns = [turn(1, [60_000]), turn(2, [110_000])];
      return { turns, flagged: [turns[1]!.calls[0]!] };
    },
  },
  {
    name: 'once per session, however many turns pass it after',
    build: () => {
      const turns = [turn(1, [1000]), turn(2, [3500]), turn(3, [9000]), turn(4, [20_000])];
      return { turns, flagged: [turns[1]!.calls[0]!] };
    },
  },
  {
    name: 'a call its own run flags already is not flagged again for the session',
    build: () => {
      const turns = [turn(1, [1000, 3500]), turn(2, [4000])];
      return { turns, flagged: [turns[0]!.calls[1]!] };
    },
    message: /by call 2 of planner$/,
  },
  {
    name: 'a session growing under 3x',
    build: () => ({ turns: [turn(1, [1000, 1500]), turn(2, [2000, 2900])], flagged: [] }),
  },
  {
    name: 'the same traces without a session id: each run is judged alone',
    build: () => ({
      turns: [turn(1, [1000, 1500], null), turn(2, [2000, 2500], null), turn(3, [3200], null)],
      flagged: [],
    }),
  },
  {
    name: 'two interleaved sessions: only the one that grows is flagged, from its own first call',
    build: () => {
      const grows = [turn(1, [1000]), turn(3, [3100])];
      const other = [turn(2, [500], 'other'), turn(4, [600], 'other')];
      return { turns: [grows[0]!, other[0]!, grows[1]!, other[1]!], flagged: [grows[1]!.calls[0]!] };
    },
  },
];

describe('context-growth across a session, over a whole store', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const { turns, flagged } = c.build();
      const found = growth(evaluateTraces(storeOf(turns).traces()));
      assert.deepEqual(
        found.map((finding) => [finding.traceId, finding.spanId]),
        flagged.map((span) => [span.traceId, span.spanId]),
      );
      if (c.message !== undefined) assert.match(found[0]!.message, c.message);
    });
  }

  test('off with the rule', () => {
    const turns = [turn(1, [1000]), turn(2, [3500])];
    const options = { ...DEFAULT_FINDINGS_OPTIONS, disabled: new Set(['context-growth'] as const) };
    assert.deepEqual(growth(evaluateTraces(storeOf(turns).traces(), options)), []);
  });
});

/** A store and an index updated synchronously from each of its changes, with the index's events recorded. */
function live(maxSpans = 10_000) {
  const store = new TraceStore({ maxSpans });
  const index = new FindingsIndex(store);
  const events: FindingsChange[] = [];
  index.onDidChange((event) => events.push(event));
  store.onDidChange((change) => index.update(change));
  const growthIn = (traceId: string) => growth(index.forTrace(traceId)).map((finding) => finding.spanId);
  return { store, index, events, growthIn };
}

describe('context-growth across a session, live', () => {
  for (const c of CASES) {
    test(`turns arriving one by one, then in reverse: ${c.name}`, () => {
      const { turns, flagged } = c.build();
      for (const order of [turns, [...turns].reverse()]) {
        const { store, index } = live();
        for (const { spans } of order) store.ingest(spans);
        assert.deepEqual(
          growth(index.all()).map((finding) => finding.spanId),
          flagged.map((span) => span.spanId),
        );
      }
    });
  }

  test('a session that looks fine until a later turn trips it: the finding lands in that turn', () => {
    const { store, events, growthIn } = live();
    const turns = [turn(1, [1000, 1500]), turn(2, [2000, 2500]), turn(3, [3200])];
    store.ingest(turns[0]!.spans);
    store.ingest(turns[1]!.spans);
    assert.deepEqual(growthIn(turns[0]!.traceId), []);
    assert.deepEqual(growthIn(turns[1]!.traceId), []);
    store.ingest(turns[2]!.spans);
    assert.deepEqual(growthIn(turns[2]!.traceId), [turns[2]!.calls[0]!.spanId]);
    assert.deepEqual(events.at(-1), { updated: [turns[2]!.traceId], removed: [] });
  });

  test('an earlier turn arriving late moves the finding to it, and says so for both traces', () => {
    const { store, events, growthIn } = live();
    const first = turn(1, [1000]);
    const second = turn(2, [2000, 2500]);
    const third = turn(3, [3500]);
    store.ingest([...first.spans, ...third.spans]);
    assert.deepEqual(growthIn(third.traceId), [third.calls[0]!.spanId]);
    // The second turn's 3x call comes before the third turn's: the session's first crossing is now there.
    store.ingest([
      second.agent,
      second.calls[0]!,
      { ...second.calls[1]!, attributes: withInput(second.calls[1]!, 3100) },
    ]);
    assert.deepEqual(growthIn(second.traceId), [second.calls[1]!.spanId]);
    assert.deepEqual(growthIn(third.traceId), []);
    assert.deepEqual(new Set(events.at(-1)!.updated), new Set([second.traceId, third.traceId]));
  });

  test('a replaced span that no longer crosses takes the finding away', () => {
    const { store, index, growthIn } = live();
    const turns = [turn(1, [1000]), turn(2, [3500])];
    for (const { spans } of turns) store.ingest(spans);
    assert.equal(index.count, 1);
    const call = turns[1]!.calls[0]!;
    store.ingest([{ ...call, attributes: withInput(call, 1500) }]);
    assert.deepEqual(growthIn(turns[1]!.traceId), []);
    assert.equal(index.count, 0);
  });

  test('evicting the first turn re-bases the session on the next one', () => {
    // Room for the last two turns only (two spans each): the first turn is evicted when the third arrives.
    const { store, events, growthIn } = live(4);
    const turns = [turn(1, [1000]), turn(2, [3500]), turn(3, [4000])];
    store.ingest(turns[0]!.spans);
    store.ingest(turns[1]!.spans);
    assert.deepEqual(growthIn(turns[1]!.traceId), [turns[1]!.calls[0]!.spanId]);
    store.ingest(turns[2]!.spans);
    // 3.5k then 4k is no growth: the finding went with the turn it was measured from.
    assert.deepEqual(growthIn(turns[1]!.traceId), []);
    assert.deepEqual(growthIn(turns[2]!.traceId), []);
    // The evicted turn had no finding to take away: only the turn that lost one is announced beside the new one.
    assert.deepEqual(events.at(-1), { updated: [turns[2]!.traceId, turns[1]!.traceId], removed: [] });
  });

  test("a change to one turn reads no other trace: the session's calls are kept from their last evaluation", () => {
    const store = storeOf([turn(1, [1000]), turn(2, [2000])]);
    const third = turn(3, [3200]);
    const read: string[] = [];
    const source = {
      getTrace: (traceId: string): TraceRecord | undefined => {
        read.push(traceId);
        return store.getTrace(traceId);
      },
      traces: () => store.traces(),
    };
    const index = new FindingsIndex(source);
    index.reset();
    read.length = 0;
    store.ingest(third.spans);
    index.update({ updated: [third.traceId], removed: [], cleared: false });
    assert.deepEqual(read, [third.traceId]);
    assert.deepEqual(
      growth(index.forTrace(third.traceId)).map((finding) => finding.spanId),
      [third.calls[0]!.spanId],
    );
  });
});

function withInput(span: Span, input: number): Span['attributes'] {
  return new Map([...span.attributes, ['gen_ai.usage.input_tokens', input]]);
}

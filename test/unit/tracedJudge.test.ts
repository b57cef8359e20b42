/**
 * The judge as the editor and the CLI run it: each judge request sent as a traced model call (its own service,
 * linked to the graded span), a failed call reported as the evaluator's error, the workspace's evaluator files read
 * one by one so a broken one spoils no other, and the summary the editor shows after a run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { EVALUATORS_DIR, readEachWorkspaceEvaluator } from '../../src/core/evaluation/customEvaluators';
import { evaluate } from '../../src/core/evaluation/evaluate';
import { builtInEvaluator } from '../../src/core/evaluation/evaluators';
import { outcomeLogLine, outcomesSummary } from '../../src/core/evaluation/present';
import { llmCallTarget } from '../../src/core/evaluation/targetContent';
import { JUDGE_OF_ATTRIBUTE, JUDGE_SERVICE, tracedJudge, type SendTraced } from '../../src/core/evaluation/tracedJudge';
import { parseOtlpFile } from '../../src/core/inputFiles';
import type { ModelRequest } from '../../src/core/modelRoutes/modelRequest';
import type { TracedCallOptions } from '../../src/core/modelRoutes/tracedCall';
import { LogStore } from '../../src/core/store/logStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { loadOtlpFile } from '../../src/core/traceFile';

function finalChatTarget() {
  const traces = new TraceStore({ maxSpans: 10_000 });
  const logs = new LogStore({ maxRecords: 10_000 });
  const demo = buildDemoTrace();
  loadOtlpFile(parseOtlpFile(Buffer.from(demo.body), 'demo'), 'demo', { traces, logs });
  const trace = traces.getTrace(demo.traceId)!;
  const node = trace
    .spans()
    .filter((candidate) => candidate.ai.kind === 'llm')
    .at(-1)!;
  return llmCallTarget(trace, node, (span) => logs.forSpan(span.traceId, span.spanId));
}

/** A send that answers with `answers` in turn and remembers what it was given. */
function scriptedSend(answers: { text: string; error?: string }[]) {
  const sent: { request: ModelRequest; options: TracedCallOptions }[] = [];
  const send: SendTraced = (request, options) => {
    sent.push({ request, options });
    const { text, error } = answers.shift()!;
    return Promise.resolve({ traceId: 'judge-trace', rootSpanId: 'root', text, callSpan: undefined, error });
  };
  return { send, sent };
}

describe('tracedJudge', () => {
  test('each judge request is a model call in the judge service, linked to the graded span', async () => {
    const target = finalChatTarget();
    const { send, sent } = scriptedSend([{ text: '{"score": 4, "label": "good", "explanation": "Direct."}' }]);
    const judge = tracedJudge(send, { provider: 'anthropic', model: 'claude-x' });
    const [outcome] = await evaluate(target, [builtInEvaluator('relevance')!], judge);
    assert.equal(outcome?.kind, 'result');
    assert.equal(sent.length, 1);
    const { request, options } = sent[0]!;
    assert.equal(request.provider, 'anthropic');
    assert.equal(request.model, 'claude-x');
    assert.deepEqual(
      request.messages.map((message) => message.role),
      ['system', 'user'],
    );
    assert.match(request.messages[1]!.content, /Evaluator: relevance/);
    assert.equal(request.parameters.temperature, 0);
    assert.equal(options.service, JUDGE_SERVICE);
    assert.equal(options.name, 'judge relevance');
    assert.deepEqual(options.linkTo, { traceId: target.traceId, spanId: target.spanId, attribute: JUDGE_OF_ATTRIBUTE });
  });

  test("a failed judge call is the evaluator's error, and the next evaluator still runs", async () => {
    const target = finalChatTarget();
    const { send } = scriptedSend([
      { text: '', error: 'HTTP 401' },
      { text: '{"score": 1, "label": "pass", "explanation": "Done."}' },
    ]);
    const judge = tracedJudge(send, { provider: 'openai', model: 'm' });
    const custom = { ...builtInEvaluator('relevance')!, name: 'concise', scale: { kind: 'pass-fail' } as const };
    const outcomes = await evaluate(target, [builtInEvaluator('relevance')!, custom], judge);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.kind),
      ['error', 'result'],
    );
    assert.equal(outcomeLogLine(outcomes[0]!), 'relevance: failed, the judge failed: HTTP 401');
    assert.equal(
      outcomesSummary(target.description, outcomes),
      `Judged ${target.description}: concise pass · 1 failed (see the log)`,
    );
  });
});

describe('readEachWorkspaceEvaluator', () => {
  test('a broken evaluator file is an error naming it, and the other files are read', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ai-trace-lens-evaluators-'));
    try {
      const dir = join(folder, EVALUATORS_DIR);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'a-broken.md'), '---\nname: broken\nscale: 1-5\n---\nNo appliesTo.\n');
      await writeFile(join(dir, 'concise.md'), '---\nname: concise\nscale: pass/fail\nappliesTo: llm\n---\nShort?\n');
      const { evaluators, errors } = await readEachWorkspaceEvaluator(folder);
      assert.deepEqual(
        evaluators.map((evaluator) => evaluator.name),
        ['concise'],
      );
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /a-broken\.md: "appliesTo" must be llm, trace or session/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test('a folder without evaluators has none and no error', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'ai-trace-lens-evaluators-'));
    try {
      assert.deepEqual(await readEachWorkspaceEvaluator(folder), { evaluators: [], errors: [] });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

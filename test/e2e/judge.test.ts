/**
 * Evaluate with a Judge Model… in a real VS Code, on the `vscode.lm` route: a test extension (fixtures/
 * agent-tools-probe) registers a fake chat model with `vscode.lm.registerLanguageModelChatProvider`, answering with
 * scripted judge verdicts streamed in parts. A trace with a recorded model call arrives; the command, run from the
 * call's context menu, offers the evaluators that apply, then the routes with the fake model; the call's row then
 * shows the scripted scores, and the judge's calls are traces of their own in service `ai-trace-lens judge`. Replay
 * LLM Call… on the same call, run on the fake model, opens Compare Traces on the original and the replay.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { postOtlpJson } from './otlp';
import { probeFolder, startWithProbe } from './probe';
import { RECORDED_CALL as CALL, RECORDED_ROOT as ROOT, recordedCallTrace } from './recordedCall';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, type VsCodeSession } from './session';

const QUESTION = 'Where should I go in spring?';
/** The call's recorded system instructions and answer. */
const SYSTEM = 'Be terse.';
const ANSWER = 'Paris: the parks bloom in April and it is mild.';
/** What the fake model answers, in turn: one verdict per evaluator run. */
const VERDICTS = [
  { score: 4, label: 'good', explanation: 'Paris answers the question directly.' },
  { score: 2, label: 'weak', explanation: 'The answer is not terse.' },
];

/** What the fake model answers a replay. */
const REPLAY_ANSWER = 'Kyoto, for the cherry blossoms.';

describe('Evaluate with a Judge Model on a vscode.lm model', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await startWithProbe({
        name: 'judge',
        // Language models, ours included, are offered only while VS Code's AI features are on.
        settings: { 'chat.disableAIFeatures': false },
      });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest(
    'the judge’s scores show on the call’s row, and its calls are traced in their own service',
    session,
    async () => {
      const folder = probeFolder(vscode.workspaceFolder);
      await mkdir(folder, { recursive: true });
      await writeFile(
        join(folder, 'model-answers.json'),
        JSON.stringify(VERDICTS.map((verdict) => JSON.stringify(verdict))),
      );
      assert.equal(
        (
          await postOtlpJson(
            vscode.receiverPort,
            recordedCallTrace({ system: SYSTEM, question: QUESTION, answer: ANSWER }),
          )
        ).status,
        200,
      );
      await vscode.tree.expandTrace(ROOT);
      await vscode.workbench.runContextMenuEntry(
        vscode.tree.rowsContaining(CALL, 3).first(),
        'Evaluate with a Judge Model…',
      );

      // An LLM call with a question, a system prompt and an answer: the evaluators that apply to LLM calls.
      const evaluators = await vscode.palette.pickLabels(`Evaluate LLM call "${CALL}"`);
      for (const name of ['relevance', 'faithfulness', 'system-prompt-adherence', 'tool-call-correctness'])
        assert.ok(evaluators.includes(name), `${name} in ${evaluators.join(', ')}`);
      // Task completion grades agent runs and sessions only.
      assert.ok(!evaluators.includes('task-completion'));
      await vscode.palette.input.press('Enter');
      const routes = await vscode.palette.pickLabels(`Judge LLM call "${CALL}"`);
      assert.ok(
        routes.some((label) => label.includes('Probe Model')),
        routes.join(', '),
      );
      await vscode.palette.pick(/Probe Model/);

      // Relevance and adherence are judged; faithfulness and tool calls have nothing recorded to judge.
      const summary = vscode.notifications.toast(/^Judged LLM call/);
      await summary.first().waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(
        await vscode.notifications.message(summary.first()),
        `Judged LLM call "${CALL}": relevance 4/5 good · system-prompt-adherence 2/5 weak · 2 skipped`,
      );
      const row = await eventually('the evaluated call’s badge', async () =>
        (await vscode.tree.rows()).find((candidate) => candidate.label === CALL && candidate.description.includes('⚖')),
      );
      assert.match(row.description, /^⚖ relevance 4 · system-prompt-adherence 2 · /);

      // The model got the judge's prompt with the recorded question.
      const requests = JSON.parse(await readFile(join(folder, 'model-requests.json'), 'utf8')) as { text: string }[][];
      assert.equal(requests.length, 2);
      assert.ok(requests[0]!.some((message) => message.text.includes(QUESTION)));

      // Each judge call is a trace of its own, in the judge's service.
      for (const name of ['judge relevance', 'judge system-prompt-adherence']) {
        const judged = await eventually(`the trace of ${name}`, async () =>
          (await vscode.tree.traceRows()).find((candidate) => candidate.label === name),
        );
        assert.match(judged.description, /ai-trace-lens judge/);
      }
      await vscode.screenshot('judge-scores');
    },
  );

  uiTest('a replay on the fake vscode.lm model opens the comparison with the original call', session, async () => {
    const folder = probeFolder(vscode.workspaceFolder);
    await writeFile(join(folder, 'model-answers.json'), JSON.stringify([REPLAY_ANSWER]));
    await vscode.palette.runLabel('Notifications: Clear All Notifications');
    await vscode.workbench.runContextMenuEntry(vscode.tree.rowsContaining(CALL, 3).first(), 'Replay LLM Call…');
    const title = 'Untitled-1';
    await vscode.editors.text(title);
    const run = vscode.codeLens.link(title, 'Run Replay');
    await run.waitFor({ timeout: UI_TIMEOUT_MS });
    await run.click();
    await vscode.palette.pickLabels('Run Replay');
    await vscode.palette.pick(/Probe Model/);

    const diff = vscode.editors.diff;
    await diff.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await vscode.editors.activeTabTitle(), new RegExp(`^${ROOT} .* ↔ replay ${CALL} `));
    const replaySide = await eventually('the replay side', async () => {
      const shown = (await diff.locator('.editor.modified .view-lines').innerText()).replace(/\u00a0/g, ' ');
      return shown.includes(`replay ${CALL}`) ? shown : undefined;
    });
    // The answer came in parts, so the call has a time to first token.
    assert.match(replaySide, /TTFT \d+ ms/);
    assert.ok(replaySide.includes(REPLAY_ANSWER), replaySide);
    // The model got the recorded question: VS Code's chat API has no system role, so the system text came first.
    const requests = JSON.parse(await readFile(join(folder, 'model-requests.json'), 'utf8')) as { text: string }[][];
    assert.deepEqual(
      requests.at(-1)?.map((message) => message.text),
      [SYSTEM, QUESTION],
    );
    await vscode.tree.traceRow(`replay ${CALL}`).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.notifications
      .toast(/^Replaying /)
      .first()
      .waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await vscode.screenshot('judge-replay-compare');
  });
});

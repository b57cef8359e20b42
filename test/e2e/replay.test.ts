/**
 * Replay in a real VS Code: a trace with a recorded model call arrives at the receiver; Replay LLM Call… from the
 * call's context menu in the Traces view opens its request as a JSON document; the user changes the system prompt and
 * runs it with ▶ Run Replay on the OpenAI-compatible endpoint the settings name (a fake server on loopback), and
 * Compare Traces opens on the original run and the replay. The server received the edited system prompt. Run ×N…
 * on the same document lists the three answers three runs got, and any two open in the diff editor. The replays are
 * stored like received traces: a window reload lists all of them again, once each.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { FakeModelServer } from '../support/fakeModelServer';
import { postOtlpJson } from './otlp';
import { findNode } from './pages/tree';
import { RECORDED_CALL as CALL, RECORDED_ROOT as ROOT, recordedCallTrace } from './recordedCall';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

const SYSTEM_PROMPT = 'You are a terse travel agent.';
const EDITED_PROMPT = 'You are a cheerful travel agent who answers in French.';
const ANSWER = 'Bonjour ! Paris, bien sûr.';
/** The answers of the calls after the first, in turn: Replay ×3 gets all three. */
const OTHER_ANSWERS = ['Salut ! Lyon, peut-être.', 'Bonjour ! Nice, au soleil.'];

describe('Replay LLM Call', { timeout: 10 * 60_000 }, () => {
  const fake = new FakeModelServer({
    answers: [ANSWER, ...OTHER_ANSWERS],
    usage: { promptTokens: 30, completionTokens: 9, cachedTokens: 0 },
  });
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      const endpoint = await fake.start();
      vscode = await VsCodeSession.start({
        name: 'replay',
        machineSettings: { 'aiTraceLens.replay.endpoint': endpoint },
      });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
    await fake.stop();
  });

  uiTest('an edited system prompt replayed from the tree opens the comparison with the original', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    assert.equal(
      (
        await postOtlpJson(
          vscode.receiverPort,
          recordedCallTrace({ system: SYSTEM_PROMPT, question: 'Where should I go?' }),
        )
      ).status,
      200,
    );
    const trace = await vscode.tree.expandTrace(ROOT);
    // The trace's row holds its root span's row, which holds the model call's.
    assert.equal(findNode(trace.children, CALL)?.level, 3);
    await vscode.workbench.runContextMenuEntry(vscode.tree.rowsContaining(CALL, 3).first(), 'Replay LLM Call…');

    // The request opens as an untitled JSON document: edited by pasting, as typing would auto-close brackets.
    const title = 'Untitled-1';
    const request = JSON.parse(await vscode.editors.text(title)) as { messages: { role: string; content: string }[] };
    assert.deepEqual(request.messages[0], { role: 'system', content: SYSTEM_PROMPT });
    request.messages[0].content = EDITED_PROMPT;
    await vscode.workbench.writeClipboard(JSON.stringify(request, undefined, 2));
    await vscode.editors.group(title).first().locator('.monaco-editor .view-lines').click();
    await vscode.page.keyboard.press('ControlOrMeta+A');
    await vscode.page.keyboard.press('ControlOrMeta+V');

    const run = vscode.codeLens.link(title, 'Run Replay');
    await run.waitFor({ timeout: UI_TIMEOUT_MS });
    await run.click();
    const routes = await vscode.palette.pickLabels('Run Replay');
    assert.ok(
      routes.some((label) => label.includes('OpenAI-compatible endpoint')),
      routes.join(', '),
    );
    await vscode.palette.pick(/OpenAI-compatible endpoint/);

    const diff = vscode.editors.diff;
    await diff.waitFor({ timeout: UI_TIMEOUT_MS });
    const time = '\\d\\d∶\\d\\d∶\\d\\d';
    assert.match(await vscode.editors.activeTabTitle(), new RegExp(`^${ROOT} ${time} ↔ replay ${CALL} ${time}$`));
    const side = (name: 'original' | 'modified', text: string) =>
      eventually(`the ${name} side`, async () => {
        const shown = (await diff.locator(`.editor.${name} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
        return shown.includes(text) ? shown : undefined;
      });
    await side('original', ROOT);
    await side('modified', `replay ${CALL}`);

    const sent = fake.requests.at(-1)?.body.messages as { role: string; content: string }[] | undefined;
    assert.deepEqual(sent?.[0], { role: 'system', content: EDITED_PROMPT });
    // The replay is a trace of its own in the view, beside the original.
    await vscode.tree.traceRow(`replay ${CALL}`).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.notifications
      .toast(/^Replaying /)
      .first()
      .waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await vscode.screenshot('replay-compare');
  });

  uiTest('Run ×3 lists three distinct answers, and two of them open in the diff editor', session, async () => {
    const title = 'Untitled-1';
    await vscode.editors.tab(title).click();
    const calls = fake.requests.length;
    await vscode.codeLens.link(title, 'Run ×N').click();
    await vscode.palette.waitForTitle('Run Replay ×N');
    await vscode.palette.input.fill('3');
    await vscode.palette.input.press('Enter');
    await vscode.palette.pickLabels('Run Replay ×3');
    await vscode.palette.pick(/OpenAI-compatible endpoint/);

    const summaryTitle = `Replay ×3 of ${CALL}`;
    const summary = await eventually('the summary of three runs', async () => {
      const text = await vscode.editors.text(summaryTitle);
      return text.includes('## Answer 3') ? text : undefined;
    });
    assert.equal(fake.requests.length, calls + 3);
    assert.match(summary, new RegExp(`^# ${summaryTitle}: 3 runs\n\n3 distinct answers\\.`));
    for (const answer of [ANSWER, ...OTHER_ANSWERS]) assert.ok(summary.includes(`\n${answer}\n`), answer);
    assert.match(summary, /\| output tokens \| 9 \| 9 \| 9 \|/);

    await vscode.codeLens.link(summaryTitle, 'Diff two answers').click();
    await vscode.palette.pickLabels('Diff Two Replay Answers');
    await vscode.palette.pick('Answer 1');
    await vscode.palette.pickLabels('Diff Two Replay Answers');
    await vscode.palette.pick('Answer 3');
    await vscode.editors.diff.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await vscode.editors.activeTabTitle(), 'Answer 1 ↔ Answer 3');
    await vscode.screenshot('replay-times-diff');
  });

  uiTest('the replays are stored: after a window reload all four are listed, each once', session, async () => {
    await vscode.reloadWindow();
    await vscode.tree.open();
    await vscode.tree.traceRow(ROOT).first().waitFor({ timeout: UI_TIMEOUT_MS });
    // The replay and Run ×3's three runs, each a trace of its own, loaded from the store.
    await eventually('the four replays', async () =>
      (await vscode.tree.traceRow(`replay ${CALL}`).count()) === 4 ? true : undefined,
    );
    await vscode.screenshot('replay-after-reload');
  });
});

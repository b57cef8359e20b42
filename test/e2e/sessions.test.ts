/**
 * Grouping by session in a real VS Code: turns of one conversation, sent by the SDK exporter with the conversation id
 * in two conventions' attributes, gather under one session row with their totals; a trace without one stays on top.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession, type TreeRow } from './session';
import { createExporter, exportSpans, LLM_USAGE, recordAgentTrace } from './otlp';

const CONVERSATION = 'conv-e2e-7f3a';

describe('traces grouped by session', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'sessions' });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  function topRows(): Promise<TreeRow[]> {
    return vscode.tree.traceRows();
  }

  uiTest('Group by Session gathers a conversation’s turns under one row with their totals', session, async () => {
    await vscode.workbench.waitForReceiver();
    await vscode.tree.open();
    const exporter = createExporter('protobuf', vscode.receiverPort);
    // Two turns: one names the conversation the OTel GenAI way, the other the OpenInference way, as mixed stacks do.
    const first = recordAgentTrace({
      agentName: 'turn-one',
      service: 'chat-app',
      extraAttributes: { 'gen_ai.conversation.id': CONVERSATION },
    });
    const second = recordAgentTrace({
      agentName: 'turn-two',
      service: 'chat-app',
      extraAttributes: { 'session.id': CONVERSATION },
    });
    const lone = recordAgentTrace({ agentName: 'one-off', service: 'script' });
    for (const recorded of [first, second, lone]) await exportSpans(exporter, recorded.spans);
    await exporter.shutdown();
    await vscode.tree.traceRow(lone.names.root).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await eventually('three trace rows', async () => ((await topRows()).length === 3 ? true : undefined));

    await vscode.tree.clickTitleAction('Group by Session');
    // The session and the trace without one, newest first: the one-off started last.
    const rows = await eventually('the session row and the lone trace', async () => {
      const current = await topRows();
      const labels = current.map((row) => row.label);
      return labels.join('\n') === [lone.names.root, CONVERSATION].join('\n') ? current : undefined;
    });
    const conversation = rows.find((row) => row.label === CONVERSATION)!;
    const tokens = `${(2 * LLM_USAGE.inputTokens) / 1000}k→${2 * LLM_USAGE.outputTokens} tok`;
    // Two gpt-4o calls at the bundled list price: 2 × (1,200 × $2.50 + 345 × $10) per million tokens.
    assert.match(
      conversation.description,
      new RegExp(`^2 turns · ${tokens} · \\$0\\.013 · 2 LLM calls · 2 tool calls · [\\d.]+ s$`),
    );
    assert.ok(conversation.icons.includes('codicon-comment-discussion'), conversation.icons.join(' '));

    // Expanding it lists the turns, oldest first.
    await vscode.tree.rowsContaining(CONVERSATION, 1).locator('.monaco-tl-twistie').click();
    const turns = await eventually('the turns of the session', async () => {
      const level2 = (await vscode.tree.rows()).filter((row) => row.level === 2).map((row) => row.label);
      return level2.length === 2 ? level2 : undefined;
    });
    assert.deepEqual(turns, [first.names.root, second.names.root]);
    await vscode.screenshot('by-session');

    // A new turn of the conversation updates the session's totals live.
    const third = recordAgentTrace({
      agentName: 'turn-three',
      service: 'chat-app',
      extraAttributes: { 'gen_ai.conversation.id': CONVERSATION },
    });
    const again = createExporter('json', vscode.receiverPort);
    await exportSpans(again, third.spans);
    await again.shutdown();
    await eventually('the session counting three turns', async () => {
      const row = (await topRows()).find((candidate) => candidate.label === CONVERSATION);
      return row?.description.startsWith('3 turns · 3.6k→1k tok · $0.019 · ') ? true : undefined;
    });

    await vscode.tree.clickTitleAction('List Traces One by One');
    await eventually('four trace rows again', async () => {
      const labels = (await topRows()).map((row) => row.label);
      return labels.length === 4 && !labels.includes(CONVERSATION) ? true : undefined;
    });
  });

  uiTest('the grouping is kept for the workspace across a window reload', session, async () => {
    await vscode.tree.clickTitleAction('Group by Session');
    const ungroupButton = () => vscode.tree.titleAction('List Traces One by One');
    await ungroupButton().waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.reloadWindow();
    await vscode.tree.open();
    await ungroupButton().waitFor({ timeout: UI_TIMEOUT_MS });
    // Grouped, a trace without a conversation still shows at the top level.
    const lone = recordAgentTrace({ agentName: 'after-reload', service: 'script' });
    const exporter = createExporter('protobuf', vscode.receiverPort);
    await exportSpans(exporter, lone.spans);
    await exporter.shutdown();
    await vscode.tree.traceRow(lone.names.root).first().waitFor({ timeout: UI_TIMEOUT_MS });
  });
});

/**
 * Traces kept on disk and shared by the windows of one VS Code: they survive a window reload, a second window shows
 * what the first receives, and when the receiving window closes the other one takes its port over.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { createExporter, exportSpans, postOtlpJson, recordAgentTrace, traceRequest } from './otlp';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, UI_TIMEOUT_MS, VsCodeSession } from './session';

/** Sends an agent trace once, through the SDK's protobuf exporter, and returns its root span's name. */
async function sendTrace(receiverPort: number, agentName: string): Promise<string> {
  const trace = recordAgentTrace({ agentName, service: 'storage-e2e' });
  const exporter = createExporter('protobuf', receiverPort);
  await exportSpans(exporter, trace.spans);
  await exporter.shutdown();
  return trace.names.root;
}

describe('traces kept on disk and shared by every window', { timeout: 15 * 60_000 }, () => {
  let vscode: VsCodeSession;
  let second: VsCodeSession | undefined;
  const session = () => vscode;

  before(
    async () => {
      // A closed tab's extension host then ends a second later, as a closed desktop window's does at once.
      vscode = await VsCodeSession.start({ name: 'storage', reconnectionGraceSeconds: 1 });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await second?.stop().catch(() => undefined);
    await vscode?.stop();
  });

  uiTest('traces are still there after a window reload', session, async () => {
    const root = await sendTrace(vscode.receiverPort, 'kept-across-reload');
    await vscode.tree.traceRow(root).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await vscode.reloadWindow();
    await vscode.tree.open();
    await vscode.tree.traceRow(root).first().waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await vscode.tree.traceRow(root).count(), 1, 'the stored trace, once');
  });

  uiTest('a second window shows the stored traces, and a trace sent once appears in both', session, async () => {
    second = await vscode.openAnotherWindow('second');
    // The second window shows the first one's receiver: same port, listening, in another window.
    await second.workbench.waitForReceiver();
    assert.match(await second.workbench.statusBarLabel(), /received in another window/);
    assert.doesNotMatch(await vscode.workbench.statusBarLabel(), /another window/);
    await second.tree.open();
    await second.tree.traceRow('invoke_agent kept-across-reload').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const root = await sendTrace(vscode.receiverPort, 'seen-by-both');
    await vscode.tree.traceRow(root).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await second.tree.traceRow(root).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await second.screenshot('second window');
  });

  uiTest(
    'closing the receiving window lets the other take its port over',
    () => second!,
    async () => {
      const follower = second!;
      await vscode.page.close();
      await eventually(
        'the second window to receive on its own',
        async () => (/another window/.test(await follower.workbench.statusBarLabel()) ? undefined : true),
        STARTUP_TIMEOUT_MS,
      );
      await follower.workbench.waitForReceiver();
      const answer = await postOtlpJson(vscode.receiverPort, traceRequest('after-takeover', 'storage-e2e'));
      assert.equal(answer.status, 200);
      await follower.tree.traceRow('after-takeover').first().waitFor({ timeout: UI_TIMEOUT_MS });
      await follower.tree.traceRow('invoke_agent seen-by-both').first().waitFor({ timeout: UI_TIMEOUT_MS });
    },
  );
});

describe('more stored than memory holds', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  const session = () => vscode;
  /** Twelve traces of 100 spans each, oldest first, against the smallest memory bound: 1,000 spans. */
  const roots = Array.from({ length: 12 }, (_, index) => `stored-${String(index + 1).padStart(2, '0')}`);

  before(
    async () => {
      vscode = await VsCodeSession.start({ name: 'storage-older', settings: { 'aiTraceLens.store.maxSpans': 1000 } });
      await vscode.workbench.waitForReceiver();
      await vscode.tree.open();
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    await vscode?.stop();
  });

  uiTest('a reload shows the newest traces, and Load Older Traces brings in the rest', session, async () => {
    for (const root of roots) {
      assert.equal((await postOtlpJson(vscode.receiverPort, traceRequest(root, 'storage-e2e', 100))).status, 200);
    }
    await vscode.reloadWindow();
    await vscode.tree.open();
    await eventually('the message that older traces are on disk', async () =>
      (await vscode.tree.message()).includes('Older traces are on disk') ? true : undefined,
    );
    const shown = async () => (await vscode.tree.traceRows()).map((row) => row.label);
    // The newest ten fill memory; the two oldest wait on disk.
    assert.deepEqual((await shown()).sort(), roots.slice(2).sort());
    await vscode.screenshot('older traces on disk');
    await vscode.palette.runLabel('AI Trace Lens: Load Older Traces');
    await eventually('every stored trace', async () => ((await shown()).length === roots.length ? true : undefined));
    assert.deepEqual((await shown()).sort(), [...roots].sort());
    assert.doesNotMatch(await vscode.tree.message(), /Older traces are on disk/);
  });
});

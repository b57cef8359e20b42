/**
 * Another process holds the receiver's port when VS Code starts: the user is told why nothing listens and how to fix
 * it, and Retry works once the port is free.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe } from 'node:test';
import { closeServer, eventually, freePort, occupyPort, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession } from './harness';
import { postOtlpJson } from './otlp';

describe('the receiver port is taken at startup', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  let blocker: Server | undefined;
  const session = () => vscode;

  before(async () => {
    const port = await freePort();
    blocker = await occupyPort(port);
    vscode = await VsCodeSession.start({ name: 'port-in-use', receiverPort: port });
  }, { timeout: 3 * STARTUP_TIMEOUT_MS });

  after(async () => {
    if (blocker?.listening) await closeServer(blocker);
    await vscode?.stop();
  });

  uiTest('a notification says why and offers fixes, the status bar says so, Retry recovers', session, async () => {
    const toast = vscode.notification(`can't listen on 127.0.0.1:${vscode.receiverPort}`);
    await toast.waitFor({ timeout: STARTUP_TIMEOUT_MS });
    assert.match(await toast.locator('.notification-list-item-message').innerText(), /port is in use/);
    const buttons = await vscode.notificationButtons(toast);
    assert.ok(buttons.includes('Use Another Port'), `notification buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Retry'), `notification buttons: ${JSON.stringify(buttons)}`);
    await vscode.waitForStatusBar(/not listening/);

    await vscode.openTracesView();
    const failedWelcome = await eventually('the welcome content', () => vscode.welcomeText());
    assert.match(failedWelcome, /not listening/);
    await vscode.screenshot('port-in-use');

    await closeServer(blocker!);
    await vscode.clickNotificationButton(toast, 'Retry');
    await vscode.waitForReceiver();
    const answer = await postOtlpJson(vscode.receiverPort, '{"resourceSpans":[]}');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), {});
    const welcome = await eventually('the welcome content of a listening receiver', async () => {
      const text = await vscode.welcomeText();
      return text?.includes('No traces yet') ? text : undefined;
    });
    assert.match(welcome, /OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

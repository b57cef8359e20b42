/**
 * Another process holds the receiver's port (or only the OTLP/gRPC one) when VS Code starts: the user is told why
 * nothing (or only OTLP/HTTP) listens and how to fix it, and Retry works once the port is free.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:net';
import { after, before, describe } from 'node:test';
import { closeServer, freePort, occupyPort } from './ports';
import { eventually, STARTUP_TIMEOUT_MS, uiTest, VsCodeSession } from './session';
import { createExporter, exportSpans, postOtlpJson, recordAgentTrace } from './otlp';

describe('the receiver port is taken at startup', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  let blocker: Server | undefined;
  const session = () => vscode;

  before(
    async () => {
      const port = await freePort();
      blocker = await occupyPort(port);
      vscode = await VsCodeSession.start({ name: 'port-in-use', receiverPort: port });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    if (blocker?.listening) await closeServer(blocker);
    await vscode?.stop();
  });

  uiTest('a notification says why and offers fixes, the status bar says so, Retry recovers', session, async () => {
    const toast = vscode.notifications.toast(`can't listen on 127.0.0.1:${vscode.receiverPort}`);
    await toast.waitFor({ timeout: STARTUP_TIMEOUT_MS });
    assert.match(await vscode.notifications.message(toast), /port is in use/);
    const buttons = await vscode.notifications.buttons(toast);
    assert.ok(buttons.includes('Use Another Port'), `notification buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Retry'), `notification buttons: ${JSON.stringify(buttons)}`);
    await vscode.workbench.waitForStatusBar(/not listening/);

    await vscode.tree.open();
    const failedWelcome = await eventually('the welcome content', () => vscode.tree.welcomeText());
    assert.match(failedWelcome, /not listening/);
    await vscode.screenshot('port-in-use');

    await closeServer(blocker!);
    await vscode.notifications.clickButton(toast, 'Retry');
    await vscode.workbench.waitForReceiver();
    const answer = await postOtlpJson(vscode.receiverPort, '{"resourceSpans":[]}');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), {});
    const welcome = await eventually('the welcome content of a listening receiver', async () => {
      const text = await vscode.tree.welcomeText();
      return text?.includes('No traces yet') ? text : undefined;
    });
    assert.match(welcome, /OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

describe('the OTLP/gRPC port is taken at startup', { timeout: 10 * 60_000 }, () => {
  let vscode: VsCodeSession;
  let blocker: Server | undefined;
  const session = () => vscode;

  before(
    async () => {
      const grpcPort = await freePort();
      blocker = await occupyPort(grpcPort);
      vscode = await VsCodeSession.start({ name: 'grpc-port-in-use', grpcPort });
    },
    { timeout: 3 * STARTUP_TIMEOUT_MS },
  );

  after(async () => {
    if (blocker?.listening) await closeServer(blocker);
    await vscode?.stop();
  });

  uiTest('a notification says so while OTLP/HTTP listens; Retry brings gRPC up', session, async () => {
    const toast = vscode.notifications.toast(`can't listen for OTLP/gRPC on 127.0.0.1:${vscode.grpcPort}`);
    await toast.waitFor({ timeout: STARTUP_TIMEOUT_MS });
    const message = await vscode.notifications.message(toast);
    assert.match(message, /OTLP\/HTTP still works\): the port is in use/);
    const buttons = await vscode.notifications.buttons(toast);
    assert.ok(buttons.includes('Use Another Port'), `notification buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Retry'), `notification buttons: ${JSON.stringify(buttons)}`);
    await vscode.workbench.waitForReceiver();
    assert.equal((await postOtlpJson(vscode.receiverPort, '{"resourceSpans":[]}')).status, 200);

    await closeServer(blocker!);
    await vscode.notifications.clickButton(toast, 'Retry');
    const recorded = recordAgentTrace({ agentName: 'grpc-after-retry', service: 'grpc-retry-service' });
    await eventually('an export over gRPC once the port is free', async () => {
      const exporter = createExporter('grpc', vscode.grpcPort);
      try {
        await exportSpans(exporter, recorded.spans);
        return true;
      } finally {
        await exporter.shutdown();
      }
    });
    await vscode.tree.open();
    const trace = await vscode.tree.expandTrace(recorded.names.root);
    assert.equal(trace.label, recorded.names.root);
  });
});

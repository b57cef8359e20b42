/** The receiver's commands: its lifecycle, its port, the settings apps need to reach it, and a demo trace through it. */
import * as vscode from 'vscode';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from '../core/demoTrace';
import { displayAddress, endpointUrl, exporterEnvironment } from '../core/endpoint';
import { postTraces } from '../core/postTraces';
import { SETTING_LIMITS } from '../core/settings';
import { registerCommands } from '../host/commands';
import { Commands, ReceiverCommands, SettingKeys, TRACES_VIEW_ID } from '../host/contributions';
import { askForPort } from '../host/portPrompt';
import type { Services } from '../host/services';
import { openExtensionSettings } from '../host/settings';
import { addTraceExportToLaunchConfiguration } from './launchConfiguration';
import type { ReceiverNotifications } from './notifications';

const RESTART = 'Restart Receiver';

export function registerReceiverCommands(services: Services, notifications: ReceiverNotifications): vscode.Disposable {
  const { receiver, log, storage } = services;
  return registerCommands(log, ReceiverCommands, {
    pauseReceiving: () => storage.setPaused(true),
    resumeReceiving: () => storage.setPaused(false),
    restartReceiver: () => receiver.restart(),
    changePort: (protocol) => changePort(services, notifications, protocol),
    copyEndpoint: () => copyEndpoint(services),
    sendDemoTrace: () => sendDemoTrace(services),
    showReceiverActions: () => showReceiverActions(services),
    showLog: () => log.show(),
    openSettings: () => openExtensionSettings(services.context.extension.id),
    addTraceExportToLaunchConfiguration: () => addTraceExportToLaunchConfiguration(receiver),
  });
}

async function copyEndpoint({ receiver }: Services): Promise<void> {
  const endpoint = receiver.endpoint;
  await vscode.env.clipboard.writeText(exporterEnvironment(endpoint));
  const { kind, host, grpc } = receiver.state;
  if (kind === 'listening' || kind === 'paused') {
    // OTLP/HTTP suits every SDK; an app whose exporter only speaks gRPC gets the gRPC receiver's settings on request.
    const copyGrpc = 'Copy gRPC Settings';
    const grpcListening = grpc !== undefined && grpc.failure === undefined;
    const choice = await vscode.window.showInformationMessage(
      `Copied OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint} and OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf. ` +
        'Set them where your app runs; its traces then appear in the Traces view.',
      ...(grpcListening ? [copyGrpc] : []),
    );
    if (choice === copyGrpc && grpc !== undefined) {
      const grpcEndpoint = endpointUrl(host, grpc.port);
      await vscode.env.clipboard.writeText(exporterEnvironment(grpcEndpoint, 'grpc'));
      void vscode.window.showInformationMessage(
        `Copied OTEL_EXPORTER_OTLP_ENDPOINT=${grpcEndpoint} and OTEL_EXPORTER_OTLP_PROTOCOL=grpc.`,
      );
    }
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    `Copied the exporter settings for ${endpoint}, but the receiver is not listening right now.`,
    RESTART,
  );
  if (choice === RESTART) await receiver.restart();
}

async function sendDemoTrace({ receiver, storage, tracesView }: Services): Promise<void> {
  if (receiver.state.kind === 'paused') {
    const resume = 'Resume and Send';
    const choice = await vscode.window.showWarningMessage(
      'Receiving is paused, so the receiver would refuse the demo trace.',
      resume,
    );
    if (choice !== resume) return;
    await storage.setPaused(false);
  }
  const state = receiver.state;
  if (state.kind !== 'listening') {
    const why =
      state.kind === 'failed'
        ? (state.failure?.reason ?? 'it failed to start')
        : state.kind === 'stopped'
          ? 'receiving is turned off (aiTraceLens.receiver.enabled)'
          : 'it is still starting';
    const choice = await vscode.window.showWarningMessage(
      `The demo trace was not sent: the receiver is not listening; ${why}.`,
      RESTART,
    );
    if (choice === RESTART) await receiver.restart();
    return;
  }
  // Through the real receiver over HTTP, like an app's exporter: the demo exercises the whole path.
  const demo = buildDemoTrace();
  const response = await postTraces(receiver.endpoint, demo.body, 'application/json');
  if (response.status !== 200) {
    throw new Error(`The receiver refused the demo trace: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  }
  await tracesView.revealTrace(demo.traceId);
  vscode.window.setStatusBarMessage(
    `$(check) Demo trace "${DEMO_ROOT_SPAN_NAME}" received (${demo.spanCount} spans)`,
    4000,
  );
}

/** Changes the OTLP/HTTP port, or the OTLP/gRPC one when `protocol` is 'grpc' (from the gRPC start failure). */
async function changePort(
  { receiver, settings }: Services,
  notifications: ReceiverNotifications,
  protocol: unknown,
): Promise<void> {
  const grpc = protocol === 'grpc';
  const { host, port: httpPort, grpcPort } = settings.current.receiver;
  const configured = grpc ? grpcPort : httpPort;
  const port = await askForPort({
    title: grpc ? 'AI Trace Lens: OTLP/gRPC Receiver Port' : 'AI Trace Lens: Receiver Port',
    host,
    configured,
    limits: SETTING_LIMITS['receiver.port'],
    prompt: (suggestion) =>
      grpc
        ? `Port for the OTLP/gRPC receiver on ${host} (saved as aiTraceLens.receiver.grpcPort). ` +
          `${suggestion} is free now. Apps exporting over gRPC must use the same port in OTEL_EXPORTER_OTLP_ENDPOINT.`
        : `Port for the OTLP/HTTP receiver on ${host} (saved as aiTraceLens.receiver.port). ` +
          `${suggestion} is free now. Your app's OTEL_EXPORTER_OTLP_ENDPOINT must use the same port.`,
  });
  if (port === undefined) return;
  if (!grpc) notifications.announceNextStart(port);
  // The same port changes no setting, so no restart would follow on its own.
  if (port === configured) await receiver.restart();
  else await settings.savePort(grpc ? SettingKeys.receiverGrpcPort : SettingKeys.receiverPort, port);
}

interface ActionPick extends vscode.QuickPickItem {
  command: string;
}

async function showReceiverActions({ receiver, gateway, settings }: Services): Promise<void> {
  const state = receiver.state;
  const actions: ActionPick[] = [{ label: '$(list-tree) Show Traces', command: `${TRACES_VIEW_ID}.focus` }];
  if (state.kind === 'listening') {
    actions.push({ label: '$(debug-pause) Pause Receiving', command: Commands.pauseReceiving });
  }
  if (state.kind === 'paused') {
    actions.push({ label: '$(debug-start) Resume Receiving', command: Commands.resumeReceiving });
  }
  actions.push(
    {
      label: '$(copy) Copy Endpoint Settings',
      description: 'OTEL_EXPORTER_OTLP_ENDPOINT and _PROTOCOL for your app',
      command: Commands.copyEndpoint,
    },
    { label: '$(beaker) Send a Demo Trace', command: Commands.sendDemoTrace },
    settings.gateway.capture
      ? {
          label: '$(circle-slash) Stop Capturing LLM Calls',
          description: `new terminals call the model APIs directly, not through ${gateway.endpoint}`,
          command: Commands.stopCapturingLlmCalls,
        }
      : {
          label: '$(record) Capture LLM Calls Without Instrumentation',
          description: `OpenAI, Anthropic and Gemini SDK calls through the gateway at ${gateway.endpoint}`,
          command: Commands.captureLlmCalls,
        },
    ...(gateway.state.kind === 'failed'
      ? [{ label: '$(plug) Change Gateway Port…', command: Commands.changeGatewayPort }]
      : []),
    { label: '$(debug-restart) Restart Receiver', command: Commands.restartReceiver },
    { label: '$(plug) Change Receiver Port…', command: Commands.changePort },
    { label: '$(clear-all) Clear Traces', command: Commands.clearTraces },
    { label: '$(graph-line) Show Metrics', command: Commands.showMetrics },
    { label: '$(output) Show Log', command: Commands.showLog },
    { label: '$(settings-gear) Open Settings', command: Commands.openSettings },
  );
  const where = displayAddress(state.host, state.port);
  const title =
    state.kind === 'listening'
      ? `AI Trace Lens: receiving on ${where}`
      : state.kind === 'paused'
        ? `AI Trace Lens: paused on ${where}`
        : `AI Trace Lens: not listening (${where})`;
  const picked = await vscode.window.showQuickPick(actions, { title, placeHolder: 'Choose an action' });
  if (picked !== undefined) await vscode.commands.executeCommand(picked.command);
}

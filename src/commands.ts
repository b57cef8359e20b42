/**
 * Every command's handler, keyed by the ids in contributions.ts (a missing handler is a compile error). Arguments
 * from menus and other extensions are `unknown` and checked; every failure is logged and shown, never thrown.
 */
import * as vscode from 'vscode';
import type { CodeNavigator } from './codeNavigation';
import { showTraceComparison } from './compareTraces';
import { openSettings, saveReceiverPort } from './config';
import { Commands, SettingKeys, TRACES_VIEW_ID, type CommandId } from './contributions';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME } from './core/demoTrace';
import { describeSpan } from './core/describe';
import { displayAddress, endpointUrl, exporterEnvironment, findFreePort } from './core/endpoint';
import { durationNanos, nanosToMillis } from './core/model';
import { postTraces } from './core/postTraces';
import { SETTING_LIMITS, type Settings } from './core/settings';
import type { LogStore } from './core/store/logStore';
import type { MetricStore } from './core/store/metricStore';
import type { TraceStore } from './core/store/traceStore';
import type { SpanNode, TraceRecord } from './core/store/types';
import type { FlamePanels } from './flamePanel';
import { addTraceExportToLaunchConfiguration } from './launchConfiguration';
import { showMetrics } from './metricsDocument';
import { describeError, type ReceiverController } from './receiverController';
import { formatDuration } from './shared/format';
import { parseSpanDetailsUri, showSpanDetails } from './spanDetails';
import { openTraceFiles, saveTrace } from './traceFiles';
import { isTreeElement, rootSpanOf, spanIcon, type TracesView } from './tracesTree';

export interface CommandContext {
  store: TraceStore;
  logs: LogStore;
  metrics: MetricStore;
  receiver: ReceiverController;
  tracesView: TracesView;
  log: vscode.LogOutputChannel;
  extensionId: string;
  settings: () => Settings;
  flamePanels: FlamePanels;
  navigator: CodeNavigator;
}

type Handler = (...args: unknown[]) => unknown;

/** How many ports above the configured one "Use Another Port" tries before letting the OS pick. */
const NEARBY_PORTS = 12;

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const { store, receiver, log } = context;

  const handlers: Record<CommandId, Handler> = {
    [Commands.clearTraces]: () => store.clear(),
    [Commands.pauseReceiving]: () => receiver.setPaused(true),
    [Commands.resumeReceiving]: () => receiver.setPaused(false),
    [Commands.copyEndpoint]: () => copyEndpoint(context),
    [Commands.showSpanDetails]: (target, options) => showDetails(context, target, options),
    [Commands.sendDemoTrace]: () => sendDemoTrace(context),
    [Commands.restartReceiver]: () => receiver.restart(),
    [Commands.changePort]: (protocol: unknown) => changePort(context, protocol),
    [Commands.showLog]: () => log.show(),
    [Commands.openSettings]: () => openSettings(context.extensionId),
    [Commands.showReceiverActions]: () => showReceiverActions(context),
    [Commands.copyId]: (target) => copyId(target),
    [Commands.openFlameGraph]: (target) => openFlameGraph(context, target),
    [Commands.jumpToCode]: (target) => jumpToCode(context, target),
    [Commands.addTraceExportToLaunchConfiguration]: () => addTraceExportToLaunchConfiguration(receiver),
    [Commands.groupBySession]: () => context.tracesView.setGrouping('session'),
    [Commands.groupByTrace]: () => context.tracesView.setGrouping('trace'),
    [Commands.showMetrics]: () => showMetrics(),
    [Commands.compareTraces]: (target, selection) => compareTraces(context, target, selection),
    [Commands.openTraceFile]: (target, selection) => openTraceFiles(context, fileUris(target, selection)),
    [Commands.saveTrace]: (target) => saveTraceCommand(context, target),
  };

  return Object.entries(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        log.error(`Command ${id} failed: ${describeError(error)}`);
        void vscode.window.showErrorMessage(`AI Trace Lens: ${describeError(error)}`);
        return undefined;
      }
    }),
  );
}

async function copyEndpoint({ receiver }: CommandContext): Promise<void> {
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
  const restart = 'Restart Receiver';
  const choice = await vscode.window.showWarningMessage(
    `Copied the exporter settings for ${endpoint}, but the receiver is not listening right now.`,
    restart,
  );
  if (choice === restart) await receiver.restart();
}

async function showDetails(context: CommandContext, target: unknown, options: unknown): Promise<void> {
  const preserveFocus =
    typeof options === 'object' && options !== null && 'preserveFocus' in options && options.preserveFocus === true;
  if (isTreeElement(target)) {
    // A span row shows that span; a trace row shows the root span it stands for.
    const trace = context.store.getTrace(target.traceId);
    const node = target.type === 'span' ? trace?.getSpan(target.spanId) : trace && rootSpanOf(trace);
    if (node === undefined) {
      void vscode.window.showWarningMessage('That span is no longer held: the traces were cleared or it was evicted.');
      return;
    }
    await showSpanDetails(node.span.traceId, node.span.spanId, node.span.name, { preserveFocus });
    return;
  }
  // From the palette: pick a span of the selected trace, or of the newest.
  const selected = context.tracesView.selectedTraceId;
  const trace = (selected === undefined ? undefined : context.store.getTrace(selected)) ?? context.store.traces()[0];
  if (trace === undefined) {
    const send = 'Send a Demo Trace';
    const choice = await vscode.window.showInformationMessage('There are no traces yet.', send);
    if (choice === send) await vscode.commands.executeCommand(Commands.sendDemoTrace);
    return;
  }
  const node = await pickSpan(
    trace,
    `Span details: ${trace.summary.rootName}`,
    'Pick a span to show its attributes, events and resource',
  );
  if (node !== undefined)
    await showSpanDetails(node.span.traceId, node.span.spanId, node.span.name, { preserveFocus: false });
}

interface SpanPick extends vscode.QuickPickItem {
  node: SpanNode;
}

async function pickSpan(trace: TraceRecord, title: string, placeHolder: string): Promise<SpanNode | undefined> {
  // Pre-order, as in the tree; labels are the plain span names so typing a name finds it.
  const items: SpanPick[] = trace.spans().map((node) => ({
    node,
    label: node.span.name || '(unnamed span)',
    description: describeSpan(node.ai, nanosToMillis(durationNanos(node.span))),
    iconPath: spanIcon(node),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder,
    matchOnDescription: true,
  });
  return picked?.node;
}

async function sendDemoTrace({ receiver, tracesView }: CommandContext): Promise<void> {
  if (receiver.state.kind === 'paused') {
    const resume = 'Resume and Send';
    const choice = await vscode.window.showWarningMessage(
      'Receiving is paused, so the receiver would refuse the demo trace.',
      resume,
    );
    if (choice !== resume) return;
    receiver.setPaused(false);
  }
  const state = receiver.state;
  if (state.kind !== 'listening') {
    const why =
      state.kind === 'failed'
        ? (state.failure?.reason ?? 'it failed to start')
        : state.kind === 'stopped'
          ? 'receiving is turned off (aiTraceLens.receiver.enabled)'
          : 'it is still starting';
    const restart = 'Restart Receiver';
    const choice = await vscode.window.showWarningMessage(
      `The demo trace was not sent: the receiver is not listening; ${why}.`,
      restart,
    );
    if (choice === restart) await receiver.restart();
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
async function changePort({ receiver, settings }: CommandContext, protocol: unknown): Promise<void> {
  const grpc = protocol === 'grpc';
  const { host, port: httpPort, grpcPort } = settings().receiver;
  const configured = grpc ? grpcPort : httpPort;
  const { minimum, maximum } = SETTING_LIMITS['receiver.port'];
  const nearby = Array.from({ length: NEARBY_PORTS }, (_, index) => configured + 1 + index).filter(
    (port) => port <= maximum,
  );
  const suggestion = await findFreePort(host, nearby).catch(() => configured);
  const value = await vscode.window.showInputBox({
    title: grpc ? 'AI Trace Lens: OTLP/gRPC Receiver Port' : 'AI Trace Lens: Receiver Port',
    prompt: grpc
      ? `Port for the OTLP/gRPC receiver on ${host} (saved as aiTraceLens.receiver.grpcPort). ` +
        `${suggestion} is free now. Apps exporting over gRPC must use the same port in OTEL_EXPORTER_OTLP_ENDPOINT.`
      : `Port for the OTLP/HTTP receiver on ${host} (saved as aiTraceLens.receiver.port). ` +
        `${suggestion} is free now. Your app's OTEL_EXPORTER_OTLP_ENDPOINT must use the same port.`,
    value: String(suggestion),
    validateInput: (text) => {
      const port = Number(text.trim());
      return Number.isInteger(port) && port >= minimum && port <= maximum && text.trim() !== ''
        ? undefined
        : `Enter a whole number from ${minimum} to ${maximum}.`;
    },
  });
  if (value === undefined) return;
  const port = Number(value.trim());
  if (!grpc) receiver.announceNextStart(port);
  // The same port changes no setting, so no restart would follow on its own.
  if (port === configured) await receiver.restart();
  else await saveReceiverPort(grpc ? SettingKeys.receiverGrpcPort : SettingKeys.receiverPort, port);
}

interface ActionPick extends vscode.QuickPickItem {
  command: string;
}

async function showReceiverActions({ receiver }: CommandContext): Promise<void> {
  const state = receiver.state;
  const actions: ActionPick[] = [{ label: '$(list-tree) Show Traces', command: `${TRACES_VIEW_ID}.focus` }];
  if (state.kind === 'listening')
    actions.push({ label: '$(debug-pause) Pause Receiving', command: Commands.pauseReceiving });
  if (state.kind === 'paused')
    actions.push({ label: '$(debug-start) Resume Receiving', command: Commands.resumeReceiving });
  actions.push(
    {
      label: '$(copy) Copy Endpoint Settings',
      description: 'OTEL_EXPORTER_OTLP_ENDPOINT and _PROTOCOL for your app',
      command: Commands.copyEndpoint,
    },
    { label: '$(beaker) Send a Demo Trace', command: Commands.sendDemoTrace },
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

async function copyId(target: unknown): Promise<void> {
  if (!isTreeElement(target)) return;
  const [id, noun] = target.type === 'span' ? [target.spanId, 'span'] : [target.traceId, 'trace'];
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`$(check) Copied ${noun} id ${id}`, 3000);
}

const GONE_MESSAGE = 'That span is no longer held: the traces were cleared or it was evicted.';
const GONE_TRACE_MESSAGE = 'That trace is no longer held: the traces were cleared or it was evicted.';

/** The span a command was invoked on: a tree item (a trace row stands for its root span) or a span details document. */
function targetSpan(context: CommandContext, target: unknown): SpanNode | undefined | 'gone' {
  if (isTreeElement(target)) {
    const trace = context.store.getTrace(target.traceId);
    const node = target.type === 'span' ? trace?.getSpan(target.spanId) : trace && rootSpanOf(trace);
    return node ?? 'gone';
  }
  const ids = parseSpanDetailsUri(target);
  if (ids === undefined) return undefined;
  return context.store.getTrace(ids.traceId)?.getSpan(ids.spanId) ?? 'gone';
}

async function openFlameGraph(context: CommandContext, target: unknown): Promise<void> {
  if (isTreeElement(target)) {
    if (context.store.getTrace(target.traceId) === undefined) {
      void vscode.window.showWarningMessage('That trace is no longer held: the traces were cleared or it was evicted.');
      return;
    }
    context.flamePanels.open(target.traceId, target.type === 'span' ? target.spanId : undefined);
    return;
  }
  const ids = parseSpanDetailsUri(target ?? vscode.window.activeTextEditor?.document.uri);
  if (ids !== undefined) {
    if (context.store.getTrace(ids.traceId) === undefined) void vscode.window.showWarningMessage(GONE_MESSAGE);
    else context.flamePanels.open(ids.traceId, ids.spanId);
    return;
  }
  const trace = await pickTrace(context.store.traces(), 'Open Flame Graph');
  if (trace !== undefined) context.flamePanels.open(trace.summary.traceId);
}

interface TracePick extends vscode.QuickPickItem {
  trace: TraceRecord;
}

async function pickTrace(
  traces: readonly TraceRecord[],
  title: string,
  placeHolder = 'Pick a trace (newest first)',
): Promise<TraceRecord | undefined> {
  if (traces.length === 0) {
    void vscode.window.showInformationMessage('There are no traces yet.');
    return undefined;
  }
  const items: TracePick[] = traces.map((trace) => {
    const { summary } = trace;
    const parts = [
      formatDuration(summary.durationMs),
      `${summary.spanCount} ${summary.spanCount === 1 ? 'span' : 'spans'}`,
    ];
    if (summary.service !== undefined) parts.unshift(summary.service);
    if (summary.errorCount > 0) parts.push(summary.errorCount === 1 ? '1 error' : `${summary.errorCount} errors`);
    return {
      trace,
      label: summary.rootName || '(unnamed trace)',
      description: parts.join(' · '),
      detail: new Date(Number(summary.startTimeUnixNano / 1_000_000n)).toLocaleString(),
    };
  });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
  return picked?.trace;
}

/**
 * Compares two runs in the diff editor: the two traces selected in the view (from its context menu, or the view's
 * selection when run from the palette), or the one the command was invoked on and one picked (runs with the same
 * root span first, as the likely other run of the same code), or two picked.
 */
async function compareTraces(
  { store, tracesView }: CommandContext,
  target: unknown,
  selection: unknown,
): Promise<void> {
  const chosen: readonly unknown[] =
    Array.isArray(selection) && selection.length > 1
      ? selection
      : target === undefined
        ? tracesView.selectedElements
        : [target];
  const traceIds = [...new Set(chosen.filter(isTreeElement).map((element) => element.traceId))];
  const traces = traceIds.map((traceId) => store.getTrace(traceId)).filter((trace) => trace !== undefined);
  const held = store.traces();
  if (held.length < 2) {
    void vscode.window.showInformationMessage(
      'Comparing needs two traces: run your app again, then compare the two runs.',
    );
    return;
  }
  const title = 'Compare Traces';
  const first = traces[0] ?? (await pickTrace(held, title, 'Pick the first trace (newest first)'));
  if (first === undefined) return;
  let second: TraceRecord | undefined = traces[1];
  if (second === undefined) {
    const others = held.filter((trace) => trace !== first);
    const sameRoot = (trace: TraceRecord) => (trace.summary.rootName === first.summary.rootName ? 0 : 1);
    // Stable: newest first within each group.
    others.sort((a, b) => sameRoot(a) - sameRoot(b));
    second = await pickTrace(others, title, `Compare “${first.summary.rootName}” with… (the same root span first)`);
  }
  if (second !== undefined) await showTraceComparison(first, second);
}

/** The files an Explorer context menu passes (the clicked one, or all selected); undefined from the palette. */
function fileUris(target: unknown, selection: unknown): vscode.Uri[] | undefined {
  if (Array.isArray(selection) && selection.length > 0 && selection.every((item) => item instanceof vscode.Uri)) {
    return selection;
  }
  return target instanceof vscode.Uri ? [target] : undefined;
}

/** Saves the trace of a tree row, or one picked from the palette. */
async function saveTraceCommand(context: CommandContext, target: unknown): Promise<void> {
  if (!isTreeElement(target)) {
    const picked = await pickTrace(context.store.traces(), 'Save Trace As');
    if (picked !== undefined) await saveTrace(context, picked);
    return;
  }
  const trace = context.store.getTrace(target.traceId);
  if (trace === undefined) void vscode.window.showWarningMessage(GONE_TRACE_MESSAGE);
  else await saveTrace(context, trace);
}

async function jumpToCode(context: CommandContext, target: unknown): Promise<void> {
  let node = targetSpan(context, target ?? vscode.window.activeTextEditor?.document.uri);
  if (node === 'gone') {
    void vscode.window.showWarningMessage(GONE_MESSAGE);
    return;
  }
  const fromDetails = parseSpanDetailsUri(target ?? vscode.window.activeTextEditor?.document.uri) !== undefined;
  if (node === undefined) {
    const selected = context.tracesView.selectedTraceId;
    const trace = (selected === undefined ? undefined : context.store.getTrace(selected)) ?? context.store.traces()[0];
    if (trace === undefined) {
      void vscode.window.showInformationMessage('There are no traces yet.');
      return;
    }
    node = await pickSpan(
      trace,
      `Jump to Code: ${trace.summary.rootName}`,
      'Pick a span to open the code that made it',
    );
    if (node === undefined) return;
  }
  // From the tree the code opens where the user works; from a details document, beside it rather than over it.
  await context.navigator.jumpToSpan(node, {
    viewColumn: fromDetails ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
    spanName: node.span.name || '(unnamed span)',
  });
}

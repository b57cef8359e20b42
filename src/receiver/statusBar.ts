/**
 * The status bar item: where the receiver listens (or why not), with the store's counts and the gateway's address and
 * capture state in the tooltip.
 */
import * as vscode from 'vscode';
import { Debouncer } from '../core/debounce';
import { displayAddress, endpointUrl } from '../core/endpoint';
import type { GatewayState } from '../core/gateway/gatewaySupervisor';
import type { ReceiverState } from '../core/receiver/receiverSupervisor';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { formatCount, plural } from '../shared/format';

const COUNT_REFRESH_DELAY_MS = 500;

export class ReceiverStatusBar implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private readonly debouncer = new Debouncer(COUNT_REFRESH_DELAY_MS, () => this.update());

  constructor(private readonly services: Services) {
    const { receiver, gateway, store, settings } = services;
    this.item = this.disposables.add(
      vscode.window.createStatusBarItem('aiTraceLens.receiver', vscode.StatusBarAlignment.Right, 100),
    );
    this.item.name = 'AI Trace Lens Receiver';
    this.item.command = Commands.showReceiverActions;
    this.disposables.add(this.debouncer);
    this.disposables.add(receiver.onDidChangeState(() => this.update()));
    this.disposables.add(store.onDidChange(() => this.debouncer.schedule()));
    this.disposables.add(settings.onDidChange('store', () => this.update()));
    this.disposables.add(gateway.onDidChangeState(() => this.update()));
    this.disposables.add(settings.onDidChange('gateway', () => this.update()));
    this.update();
    this.item.show();
  }

  private update(): void {
    const state = this.services.receiver.state;
    const address = displayAddress(state.host, state.port);
    const view = STATE_VIEWS[state.kind];
    this.item.text = `${view.icon} ${view.text(address)}`;
    this.item.backgroundColor = view.background === undefined ? undefined : new vscode.ThemeColor(view.background);
    this.item.tooltip = this.tooltip(state);
    const elsewhere = state.inAnotherWindow ? ', received in another window' : '';
    this.item.accessibilityInformation = { label: `AI Trace Lens: ${view.text(address)}${elsewhere}` };
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private tooltip(state: ReceiverState): vscode.MarkdownString {
    const address = displayAddress(state.host, state.port);
    const { store, settings, storage } = this.services;
    const lines: string[] = [];
    if (state.inAnotherWindow) lines.push('Another VS Code window receives; what it receives shows here too.');
    if (state.kind === 'listening' || state.kind === 'paused') {
      lines.push(`Endpoint: ${endpointUrl(state.host, state.port)} (OTLP/HTTP, protobuf or JSON)`);
      const grpc = state.grpc;
      if (grpc?.failure) {
        lines.push(`OTLP/gRPC not listening on ${displayAddress(state.host, grpc.port)}: ${grpc.failure.reason}`);
      } else if (grpc) lines.push(`gRPC endpoint: ${endpointUrl(state.host, grpc.port)} (OTLP/gRPC)`);
    }
    lines.push(
      `${plural(store.traceCount, 'trace')} · ${plural(store.spanCount, 'span')} ` +
        `(limit ${formatCount(settings.current.maxSpans)} spans)`,
    );
    if (store.evictedTraces > 0)
      lines.push(`${plural(store.evictedTraces, 'oldest trace')} evicted to stay within the limit`);
    lines.push(gatewayLine(this.services.gateway.state, settings.gateway.capture));
    const failure = storage.writeFailure;
    if (failure !== undefined) lines.push(`Traces are kept in memory only: the store cannot be written (${failure})`);
    else if (storage.role !== 'memory') lines.push('Traces are kept on disk across reloads (aiTraceLens.storage)');
    lines.push('Click for receiver and gateway actions');
    // appendText escapes: the failure reason comes from the OS and the host from settings.
    const tooltip = new vscode.MarkdownString().appendMarkdown('**AI Trace Lens**: ');
    tooltip.appendText(STATE_VIEWS[state.kind].sentence(address, state));
    for (const line of lines) tooltip.appendMarkdown('  \n').appendText(line);
    return tooltip;
  }
}

/** The gateway's address and whether new terminals send their LLM calls through it, or why it does not listen. */
function gatewayLine(state: GatewayState, capture: boolean): string {
  const address = displayAddress(state.host, state.port);
  switch (state.kind) {
    case 'listening':
      return `Gateway: ${endpointUrl(state.host, state.port)} · ${capture ? 'capturing LLM calls' : 'not capturing LLM calls'}`;
    case 'starting':
      return `Gateway: starting on ${address}`;
    case 'failed':
      return `Gateway not listening on ${address}: ${state.failure?.reason ?? 'it failed to start'}`;
    case 'stopped':
      return 'Gateway: off (aiTraceLens.gateway.enabled)';
  }
}

interface StateView {
  icon: string;
  text(address: string): string;
  sentence(address: string, state: ReceiverState): string;
  background: string | undefined;
}

const STATE_VIEWS: Record<ReceiverState['kind'], StateView> = {
  starting: {
    icon: '$(loading~spin)',
    text: (address) => `OTLP ${address}`,
    sentence: (address) => `starting the receiver on ${address}`,
    background: undefined,
  },
  listening: {
    icon: '$(radio-tower)',
    text: (address) => `OTLP ${address}`,
    sentence: (address) => `receiving traces on ${address}`,
    background: undefined,
  },
  paused: {
    icon: '$(debug-pause)',
    text: (address) => `OTLP paused ${address}`,
    sentence: (address) => `receiving is paused on ${address}; exporters are told to retry later`,
    background: 'statusBarItem.warningBackground',
  },
  failed: {
    icon: '$(error)',
    text: () => 'OTLP not listening',
    sentence: (address, state) =>
      `not listening on ${address}: ${state.failure?.reason ?? 'the receiver failed to start'}`,
    background: 'statusBarItem.errorBackground',
  },
  stopped: {
    icon: '$(circle-slash)',
    text: () => 'OTLP off',
    sentence: () => 'receiving is turned off (aiTraceLens.receiver.enabled)',
    background: undefined,
  },
};

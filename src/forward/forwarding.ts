/**
 * Forwarding to the team's collector: every request the receivers accept also goes, as it was received, to the
 * collector the settings name, or by default to the OTLP endpoint VS Code's own environment had before terminals were
 * pointed at the receiver, so injecting the environment does not cut the collector off. Headers (often an API key)
 * come from VS Code's secret storage, or with the environment's endpoint from its `OTEL_EXPORTER_OTLP_HEADERS`.
 * A status bar item shows where requests go and what was dropped, in the window that receives (the one that owns the
 * shared store; see core/storage/sharedStore.ts).
 */
import * as vscode from 'vscode';
import { endpointUrl } from '../core/endpoint';
import { OtlpForwarder, type ForwarderStats } from '../core/forward/otlpForwarder';
import { forwardTarget } from '../core/forward/forwardTarget';
import { parseOtlpHeaders } from '../core/forward/otlpHeaders';
import { Commands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { describeError } from '../shared/errors';
import { formatCount, plural } from '../shared/format';

/** Secret storage key of the headers sent with forwarded requests. */
export const FORWARD_HEADERS_SECRET = 'aiTraceLens.forward.headers';
/** How long stopping a forwarder may spend sending what it still holds. */
const FLUSH_TIMEOUT_MS = 2000;

interface Active {
  readonly forwarder: OtlpForwarder;
  readonly endpoint: string;
  readonly source: 'setting' | 'environment';
  readonly subscription: vscode.Disposable;
}

export class Forwarding implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private readonly item: vscode.StatusBarItem;
  private active: Active | undefined;
  /** Reconfigurations run one after another, each stopping the forwarder before it. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly services: Services) {
    const { settings, receiver, context } = services;
    this.item = this.disposables.add(
      vscode.window.createStatusBarItem('aiTraceLens.forward', vscode.StatusBarAlignment.Right, 99),
    );
    this.item.name = 'AI Trace Lens Forwarding';
    this.item.command = Commands.setForwardingHeaders;
    this.disposables.add(settings.onDidChange('forward', () => this.reconfigure()));
    this.disposables.add(receiver.onDidChangeState(() => this.reconfigure()));
    this.disposables.add(
      context.secrets.onDidChange((event) => {
        if (event.key === FORWARD_HEADERS_SECRET) this.reconfigure();
      }),
    );
    this.reconfigure();
  }

  /** Stops forwarding, sending what is queued for a moment first. */
  async stop(): Promise<void> {
    this.reconfigure(true);
    await this.queue;
  }

  dispose(): void {
    void this.stop();
    this.disposables.dispose();
  }

  private reconfigure(stopping = false): void {
    this.queue = this.queue
      .then(() => this.apply(stopping))
      .catch((error: unknown) => this.services.log.error(`Forwarding could not be set up: ${describeError(error)}`));
  }

  private async apply(stopping: boolean): Promise<void> {
    const { settings, receiver, context, log } = this.services;
    // Only the window that receives forwards: another window's receiver state is shown here, not run.
    const idle = stopping || !settings.forward.enabled || receiver.state.inAnotherWindow === true;
    const target = idle ? undefined : this.target();
    const secret = target === undefined ? undefined : await context.secrets.get(FORWARD_HEADERS_SECRET);
    const fromEnvironment = secret === undefined && target?.source === 'environment';
    const { headers, skipped } = parseOtlpHeaders(fromEnvironment ? process.env.OTEL_EXPORTER_OTLP_HEADERS : secret);
    const where = fromEnvironment ? "VS Code's OTEL_EXPORTER_OTLP_HEADERS" : 'the forwarding headers';
    for (const problem of skipped) log.warn(`Forwarding: ${where}: ${problem}; left out.`);
    const previous = this.active;
    this.active = undefined;
    receiver.setForwarding(undefined);
    if (previous !== undefined) {
      previous.subscription.dispose();
      await previous.forwarder.stop(FLUSH_TIMEOUT_MS);
    }
    this.item.hide();
    if (target === undefined) return;
    const forwarder = new OtlpForwarder({ endpoint: target.endpoint, headers, log });
    const subscription = forwarder.onDidChangeStats((stats) => this.show(stats));
    // The target without any user:password the URL may hold, for the log and the tooltip.
    this.active = { forwarder, endpoint: forwarder.target, source: target.source, subscription };
    receiver.setForwarding((request) => forwarder.enqueue(request));
    log.info(
      `Forwarding every received request to ${forwarder.target} (${target.source === 'setting' ? 'aiTraceLens.forward.endpoint' : "VS Code's OTEL_EXPORTER_OTLP_ENDPOINT"}).`,
    );
    this.show(forwarder.stats);
  }

  /** The collector to forward to, never one of this window's receivers. */
  private target() {
    const { settings, receiver } = this.services;
    const { host, port, grpc } = receiver.state;
    const ours = [endpointUrl(host, port), ...(grpc === undefined ? [] : [endpointUrl(host, grpc.port)])];
    return forwardTarget(settings.forward.endpoint, process.env, ours);
  }

  private show(stats: ForwarderStats): void {
    const active = this.active;
    if (active === undefined) return;
    const { item } = this;
    item.text = `$(${stats.failing ? 'warning' : 'cloud-upload'}) ${formatCount(stats.forwarded)}`;
    item.backgroundColor = stats.failing ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tooltip = new vscode.MarkdownString('**AI Trace Lens forwarding** to ');
    tooltip.appendText(active.endpoint);
    tooltip.appendMarkdown(
      active.source === 'setting' ? ' (`aiTraceLens.forward.endpoint`)' : " (VS Code's `OTEL_EXPORTER_OTLP_ENDPOINT`)",
    );
    const lines = [
      `${plural(stats.forwarded, 'request')} forwarded`,
      ...(stats.queued > 0 ? [`${formatCount(stats.queued)} waiting`] : []),
      ...(stats.dropped > 0 ? [`${plural(stats.dropped, 'request')} dropped`] : []),
    ];
    tooltip.appendMarkdown(`\n\n${lines.join(' · ')}`);
    if (stats.failing && stats.lastError !== undefined) {
      tooltip.appendMarkdown('\n\nFailing: ');
      tooltip.appendText(stats.lastError);
    }
    tooltip.appendMarkdown('\n\nClick to set the headers sent with forwarded requests');
    item.tooltip = tooltip;
    item.show();
  }
}

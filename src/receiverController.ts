/**
 * Owns the OTLP receivers' lifecycle: start on activation, restart when their settings change, pause/resume,
 * and turn a failed start (typically a port another collector holds) into a state the UI shows and the user can fix.
 * OTLP/HTTP is the main receiver; OTLP/gRPC starts beside it once HTTP listens, and its failure leaves HTTP running.
 * Starts and stops run one at a time, in order, so quick successive setting changes cannot leave two servers.
 */
import * as vscode from 'vscode';
import { Commands, type ReceiverStateKind } from './contributions';
import { displayAddress, endpointUrl, isLoopbackHost } from './core/endpoint';
import { spansOf } from './core/model';
import { logRecordsOf } from './core/otlp/logModel';
import { metricsOf } from './core/otlp/metricModel';
import type { TraceDecodeResult } from './core/otlp/types';
import { OtlpGrpcReceiver } from './core/receiver/grpcReceiver';
import { OtlpHttpReceiver } from './core/receiver/httpReceiver';
import type { OtlpReceiverOptions } from './core/receiver/options';
import { sameReceiverSettings, type ReceiverSettings } from './core/settings';
import type { LogStore } from './core/store/logStore';
import type { MetricStore } from './core/store/metricStore';
import type { TraceStore } from './core/store/traceStore';

export interface ReceiverState {
  kind: ReceiverStateKind;
  /** The bound address while listening or paused, the configured one otherwise. */
  host: string;
  port: number;
  /** Why the last start failed (`failed` only). */
  failure?: ListenFailure;
  /** The OTLP/gRPC receiver beside a listening or paused HTTP one: its bound port, or its port and why it failed. */
  grpc?: { port: number; failure?: ListenFailure };
}

export interface ListenFailure {
  reason: string;
  code: string | undefined;
}

export class ReceiverController implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<ReceiverState>();
  readonly onDidChangeState = this.stateEmitter.event;

  private receiver: OtlpHttpReceiver | undefined;
  private grpcReceiver: OtlpGrpcReceiver | undefined;
  private current: ReceiverState;
  private paused = false;
  /** The port the user just chose: the next start that binds it says so (see `announceNextStart`). */
  private announcePort: number | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly store: TraceStore,
    private readonly log: vscode.LogOutputChannel,
    private settings: ReceiverSettings,
    private readonly signalStores: { readonly logs: LogStore; readonly metrics: MetricStore },
  ) {
    this.current = { kind: settings.enabled ? 'starting' : 'stopped', host: settings.host, port: settings.port };
  }

  get state(): ReceiverState {
    return this.current;
  }

  /** The base URL exporters should use: the bound address when there is one, else the configured one. */
  get endpoint(): string {
    return endpointUrl(this.current.host, this.current.port);
  }

  /** Starts (or restarts) with the current settings. Never rejects: failures become the `failed` state. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopReceiver();
      await this.startReceiver();
    });
  }

  /** Applies changed receiver settings; restarts only when something that needs a new server changed. */
  apply(settings: ReceiverSettings): Promise<void> {
    const unchanged = sameReceiverSettings(this.settings, settings);
    this.settings = settings;
    return unchanged ? Promise.resolve() : this.restart();
  }

  /** Paused receivers stay bound and answer 503 with Retry-After: exporters retry instead of counting spans as delivered. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (this.receiver !== undefined) this.receiver.paused = paused;
    if (this.grpcReceiver !== undefined) this.grpcReceiver.paused = paused;
    this.log.info(paused ? 'Receiving paused: exporters are told to retry later.' : 'Receiving resumed.');
    const kind = this.current.kind;
    if (kind === 'listening' || kind === 'paused')
      this.setState({ ...this.current, kind: paused ? 'paused' : 'listening' });
  }

  /** After the user picks a port: if the next start binds it, a message gives the new endpoint to configure. */
  announceNextStart(port: number): void {
    this.announcePort = port;
  }

  /** Stops the receiver and waits for its socket to close. */
  stop(): Promise<void> {
    this.disposed = true;
    return this.enqueue(() => this.stopReceiver());
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.log.error(`Receiver lifecycle step failed: ${describeError(error)}`);
    });
    this.queue = next;
    return next;
  }

  private async startReceiver(): Promise<void> {
    const { enabled, host, port, grpcPort, maxBodyBytes } = this.settings;
    if (this.disposed) return;
    if (!enabled) {
      this.log.info('Receiving is turned off (aiTraceLens.receiver.enabled is false).');
      this.setState({ kind: 'stopped', host, port });
      return;
    }
    this.setState({ kind: 'starting', host, port });
    const options: OtlpReceiverOptions = {
      host,
      port,
      maxBodyBytes,
      onTraces: (result) => this.ingest(result),
      onLogs: (result) => this.signalStores.logs.add(logRecordsOf(result.request)),
      onMetrics: (result) => {
        this.signalStores.metrics.add(metricsOf(result.request));
      },
      log: this.log,
    };
    const receiver = new OtlpHttpReceiver(options);
    receiver.paused = this.paused;
    try {
      const address = await receiver.start();
      this.receiver = receiver;
      if (this.disposed) {
        await this.stopReceiver();
        return;
      }
      const endpoint = endpointUrl(address.host, address.port);
      this.log.info(`Listening for OTLP/HTTP traces (protobuf and JSON) on ${endpoint}/v1/traces.`);
      if (!isLoopbackHost(address.host)) {
        this.log.warn(
          `The receiver is bound to ${displayAddress(address.host, address.port)}, beyond this machine's loopback: ` +
            'anyone who can reach that address can send traces, and the traces you view may hold prompts and data.',
        );
      }
      const grpc = grpcPort === 0 ? undefined : await this.startGrpcReceiver({ ...options, port: grpcPort });
      const kind = this.paused ? 'paused' : 'listening';
      this.setState({ kind, host: address.host, port: address.port, ...(grpc && { grpc }) });
      if (this.announcePort === address.port) void this.announceListening(address.host, address.port);
      this.announcePort = undefined;
    } catch (error) {
      this.announcePort = undefined;
      const failure = listenFailure(error);
      this.log.error(`Can't listen on ${displayAddress(host, port)}: ${failure.reason}`);
      this.setState({ kind: 'failed', host, port, failure });
      void this.notifyStartFailure(`AI Trace Lens can't listen on ${displayAddress(host, port)}`, failure, 'http');
    }
  }

  /** Starts OTLP/gRPC beside a listening HTTP receiver; its failure is reported on its own and leaves HTTP running. */
  private async startGrpcReceiver(options: OtlpReceiverOptions): Promise<ReceiverState['grpc']> {
    const receiver = new OtlpGrpcReceiver(options);
    receiver.paused = this.paused;
    const where = displayAddress(options.host, options.port);
    try {
      const { port } = await receiver.start();
      this.grpcReceiver = receiver;
      this.log.info(`Listening for OTLP/gRPC traces on ${endpointUrl(options.host, port)}.`);
      return { port };
    } catch (error) {
      const failure = listenFailure(error);
      this.log.error(`Can't listen for OTLP/gRPC on ${where}: ${failure.reason}`);
      const message = `AI Trace Lens can't listen for OTLP/gRPC on ${where} (OTLP/HTTP still works)`;
      void this.notifyStartFailure(message, failure, 'grpc');
      return { port: options.port, failure };
    }
  }

  private async stopReceiver(): Promise<void> {
    const receivers = [this.receiver, this.grpcReceiver].filter((receiver) => receiver !== undefined);
    if (receivers.length === 0) return;
    this.receiver = undefined;
    this.grpcReceiver = undefined;
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    this.log.info('Receiver stopped.');
  }

  private ingest(result: TraceDecodeResult): void {
    const spans = spansOf(result.request);
    if (spans.length > 0) this.store.ingest(spans);
  }

  private setState(state: ReceiverState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  /** `message` says what could not listen; the reason follows it. "Use Another Port" changes that protocol's port. */
  private async notifyStartFailure(
    message: string,
    { reason, code }: ListenFailure,
    protocol: 'http' | 'grpc',
  ): Promise<void> {
    const useAnotherPort = 'Use Another Port';
    const retry = 'Retry';
    const openSettings = 'Open Settings';
    const showLog = 'Show Log';
    const choices = code === 'EADDRINUSE' ? [useAnotherPort, retry, openSettings] : [retry, openSettings, showLog];
    const choice = await vscode.window.showErrorMessage(`${message}: ${reason}`, ...choices);
    if (choice === useAnotherPort) await vscode.commands.executeCommand(Commands.changePort, protocol);
    else if (choice === retry) await vscode.commands.executeCommand(Commands.restartReceiver);
    else if (choice === openSettings) await vscode.commands.executeCommand(Commands.openSettings);
    else if (choice === showLog) this.log.show();
  }

  private async announceListening(host: string, port: number): Promise<void> {
    const copy = 'Copy Endpoint Settings';
    const choice = await vscode.window.showInformationMessage(
      `AI Trace Lens now listens on ${displayAddress(host, port)}. Point your app's OTEL_EXPORTER_OTLP_ENDPOINT at ` +
        `${endpointUrl(host, port)}.`,
      copy,
    );
    if (choice === copy) await vscode.commands.executeCommand(Commands.copyEndpoint);
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return undefined;
}

function listenFailure(error: unknown): ListenFailure {
  const code = errorCode(error);
  return { reason: failureReason(code, error), code };
}

/** The reason after "can't listen on host:port: ". */
function failureReason(code: string | undefined, error: unknown): string {
  switch (code) {
    case 'EADDRINUSE':
      return 'the port is in use (another collector?)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'EADDRNOTAVAIL':
      return 'this machine has no such address (check aiTraceLens.receiver.host)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve (check aiTraceLens.receiver.host)';
    default:
      return describeError(error);
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Owns the OTLP receivers' lifecycle: start, restart when their settings change, pause/resume, and turn a failed start
 * (typically a port another collector holds) into a state the host shows and the user can fix. OTLP/HTTP is the main
 * receiver; OTLP/gRPC starts beside it once HTTP listens, and its failure leaves HTTP running. Starts and stops run
 * one at a time, in order, so quick successive setting changes cannot leave two servers.
 */
import { describeError } from '../../shared/errors';
import { displayAddress, endpointUrl, isLoopbackHost } from '../endpoint';
import { Emitter, type Event } from '../events';
import { spansOf } from '../model';
import { logRecordsOf } from '../otlp/logModel';
import { metricsOf } from '../otlp/metricModel';
import { sameReceiverSettings, type ReceiverSettings } from '../settings';
import type { LogStore } from '../store/logStore';
import type { MetricStore } from '../store/metricStore';
import type { TraceStore } from '../store/traceStore';
import { OtlpGrpcReceiver } from './grpcReceiver';
import { OtlpHttpReceiver } from './httpReceiver';
import type { ForwardedRequest } from '../forward/otlpForwarder';
import type { OtlpReceiverOptions, ReceiverLog } from './options';

/** The receiver's states, as the `aiTraceLens.receiverState` context key holds them. */
export const RECEIVER_STATE_KINDS = ['starting', 'listening', 'paused', 'failed', 'stopped'] as const;
export type ReceiverStateKind = (typeof RECEIVER_STATE_KINDS)[number];

export interface ReceiverState {
  readonly kind: ReceiverStateKind;
  /** The bound address while listening or paused, the configured one otherwise. */
  readonly host: string;
  readonly port: number;
  /** Why the last start failed (`failed` only). */
  readonly failure?: ListenFailure;
  /** The OTLP/gRPC receiver beside a listening or paused HTTP one: its bound port, or its port and why it failed. */
  readonly grpc?: { readonly port: number; readonly failure?: ListenFailure };
}

export interface ListenFailure {
  /** What follows "can't listen on host:port: ". */
  readonly reason: string;
  readonly code: string | undefined;
}

/** A receiver that could not listen, once per failed start. */
export interface ListenFailureEvent {
  readonly protocol: 'http' | 'grpc' | 'gateway';
  readonly host: string;
  readonly port: number;
  readonly failure: ListenFailure;
}

/** Where received data goes: traces, and logs and metrics joined to them. */
export interface ReceiverStores {
  readonly traces: TraceStore;
  readonly logs: LogStore;
  readonly metrics: MetricStore;
}

export class ReceiverSupervisor {
  private readonly stateEmitter = new Emitter<ReceiverState>();
  readonly onDidChangeState: Event<ReceiverState> = this.stateEmitter.event;
  private readonly failureEmitter = new Emitter<ListenFailureEvent>();
  readonly onDidFailToListen: Event<ListenFailureEvent> = this.failureEmitter.event;

  private receiver: OtlpHttpReceiver | undefined;
  private grpcReceiver: OtlpGrpcReceiver | undefined;
  private current: ReceiverState;
  private paused = false;
  /** Where accepted requests also go (forwarding to a team collector), or nowhere. */
  private forward: ((request: ForwardedRequest) => void) | undefined;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly stores: ReceiverStores,
    private readonly log: ReceiverLog,
    private settings: ReceiverSettings,
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
      await this.stopReceivers();
      await this.startReceivers();
    });
  }

  /** Applies changed receiver settings; restarts only when something that needs a new server changed. */
  apply(settings: ReceiverSettings): Promise<void> {
    const unchanged = sameReceiverSettings(this.settings, settings);
    this.settings = settings;
    return unchanged ? Promise.resolve() : this.restart();
  }

  /** Hands every request the receivers accept, as received, to `forward` too; undefined stops that. */
  setForwarding(forward: ((request: ForwardedRequest) => void) | undefined): void {
    this.forward = forward;
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

  /** Stops the receivers for good and waits for their sockets to close. */
  stop(): Promise<void> {
    this.disposed = true;
    return this.enqueue(() => this.stopReceivers());
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.failureEmitter.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.log.error(`Receiver lifecycle step failed: ${describeError(error)}`);
    });
    this.queue = next;
    return next;
  }

  private async startReceivers(): Promise<void> {
    const { enabled, host, port, grpcPort, maxBodyBytes } = this.settings;
    if (this.disposed) return;
    if (!enabled) {
      this.log.info('Receiving is turned off (aiTraceLens.receiver.enabled is false).');
      this.setState({ kind: 'stopped', host, port });
      return;
    }
    this.setState({ kind: 'starting', host, port });
    const { traces, logs, metrics } = this.stores;
    const options: OtlpReceiverOptions = {
      host,
      port,
      maxBodyBytes,
      onTraces: (result) => {
        const spans = spansOf(result.request);
        if (spans.length > 0) traces.ingest(spans);
      },
      onLogs: (result) => logs.add(logRecordsOf(result.request)),
      onMetrics: (result) => {
        metrics.add(metricsOf(result.request));
      },
      onAccepted: (request) => this.forward?.(request),
      log: this.log,
    };
    const receiver = new OtlpHttpReceiver(options);
    receiver.paused = this.paused;
    let address;
    try {
      address = await receiver.start();
    } catch (error) {
      const failure = listenFailure(error);
      this.log.error(`Can't listen on ${displayAddress(host, port)}: ${failure.reason}`);
      this.setState({ kind: 'failed', host, port, failure });
      this.failureEmitter.fire({ protocol: 'http', host, port, failure });
      return;
    }
    this.receiver = receiver;
    if (this.disposed) {
      await this.stopReceivers();
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
  }

  /** Starts OTLP/gRPC beside a listening HTTP receiver; its failure is reported on its own and leaves HTTP running. */
  private async startGrpcReceiver(options: OtlpReceiverOptions): Promise<ReceiverState['grpc']> {
    const receiver = new OtlpGrpcReceiver(options);
    receiver.paused = this.paused;
    try {
      const { port } = await receiver.start();
      this.grpcReceiver = receiver;
      this.log.info(`Listening for OTLP/gRPC traces on ${endpointUrl(options.host, port)}.`);
      return { port };
    } catch (error) {
      const failure = listenFailure(error);
      this.log.error(`Can't listen for OTLP/gRPC on ${displayAddress(options.host, options.port)}: ${failure.reason}`);
      this.failureEmitter.fire({ protocol: 'grpc', host: options.host, port: options.port, failure });
      return { port: options.port, failure };
    }
  }

  private async stopReceivers(): Promise<void> {
    const receivers = [this.receiver, this.grpcReceiver].filter((receiver) => receiver !== undefined);
    if (receivers.length === 0) return;
    this.receiver = undefined;
    this.grpcReceiver = undefined;
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    this.log.info('Receiver stopped.');
  }

  private setState(state: ReceiverState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }
}

/** Why a receiver could not listen, in words for the user: the common causes named, anything else as it came. */
export function listenFailure(error: unknown): ListenFailure {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  return { reason: failureReason(code, error), code };
}

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

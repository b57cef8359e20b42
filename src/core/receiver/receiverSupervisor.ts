/**
 * Owns the OTLP receivers' lifecycle (serverSupervisor.ts): start, restart when their settings change, pause/resume,
 * and turn a failed start (typically a port another collector holds) into a state the host shows and the user can
 * fix. OTLP/HTTP is the main receiver; OTLP/gRPC starts beside it once HTTP listens, and its failure leaves HTTP
 * running.
 */
import { displayAddress, endpointUrl, isLoopbackHost } from '../endpoint';
import { spansOf } from '../model';
import { logRecordsOf } from '../otlp/logModel';
import { metricsOf, type MetricsRequest } from '../otlp/metricModel';
import { encodeMetricsRequestJson } from '../otlp/metricsJson';
import type { ModelServerStore } from '../modelServers/modelServerStore';
import { sameReceiverSettings, type ReceiverSettings } from '../settings';
import type { LogStore } from '../store/logStore';
import type { MetricStore } from '../store/metricStore';
import type { TraceStore } from '../store/traceStore';
import { OtlpGrpcReceiver } from './grpcReceiver';
import { OtlpHttpReceiver } from './httpReceiver';
import type { ForwardedRequest } from '../forward/otlpForwarder';
import type { DecodedBody, OtlpReceiverOptions, ReceiverLog } from './options';
import { listenFailure, ServerSupervisor, type ListenFailure, type ServerState } from './serverSupervisor';

const utf8 = new TextEncoder();

/** The receiver's states, as the `aiTraceLens.receiverState` context key holds them. */
export const RECEIVER_STATE_KINDS = ['starting', 'listening', 'paused', 'failed', 'stopped'] as const;
export type ReceiverStateKind = (typeof RECEIVER_STATE_KINDS)[number];

export interface ReceiverState extends ServerState {
  readonly kind: ReceiverStateKind;
  /** The bound address while listening or paused, the configured one otherwise. */
  readonly host: string;
  readonly port: number;
  /** Why the last start failed (`failed` only). */
  readonly failure?: ListenFailure;
  /** The OTLP/gRPC receiver beside a listening or paused HTTP one: its bound port, or its port and why it failed. */
  readonly grpc?: { readonly port: number; readonly failure?: ListenFailure };
}

/** Where received data goes: traces, and logs and metrics joined to them. */
export interface ReceiverStores {
  readonly traces: TraceStore;
  readonly logs: LogStore;
  readonly metrics: MetricStore;
  /** The model servers' samples, read from the same metrics (their known names) when given. */
  readonly modelServers?: ModelServerStore;
}

export class ReceiverSupervisor extends ServerSupervisor<ReceiverState> {
  private receiver: OtlpHttpReceiver | undefined;
  private grpcReceiver: OtlpGrpcReceiver | undefined;
  private paused = false;
  /** Where accepted requests also go (forwarding to a team collector), or nowhere. */
  private forward: ((request: ForwardedRequest) => void) | undefined;
  /** Where each accepted request's body is kept before it is answered (durable storage), or nowhere. */
  private record: ((body: DecodedBody) => Promise<void>) | undefined;

  constructor(
    private readonly stores: ReceiverStores,
    log: ReceiverLog,
    private settings: ReceiverSettings,
  ) {
    const { enabled, host, port } = settings;
    super(log, 'Receiver', { kind: enabled ? 'starting' : 'stopped', host, port });
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

  /** Hands every request the receivers take, decoded, to `record`, awaited before the answer; undefined stops that. */
  setRecording(record: ((body: DecodedBody) => Promise<void>) | undefined): void {
    this.record = record;
  }

  /**
   * A metrics request made in this process (a model server's scrape), taken as the receivers take one: recorded
   * durably first (so other windows see it), then stored. Dropped while paused, as a receiver would refuse it.
   */
  async acceptMetrics(request: MetricsRequest): Promise<void> {
    if (this.paused) return;
    const body = utf8.encode(encodeMetricsRequestJson(request));
    await this.record?.({ signal: 'metrics', encoding: 'json', body });
    this.addMetrics(request);
  }

  /** Paused receivers stay bound and answer 503 with Retry-After: exporters retry instead of counting spans as delivered. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (this.receiver !== undefined) this.receiver.paused = paused;
    if (this.grpcReceiver !== undefined) this.grpcReceiver.paused = paused;
    if (this.isFollowing) return;
    this.log.info(paused ? 'Receiving paused: exporters are told to retry later.' : 'Receiving resumed.');
    const kind = this.state.kind;
    if (kind === 'listening' || kind === 'paused')
      this.setState({ ...this.state, kind: paused ? 'paused' : 'listening' });
  }

  protected async startServers(): Promise<void> {
    const { enabled, host, port, grpcPort, maxBodyBytes } = this.settings;
    if (this.disposed) return;
    if (!enabled) {
      this.log.info('Receiving is turned off (aiTraceLens.receiver.enabled is false).');
      this.setState({ kind: 'stopped', host, port });
      return;
    }
    this.setState({ kind: 'starting', host, port });
    const { traces, logs } = this.stores;
    const options: OtlpReceiverOptions = {
      host,
      port,
      maxBodyBytes,
      onTraces: (result) => {
        const spans = spansOf(result.request);
        if (spans.length > 0) traces.ingest(spans);
      },
      onLogs: (result) => logs.add(logRecordsOf(result.request)),
      onMetrics: (result) => this.addMetrics(result.request),
      onDecodedBody: (body) => this.record?.(body),
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
      this.fireListenFailure({ protocol: 'http', host, port, failure });
      return;
    }
    this.receiver = receiver;
    if (this.disposed) {
      await this.stopServers();
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
      this.fireListenFailure({ protocol: 'grpc', host: options.host, port: options.port, failure });
      return { port: options.port, failure };
    }
  }

  private addMetrics(request: MetricsRequest): void {
    const metrics = metricsOf(request);
    this.stores.metrics.add(metrics);
    this.stores.modelServers?.add(metrics);
  }

  protected async stopServers(): Promise<void> {
    const receivers = [this.receiver, this.grpcReceiver].filter((receiver) => receiver !== undefined);
    if (receivers.length === 0) return;
    this.receiver = undefined;
    this.grpcReceiver = undefined;
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    this.log.info('Receiver stopped.');
  }
}

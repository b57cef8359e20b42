/**
 * Owns the gateway's lifecycle the way ReceiverSupervisor owns the receivers' (receiver/serverSupervisor.ts): start,
 * restart when its settings change, and a failed start (typically a port another window holds) turned into a state
 * the host shows. Each recorded call goes into the trace store, like a received span.
 */
import { displayAddress, endpointUrl, isLoopbackHost } from '../endpoint';
import type { ReceiverLog } from '../receiver/options';
import { listenFailure, ServerSupervisor, type ListenFailure, type ServerState } from '../receiver/serverSupervisor';
import type { Span } from '../model';
import type { TraceStore } from '../store/traceStore';
import { AiGateway } from './gateway';
import { sameGatewaySettings, type GatewaySettings } from './settings';

export const GATEWAY_STATE_KINDS = ['starting', 'listening', 'failed', 'stopped'] as const;
export type GatewayStateKind = (typeof GATEWAY_STATE_KINDS)[number];

export interface GatewayState extends ServerState {
  readonly kind: GatewayStateKind;
  /** The bound address while listening, the configured one otherwise. */
  readonly host: string;
  readonly port: number;
  /** Why the last start failed (`failed` only). */
  readonly failure?: ListenFailure;
}

export class GatewaySupervisor extends ServerSupervisor<GatewayState> {
  private gateway: AiGateway | undefined;
  /** Where each recorded call also goes (durable storage), or nowhere. */
  private record: ((span: Span) => void) | undefined;

  constructor(
    private readonly traces: TraceStore,
    log: ReceiverLog,
    private settings: GatewaySettings,
  ) {
    const { enabled, host, port } = settings;
    super(log, 'AI gateway', { kind: enabled ? 'starting' : 'stopped', host, port });
  }

  /** Hands every recorded call's span to `record` too; undefined stops that. */
  setRecording(record: ((span: Span) => void) | undefined): void {
    this.record = record;
  }

  /** Applies changed settings; restarts only when something the server uses changed. */
  apply(settings: GatewaySettings): Promise<void> {
    const unchanged = sameGatewaySettings(this.settings, settings);
    this.settings = settings;
    return unchanged ? Promise.resolve() : this.restart();
  }

  protected async startServers(): Promise<void> {
    const { enabled, host, port } = this.settings;
    if (this.disposed) return;
    if (!enabled) {
      this.log.info('The AI gateway is turned off (aiTraceLens.gateway.enabled is false).');
      this.setState({ kind: 'stopped', host, port });
      return;
    }
    this.setState({ kind: 'starting', host, port });
    const gateway = new AiGateway({
      ...this.settings,
      onSpan: (span) => {
        this.traces.ingest([span]);
        this.record?.(span);
      },
      log: this.log,
    });
    let address;
    try {
      address = await gateway.start();
    } catch (error) {
      const failure = listenFailure(error);
      this.log.error(`The AI gateway can't listen on ${displayAddress(host, port)}: ${failure.reason}`);
      this.setState({ kind: 'failed', host, port, failure });
      this.fireListenFailure({ protocol: 'gateway', host, port, failure });
      return;
    }
    this.gateway = gateway;
    if (this.disposed) {
      await this.stopServers();
      return;
    }
    const endpoint = endpointUrl(address.host, address.port);
    this.log.info(`AI gateway listening on ${endpoint} (/openai, /anthropic, /gemini, /ollama).`);
    if (!isLoopbackHost(address.host)) {
      this.log.warn(
        `The AI gateway is bound to ${displayAddress(address.host, address.port)}, beyond this machine's loopback.`,
      );
    }
    this.setState({ kind: 'listening', host: address.host, port: address.port });
  }

  protected async stopServers(): Promise<void> {
    const gateway = this.gateway;
    if (gateway === undefined) return;
    this.gateway = undefined;
    await gateway.stop();
    this.log.info('AI gateway stopped.');
  }
}

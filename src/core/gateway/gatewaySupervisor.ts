/**
 * Owns the gateway's lifecycle the way ReceiverSupervisor owns the receivers': start, restart when its settings
 * change, and a failed start (typically a port another window holds) turned into a state the host shows. Starts and
 * stops run one at a time, in order. Each recorded call goes into the trace store, like a received span.
 */
import { describeError } from '../../shared/errors';
import { displayAddress, endpointUrl, isLoopbackHost } from '../endpoint';
import { Emitter, type Event } from '../events';
import type { ReceiverLog } from '../receiver/options';
import { listenFailure, type ListenFailure, type ListenFailureEvent } from '../receiver/receiverSupervisor';
import type { TraceStore } from '../store/traceStore';
import { AiGateway } from './gateway';
import { sameGatewaySettings, type GatewaySettings } from './settings';

export const GATEWAY_STATE_KINDS = ['starting', 'listening', 'failed', 'stopped'] as const;
export type GatewayStateKind = (typeof GATEWAY_STATE_KINDS)[number];

export interface GatewayState {
  readonly kind: GatewayStateKind;
  /** The bound address while listening, the configured one otherwise. */
  readonly host: string;
  readonly port: number;
  /** Why the last start failed (`failed` only). */
  readonly failure?: ListenFailure;
}

export class GatewaySupervisor {
  private readonly stateEmitter = new Emitter<GatewayState>();
  readonly onDidChangeState: Event<GatewayState> = this.stateEmitter.event;
  private readonly failureEmitter = new Emitter<ListenFailureEvent>();
  readonly onDidFailToListen: Event<ListenFailureEvent> = this.failureEmitter.event;

  private gateway: AiGateway | undefined;
  private current: GatewayState;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly traces: TraceStore,
    private readonly log: ReceiverLog,
    private settings: GatewaySettings,
  ) {
    this.current = { kind: settings.enabled ? 'starting' : 'stopped', host: settings.host, port: settings.port };
  }

  get state(): GatewayState {
    return this.current;
  }

  /** The gateway's base URL: the bound address while listening, else the configured one. */
  get endpoint(): string {
    return endpointUrl(this.current.host, this.current.port);
  }

  /** Starts (or restarts) with the current settings. Never rejects: failures become the `failed` state. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopGateway();
      await this.startGateway();
    });
  }

  /** Applies changed settings; restarts only when something the server uses changed. */
  apply(settings: GatewaySettings): Promise<void> {
    const unchanged = sameGatewaySettings(this.settings, settings);
    this.settings = settings;
    return unchanged ? Promise.resolve() : this.restart();
  }

  /** Stops the gateway for good, once its calls in progress are recorded. */
  stop(): Promise<void> {
    this.disposed = true;
    return this.enqueue(() => this.stopGateway());
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.failureEmitter.dispose();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.log.error(`AI gateway lifecycle step failed: ${describeError(error)}`);
    });
    this.queue = next;
    return next;
  }

  private async startGateway(): Promise<void> {
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
      onSpan: (span) => this.traces.ingest([span]),
      log: this.log,
    });
    let address;
    try {
      address = await gateway.start();
    } catch (error) {
      const failure = listenFailure(error);
      this.log.error(`The AI gateway can't listen on ${displayAddress(host, port)}: ${failure.reason}`);
      this.setState({ kind: 'failed', host, port, failure });
      this.failureEmitter.fire({ protocol: 'gateway', host, port, failure });
      return;
    }
    this.gateway = gateway;
    if (this.disposed) {
      await this.stopGateway();
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

  private async stopGateway(): Promise<void> {
    const gateway = this.gateway;
    if (gateway === undefined) return;
    this.gateway = undefined;
    await gateway.stop();
    this.log.info('AI gateway stopped.');
  }

  private setState(state: GatewayState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }
}

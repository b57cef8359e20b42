/**
 * What the receivers' and the gateway's supervisors share: a state with change events, an event per failed listen,
 * and start and stop steps run one at a time, in order, so quick successive setting changes cannot leave two servers.
 * A failed start becomes a state the host shows and the user can fix; the steps never reject.
 */
import { describeError } from '../../shared/errors';
import { endpointUrl } from '../endpoint';
import { Emitter, type Event } from '../events';
import type { ReceiverLog } from './options';

export interface ListenFailure {
  /** What follows "can't listen on host:port: ". */
  readonly reason: string;
  readonly code: string | undefined;
}

/** A server that could not listen, once per failed start. */
export interface ListenFailureEvent {
  readonly protocol: 'http' | 'grpc' | 'gateway';
  readonly host: string;
  readonly port: number;
  readonly failure: ListenFailure;
}

/** The state every supervised server has: where it listens (or is configured to). */
export interface ServerState {
  readonly host: string;
  readonly port: number;
  /** The servers run in another VS Code window, which shares what it receives through the store: this is its state. */
  readonly inAnotherWindow?: boolean;
}

export abstract class ServerSupervisor<State extends ServerState> {
  private readonly stateEmitter = new Emitter<State>();
  readonly onDidChangeState: Event<State> = this.stateEmitter.event;
  private readonly failureEmitter = new Emitter<ListenFailureEvent>();
  readonly onDidFailToListen: Event<ListenFailureEvent> = this.failureEmitter.event;

  private current: State;
  private queue: Promise<void> = Promise.resolve();
  /** Set by `stop`: a start still queued, or one that finishes after it, leaves nothing listening. */
  protected disposed = false;
  /** Set by `follow`: another window runs the servers, so starts do nothing until `lead`. */
  private following = false;

  /** `name` names the servers in the log: `Receiver`, `AI gateway`. */
  protected constructor(
    protected readonly log: ReceiverLog,
    private readonly name: string,
    initial: State,
  ) {
    this.current = initial;
  }

  get state(): State {
    return this.current;
  }

  /** The base URL clients should use: the bound address when there is one, else the configured one. */
  get endpoint(): string {
    return endpointUrl(this.current.host, this.current.port);
  }

  /** Whether another window runs the servers (see `follow`). */
  get isFollowing(): boolean {
    return this.following;
  }

  /** Starts (or restarts) with the current settings. Never rejects: failures become the `failed` state. */
  restart(): Promise<void> {
    return this.enqueue(async () => {
      await this.stopServers();
      if (!this.following) await this.startServers();
    });
  }

  /** Another window runs the servers (or may): stops ours, and shows `state`, that window's, until `lead`. */
  follow(state?: State): Promise<void> {
    this.following = true;
    return this.enqueue(async () => {
      await this.stopServers();
      if (this.following && state) this.setState({ ...state, inAnotherWindow: true });
    });
  }

  /** This window runs the servers again. */
  lead(): Promise<void> {
    this.following = false;
    return this.restart();
  }

  /** Stops the servers for good and waits for them to close. */
  stop(): Promise<void> {
    this.disposed = true;
    return this.enqueue(() => this.stopServers());
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
    this.failureEmitter.dispose();
  }

  protected abstract startServers(): Promise<void>;
  protected abstract stopServers(): Promise<void>;

  protected setState(state: State): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  protected fireListenFailure(event: ListenFailureEvent): void {
    this.failureEmitter.fire(event);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).catch((error: unknown) => {
      this.log.error(`${this.name} lifecycle step failed: ${describeError(error)}`);
    });
    this.queue = next;
    return next;
  }
}

/** Why a server could not listen, in words for the user: the common causes named, anything else as it came. */
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

/**
 * Requests to the host that resolve with its reply: each carries a request id the reply repeats (the host answers
 * only the page that asked). A reply that says the request failed rejects with its message.
 */
import { REPLY_TYPES, type FromWebview, type RequestType, type ResultOf, type ToWebview } from '../src/shared/protocol';

/** A request's fields but its type and id. */
type RequestFields<T extends RequestType> = Omit<Extract<FromWebview, { type: T }>, 'type' | 'requestId'>;

interface Pending {
  readonly reply: ToWebview['type'];
  resolve(result: unknown): void;
  reject(error: Error): void;
}

export class HostRequests {
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly post: (message: FromWebview) => void) {}

  request<T extends RequestType>(type: T, fields: RequestFields<T>): Promise<ResultOf<T>> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { reply: REPLY_TYPES[type], resolve, reject });
      this.post({ type, ...fields, requestId } as FromWebview);
    });
  }

  /** Settles the request `message` answers; false when it answers no pending request. */
  settle(message: ToWebview): boolean {
    if (!('requestId' in message)) return false;
    const pending = this.pending.get(message.requestId);
    if (pending === undefined || pending.reply !== message.type) return false;
    this.pending.delete(message.requestId);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(message.error));
    return true;
  }
}

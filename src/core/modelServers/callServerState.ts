/**
 * Which model server an LLM call ran on, and what it was doing then, for the `server-saturated` finding and the span
 * details. The server is the target whose address and port are the span's `server.address` and `server.port`; for a
 * call that names no server, the only target with samples for the call's time. The time is the prefill: start to first token; without a known
 * first token (a call that did not stream) the whole call, since its prefill lies somewhere inside it.
 */
import type { AttributeMap } from '../model';
import type { SpanNode } from '../store/types';
import type { ModelServerStore } from './modelServerStore';
import { serverStateAt, type ServerState } from './serverState';

export interface CallServerState {
  readonly target: string;
  /** Whether the window is the prefill (the first token is known) rather than the whole call. */
  readonly prefill: boolean;
  readonly state: ServerState;
}

/** The server's state during the call, or undefined when no target can be told or it has no samples then. */
export function callServerState(node: SpanNode, store: ModelServerStore): CallServerState | undefined {
  const { span, ai } = node;
  const start = span.startTimeUnixNano;
  const prefill = ai.ttftMs !== undefined;
  const end = prefill ? start + BigInt(Math.round(ai.ttftMs! * 1e6)) : span.endTimeUnixNano;
  const target = targetOfCall(store, span.attributes, start, end);
  if (target === undefined) return undefined;
  const state = serverStateAt(store, target, start, end);
  return state.text === '' ? undefined : { target, prefill, state };
}

/**
 * The target the call's `server.address:server.port` names (none when no target matches: the call went to a server not
 * scraped), else, for a call that names none, the only target active from `start` to `end`.
 */
export function targetOfCall(
  store: ModelServerStore,
  attributes: AttributeMap,
  start: bigint,
  end: bigint,
): string | undefined {
  const active = store.targetsActiveIn(start, end).map((info) => info.target);
  const address = attributes.get('server.address');
  if (typeof address !== 'string' || address === '') return active.length === 1 ? active[0] : undefined;
  const port = attributes.get('server.port');
  const wanted = `${sameHost(address)}:${typeof port === 'object' || port === undefined ? '' : String(port)}`;
  return active.find((target) => hostPortOf(target) === wanted);
}

/** `host:port` of a target: a scraped URL (default ports filled in), or `address:port` as received targets are named. */
function hostPortOf(target: string): string | undefined {
  if (URL.canParse(target)) {
    const url = new URL(target);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
      return `${sameHost(url.hostname)}:${port}`;
    }
  }
  const match = /^(.*):(\d+)$/.exec(target);
  return match ? `${sameHost(match[1]!)}:${match[2]!}` : undefined;
}

/** Loopback names for one host: apps say `localhost` where the scrape URL says `127.0.0.1`, or the other way. */
function sameHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || bare === '127.0.0.1' ? 'loopback' : bare;
}

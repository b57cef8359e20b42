/**
 * Where the extension forwards what it receives: the `aiTraceLens.forward.endpoint` setting, else the OTLP endpoint VS
 * Code's own environment had before terminal injection (so a team collector keeps getting the apps' data), but never
 * one of our own receivers, which would loop every request back forever.
 */
import { isLoopbackHost } from '../endpoint';
import type { Environment } from '../exportEnvironment';

export interface ForwardTarget {
  endpoint: string;
  source: 'setting' | 'environment';
}

/**
 * `env` is the extension host's environment as VS Code started it, before anything is injected; `receiverEndpoints`
 * are the base URLs our receivers are reachable at (e.g. `http://127.0.0.1:4318`). An environment endpoint meant for
 * gRPC (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`) is skipped: forwarding speaks OTLP/HTTP.
 */
export function forwardTarget(
  settingEndpoint: string,
  env: Environment,
  receiverEndpoints: readonly string[],
): ForwardTarget | undefined {
  const setting = settingEndpoint.trim();
  const inherited = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ?? '';
  let target: ForwardTarget | undefined;
  if (setting !== '') target = { endpoint: setting, source: 'setting' };
  else if (inherited !== '' && env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() !== 'grpc') {
    target = { endpoint: inherited, source: 'environment' };
  }
  if (!target || receiverEndpoints.some((receiver) => pointsAt(target.endpoint, receiver))) return undefined;
  return target;
}

/** True when `endpoint` reaches the receiver at `receiver`: the same port on the same host, or both on loopback. */
function pointsAt(endpoint: string, receiver: string): boolean {
  const a = hostAndPort(endpoint);
  const b = hostAndPort(receiver);
  if (!a || !b || a.port !== b.port) return false;
  return a.host === b.host || (isThisMachine(a.host) && isThisMachine(b.host));
}

/** Loopback, or the unspecified address, which connects to this machine too. */
function isThisMachine(host: string): boolean {
  return isLoopbackHost(host) || host === '0.0.0.0' || host === '[::]';
}

function hostAndPort(url: string): { host: string; port: string } | undefined {
  if (!URL.canParse(url)) return undefined;
  const { protocol, hostname, port } = new URL(url);
  const defaultPort = protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '';
  return { host: hostname.toLowerCase(), port: port || defaultPort };
}

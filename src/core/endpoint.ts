/** Addresses as exporters see them: the URL to configure, and the environment lines that configure it. */
import { createServer } from 'node:net';
import { DEFAULT_HOST, DEFAULT_HTTP_PORT } from './receiver/options';

const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = stripBrackets(host).toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/**
 * The base URL an exporter on this machine should use for a receiver bound to `host:port`.
 * A wildcard bind (`0.0.0.0`, `::`) is reachable through loopback, which is what local apps need.
 */
export function endpointUrl(host: string, port: number): string {
  const reachable = UNSPECIFIED_HOSTS.has(host) ? '127.0.0.1' : stripBrackets(host);
  const hostPart = reachable.includes(':') ? `[${reachable}]` : reachable;
  return `http://${hostPart}:${port}`;
}

/** The endpoint the static welcome text and the README name. */
export const DEFAULT_ENDPOINT = endpointUrl(DEFAULT_HOST, DEFAULT_HTTP_PORT);

/** True when exporters reach the receiver at the default endpoint, so the static welcome text is right. */
export function isDefaultEndpoint(host: string, port: number): boolean {
  return endpointUrl(host, port) === DEFAULT_ENDPOINT;
}

/** `host:port` for messages, with IPv6 in brackets. */
export function displayAddress(host: string, port: number): string {
  const bare = stripBrackets(host);
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

export type ExporterProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** The standard OpenTelemetry SDK environment variables that send traces to `endpoint`. */
export function exporterEnvironment(endpoint: string, protocol: ExporterProtocol = 'http/protobuf'): string {
  return `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\nOTEL_EXPORTER_OTLP_PROTOCOL=${protocol}\n`;
}

/**
 * The first of `candidates` free on `host` right now, else one the OS picks. Ports near the configured one are easier
 * to remember and type into an app's environment. (Another process may still take the port before it is used.)
 */
export async function findFreePort(host: string, candidates: readonly number[] = []): Promise<number> {
  for (const port of candidates) {
    try {
      return await listenOnce(host, port);
    } catch {
      // Taken or not allowed: try the next one.
    }
  }
  return listenOnce(host, 0);
}

function listenOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: stripBrackets(host), port }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (bound > 0 ? resolve(bound) : reject(new Error(`no port reported for ${host}`))));
    });
  });
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

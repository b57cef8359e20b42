/**
 * Model servers worth trying: the `/metrics` URL of each loopback or private `server.address:server.port` that LLM
 * spans name, and of the gateway's upstreams. Only loopback and private addresses, named literally (no lookup): a
 * public host is somebody else's server, and a link-local one may be a cloud's metadata service (169.254.169.254).
 */
import { isIP } from 'node:net';
import type { AttributeMap } from '../model';

/** `localhost`, 127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (and IPv4 mapped into IPv6). */
export function isLoopbackOrPrivateHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  const version = isIP(bare);
  if (version === 4) return isPrivateIpv4(bare);
  if (version !== 6) return false;
  if (bare === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return isPrivateIpv4(mapped[1]!);
  return /^f[cd][0-9a-f]{0,2}:/.test(bare);
}

function isPrivateIpv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * The candidate `/metrics` URLs, deduplicated, in order: one per loopback or private `server.address` with a
 * `server.port` among the spans' attributes, then one per such upstream base URL (its path dropped).
 */
export function metricsUrlCandidates(spans: Iterable<AttributeMap>, upstreamUrls: Iterable<string> = []): string[] {
  const candidates = new Set<string>();
  for (const attributes of spans) {
    const address = attributes.get('server.address');
    const port = attributes.get('server.port');
    const portNumber = typeof port === 'bigint' ? Number(port) : typeof port === 'string' ? Number(port) : port;
    if (typeof address !== 'string' || typeof portNumber !== 'number') continue;
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) continue;
    if (!isLoopbackOrPrivateHost(address)) continue;
    const host = isIP(address.replace(/^\[(.*)\]$/, '$1')) === 6 ? `[${address.replace(/^\[(.*)\]$/, '$1')}]` : address;
    candidates.add(new URL(`http://${host}:${portNumber}/metrics`).href);
  }
  for (const upstream of upstreamUrls) {
    if (!URL.canParse(upstream)) continue;
    const url = new URL(upstream);
    if (!/^https?:$/.test(url.protocol) || !isLoopbackOrPrivateHost(url.hostname)) continue;
    candidates.add(new URL('/metrics', url.origin).href);
  }
  return [...candidates];
}

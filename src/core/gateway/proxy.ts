/**
 * The proxy the gateway's upstream calls go through: VS Code's `http.proxy` and `http.noProxy` settings, else the
 * environment's `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` and `NO_PROXY` (either case), as curl and most SDKs read them.
 * `http.proxyStrictSSL` is deliberately not read: the gateway always verifies upstream certificates.
 */
import { BlockList, isIP } from 'node:net';
import type { Environment } from '../exportEnvironment';
import { isLoopbackHost } from '../endpoint';
import type { ProxySettings } from './options';

export interface ResolvedProxy {
  proxy: ProxySettings | undefined;
  /** One sentence per value left out; never the proxy URL itself, which may hold a password. */
  problems: string[];
}

/** Lower case first, as curl reads them: `https_proxy` is the one most tools document. */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'];
const NO_PROXY_VARIABLES = ['no_proxy', 'NO_PROXY'];

/** `httpProxy` and `httpNoProxy` are VS Code's `http.proxy` and `http.noProxy` values as read (unchecked). */
export function resolveProxy(httpProxy: unknown, httpNoProxy: unknown, env: Environment): ResolvedProxy {
  const problems: string[] = [];
  let source = 'http.proxy';
  let raw = typeof httpProxy === 'string' ? httpProxy.trim() : '';
  if (httpProxy !== undefined && httpProxy !== null && typeof httpProxy !== 'string') {
    problems.push('http.proxy must be a URL string; ignoring it.');
  }
  if (raw === '') {
    const variable = PROXY_VARIABLES.find((name) => (env[name]?.trim() ?? '') !== '');
    if (variable === undefined) return { proxy: undefined, problems };
    source = `${variable} in VS Code's environment`;
    raw = env[variable]!.trim();
  }
  const url = proxyUrl(raw);
  if (url === undefined) {
    problems.push(
      `${source} is not an http(s) proxy URL (SOCKS proxies are not supported); calling upstreams directly.`,
    );
    return { proxy: undefined, problems };
  }
  let noProxy: string[] = [];
  if (Array.isArray(httpNoProxy)) {
    noProxy = httpNoProxy.filter((entry): entry is string => typeof entry === 'string').flatMap(noProxyEntries);
  } else if (httpNoProxy !== undefined && httpNoProxy !== null) {
    problems.push('http.noProxy must be an array of host names; ignoring it.');
  }
  if (noProxy.length === 0) {
    const variable = NO_PROXY_VARIABLES.find((name) => (env[name]?.trim() ?? '') !== '');
    if (variable !== undefined) noProxy = noProxyEntries(env[variable]!);
  }
  return { proxy: { url, noProxy }, problems };
}

/** A proxy address as an http(s) URL; a bare `host:port`, common in `HTTP_PROXY`, means http. */
function proxyUrl(text: string): string | undefined {
  const withScheme = text.includes('://') ? text : `http://${text}`;
  try {
    const url = new URL(withScheme);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function noProxyEntries(list: string): string[] {
  return list
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

/**
 * True when a call to `target` goes around the proxy. Loopback hosts always do (a local Ollama or vLLM behind a
 * corporate proxy is never meant). A `noProxy` entry is `*`; a host name, which also covers its subdomains, with or
 * without a leading `.` or `*.`; an IP address; or a CIDR range (`10.0.0.0/8`); each optionally with `:port`.
 */
export function bypassesProxy(target: string, noProxy: readonly string[]): boolean {
  const url = new URL(target);
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host)) return true;
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return noProxy.some((entry) => matchesEntry(host, port, entry));
}

function matchesEntry(host: string, port: string, entry: string): boolean {
  if (entry === '*') return true;
  const { pattern, entryPort } = splitPort(entry);
  if (entryPort !== undefined && entryPort !== port) return false;
  const range = /^(.+)\/(\d{1,3})$/.exec(pattern);
  if (range !== null) return inRange(host, range[1]!, Number(range[2]));
  if (isIP(pattern) !== 0) return host === pattern;
  const domain = pattern.replace(/^\*?\./, '');
  return domain !== '' && (host === domain || host.endsWith(`.${domain}`));
}

/** `host:port`, `[v6]:port`, or an entry without a port (a bare IPv6 address has colons but no port). */
function splitPort(entry: string): { pattern: string; entryPort: string | undefined } {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) return { pattern: bracketed[1]!, entryPort: bracketed[2] };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort !== null) return { pattern: hostPort[1]!, entryPort: hostPort[2] };
  return { pattern: entry, entryPort: undefined };
}

function inRange(host: string, network: string, prefix: number): boolean {
  const family = isIP(network);
  if (family === 0 || isIP(host) !== family || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(network, prefix, type);
  return list.check(host, type);
}

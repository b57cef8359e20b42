/**
 * How the gateway reaches upstreams: keep-alive agents, through the configured proxy unless the host is exempt
 * (proxy.ts), with TLS certificates always verified. And which headers pass: everything
 * end to end, credentials included (the gateway adds none and keeps none), never the hop-by-hop ones (RFC 9110 §7.6.1).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ProxySettings } from './options';
import { bypassesProxy } from './proxy';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The end-to-end headers of `headers`: hop-by-hop ones and those the `Connection` header names are dropped, and so
 * are `omit` (lower case), such as `host`, which the upstream request sets itself.
 */
export function endToEndHeaders(
  headers: http.IncomingHttpHeaders,
  omit: ReadonlySet<string>,
): http.OutgoingHttpHeaders {
  const named = new Set(
    (headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || omit.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

/** One agent per way of connecting, kept for the gateway's life so connections are reused across calls. */
export class UpstreamAgents {
  private readonly direct = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private readonly proxied:
    { http: HttpProxyAgent<string>; https: HttpsProxyAgent<string>; noProxy: readonly string[] } | undefined;

  constructor(proxy: ProxySettings | undefined) {
    if (proxy !== undefined) {
      this.proxied = {
        http: new HttpProxyAgent(proxy.url, { keepAlive: true }),
        https: new HttpsProxyAgent(proxy.url, { keepAlive: true }),
        noProxy: proxy.noProxy,
      };
    }
  }

  agentFor(url: URL): http.Agent {
    const secure = url.protocol === 'https:';
    if (this.proxied === undefined || bypassesProxy(url.href, this.proxied.noProxy)) {
      return secure ? this.direct.https : this.direct.http;
    }
    return secure ? this.proxied.https : this.proxied.http;
  }

  /** Opens an upstream request; `https` or `http` by the URL, certificates verified (Node's default, never turned off). */
  request(url: URL, options: http.RequestOptions): http.ClientRequest {
    const agent = this.agentFor(url);
    return url.protocol === 'https:'
      ? https.request(url, { ...options, agent })
      : http.request(url, { ...options, agent });
  }

  destroy(): void {
    this.direct.http.destroy();
    this.direct.https.destroy();
    this.proxied?.http.destroy();
    this.proxied?.https.destroy();
  }
}

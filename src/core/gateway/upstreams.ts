/**
 * Where the gateway forwards each provider's calls: the `aiTraceLens.gateway.upstreams` setting, else the base URL
 * VS Code's own environment already had (a user who points `OPENAI_BASE_URL` at Azure or vLLM keeps that target),
 * else nothing, so the provider's default applies. A URL that points back at the gateway is never an upstream: VS Code
 * started from a captured terminal inherits the gateway's own address, and forwarding there would loop.
 */
import type { Environment } from '../exportEnvironment';
import { isLoopbackHost } from '../endpoint';
import { PROVIDER_IDS, type ProviderId } from './wire';

/** The variable each provider's SDKs read their base URL from (Gemini: `@google/genai` and `google-genai`). */
export const BASE_URL_VARIABLES: Readonly<Record<ProviderId, string>> = {
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  gemini: 'GOOGLE_GEMINI_BASE_URL',
  ollama: 'OLLAMA_HOST',
};

export type Upstreams = Partial<Record<ProviderId, string>>;

export interface ResolvedUpstreams {
  upstreams: Upstreams;
  /** One sentence per URL left out. */
  problems: string[];
}

const OLLAMA_DEFAULT_PORT = '11434';
const UNSPECIFIED_HOSTS = new Set(['0.0.0.0', '[::]']);

/**
 * The upstream of each provider: `settingUpstreams` (already checked URLs) win over `env`'s base-URL variables.
 * `gatewayEndpoint` is the gateway's own base URL (`http://127.0.0.1:4319`).
 */
export function resolveUpstreams(
  settingUpstreams: Upstreams,
  env: Environment,
  gatewayEndpoint: string,
): ResolvedUpstreams {
  const upstreams: Upstreams = {};
  const problems: string[] = [];
  for (const provider of PROVIDER_IDS) {
    const setting = settingUpstreams[provider];
    if (setting !== undefined) {
      if (pointsAt(setting, gatewayEndpoint)) {
        problems.push(
          `aiTraceLens.gateway.upstreams.${provider} points at the gateway itself (${gatewayEndpoint}); ` +
            "using the provider's default.",
        );
      } else upstreams[provider] = setting;
      continue;
    }
    const variable = BASE_URL_VARIABLES[provider];
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') continue;
    const url = provider === 'ollama' ? ollamaHostUrl(raw) : httpUrl(raw);
    if (url === undefined) {
      problems.push(`${variable} in VS Code's environment is not an http(s) URL; using the provider's default.`);
    } else if (pointsAt(url, gatewayEndpoint)) {
      problems.push(
        `${variable} in VS Code's environment points at the gateway itself (VS Code was probably started from a ` +
          "captured terminal); using the provider's default.",
      );
    } else upstreams[provider] = url;
  }
  return { upstreams, problems };
}

/** `text` as an http(s) URL without a trailing slash (paths are appended to it), or undefined. */
export function httpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return undefined;
  return url.href.replace(/\/+$/, '');
}

/**
 * `OLLAMA_HOST` as the Ollama clients read it: `host`, `host:port`, `:port` or a URL; the scheme defaults to http,
 * the port to 11434, and a wildcard bind address (`0.0.0.0`, which `ollama serve` also reads) means this machine.
 */
export function ollamaHostUrl(value: string): string | undefined {
  let text = value.trim();
  if (text.startsWith(':')) text = `127.0.0.1${text}`;
  const explicitScheme = text.includes('://');
  if (!explicitScheme) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  if (!explicitScheme && url.port === '') url.port = OLLAMA_DEFAULT_PORT;
  if (UNSPECIFIED_HOSTS.has(url.hostname)) url.hostname = '127.0.0.1';
  return httpUrl(url.href);
}

/** True when `url` reaches the gateway at `gatewayEndpoint`: the same port on the same or a loopback host. */
function pointsAt(url: string, gatewayEndpoint: string): boolean {
  const target = new URL(url);
  const gateway = new URL(gatewayEndpoint);
  if (portOf(target) !== portOf(gateway)) return false;
  const local = (host: string) => isLoopbackHost(host) || UNSPECIFIED_HOSTS.has(host);
  return target.hostname === gateway.hostname || (local(target.hostname) && local(gateway.hostname));
}

function portOf(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

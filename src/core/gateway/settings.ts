/**
 * The gateway's settings (`aiTraceLens.gateway.*`) as checked values, with its upstreams and proxy already resolved
 * from VS Code's environment and `http.*` settings. As in core/settings.ts, an invalid value falls back to its default
 * with a problem message the host logs.
 */
import { endpointUrl, isLoopbackHost } from '../endpoint';
import type { Environment } from '../exportEnvironment';
import { DEFAULT_HOST } from '../receiver/options';
import { booleanSetting, integerSetting } from '../settings';
import { DEFAULT_GATEWAY_MAX_BODY_BYTES, DEFAULT_GATEWAY_PORT, type ProxySettings } from './options';
import { resolveProxy } from './proxy';
import { httpUrl, resolveUpstreams, type Upstreams } from './upstreams';
import { PROVIDER_IDS, type ProviderId } from './wire';

export interface GatewaySettings {
  enabled: boolean;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Prompts, answers and tool definitions go into spans. */
  recordContent: boolean;
  /** New terminals and debug launches send model SDK calls through the gateway; needs no restart. */
  capture: boolean;
  /** Resolved upstream base URLs; a provider not named uses its default. */
  upstreams: Upstreams;
  proxy: ProxySettings | undefined;
}

const MIB = 1024 * 1024;

/** Defaults, mirrored by package.json (test/unit/contributions.test.ts keeps the two equal). */
export const GATEWAY_SETTING_DEFAULTS = {
  'gateway.enabled': true,
  'gateway.host': DEFAULT_HOST,
  'gateway.port': DEFAULT_GATEWAY_PORT,
  'gateway.maxBodySize': DEFAULT_GATEWAY_MAX_BODY_BYTES / MIB,
  'gateway.recordContent': true,
  'gateway.capture': false,
} as const;

export const GATEWAY_SETTING_LIMITS = {
  'gateway.port': { minimum: 1, maximum: 65_535 },
  'gateway.maxBodySize': { minimum: 1, maximum: 1024 },
} as const;

export type GatewaySettingKey = keyof typeof GATEWAY_SETTING_DEFAULTS | 'gateway.upstreams';

/** What besides the `aiTraceLens.gateway.*` values the settings depend on. */
export interface GatewaySurroundings {
  /** VS Code's own environment (the extension host's `process.env`). */
  env: Environment;
  /** VS Code's `http.proxy` and `http.noProxy` values as read (unchecked). */
  httpProxy: unknown;
  httpNoProxy: unknown;
}

export interface ParsedGatewaySettings {
  settings: GatewaySettings;
  problems: string[];
}

/** Reads every gateway setting through `get` (a key relative to the `aiTraceLens` section; undefined when unset). */
export function parseGatewaySettings(
  get: (key: GatewaySettingKey) => unknown,
  surroundings: GatewaySurroundings,
): ParsedGatewaySettings {
  const problems: string[] = [];

  const flag = (key: 'gateway.enabled' | 'gateway.recordContent' | 'gateway.capture'): boolean =>
    booleanSetting(key, get(key), GATEWAY_SETTING_DEFAULTS[key], problems);
  const integer = (key: keyof typeof GATEWAY_SETTING_LIMITS): number =>
    integerSetting(key, get(key), GATEWAY_SETTING_DEFAULTS[key], GATEWAY_SETTING_LIMITS[key], problems);

  // The gateway refuses every request that does not come from this machine, so only a loopback bind makes sense.
  const hostValue = get('gateway.host');
  let host: string = GATEWAY_SETTING_DEFAULTS['gateway.host'];
  if (typeof hostValue === 'string' && isLoopbackHost(hostValue.trim())) host = hostValue.trim();
  else if (hostValue !== undefined && hostValue !== null && hostValue !== '') {
    problems.push(
      `aiTraceLens.gateway.host must be a loopback address (127.0.0.1, ::1 or localhost), ` +
        `got ${JSON.stringify(hostValue)}; using ${host}.`,
    );
  }
  const port = integer('gateway.port');

  const upstreamSettings = parseUpstreamSettings(get('gateway.upstreams'), problems);
  const resolved = resolveUpstreams(upstreamSettings, surroundings.env, endpointUrl(host, port));
  const proxy = resolveProxy(surroundings.httpProxy, surroundings.httpNoProxy, surroundings.env);

  return {
    settings: {
      enabled: flag('gateway.enabled'),
      host,
      port,
      maxBodyBytes: integer('gateway.maxBodySize') * MIB,
      recordContent: flag('gateway.recordContent'),
      capture: flag('gateway.capture'),
      upstreams: resolved.upstreams,
      proxy: proxy.proxy,
    },
    problems: [...problems, ...resolved.problems, ...proxy.problems],
  };
}

/** The `upstreams` object: a URL per known provider; unknown names and values that are no http(s) URL are left out. */
function parseUpstreamSettings(value: unknown, problems: string[]): Upstreams {
  const upstreams: Upstreams = {};
  if (value === undefined || value === null) return upstreams;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(
      `aiTraceLens.gateway.upstreams must be an object such as {"openai": "https://…"}, ` +
        `got ${JSON.stringify(value)}; ignoring it.`,
    );
    return upstreams;
  }
  for (const [name, url] of Object.entries(value as Record<string, unknown>)) {
    if (!(PROVIDER_IDS as readonly string[]).includes(name)) {
      problems.push(
        `aiTraceLens.gateway.upstreams has an unknown provider ${JSON.stringify(name)} ` +
          `(known: ${PROVIDER_IDS.join(', ')}); ignoring it.`,
      );
      continue;
    }
    if (url === '' || url === null) continue;
    const checked = typeof url === 'string' ? httpUrl(url) : undefined;
    if (checked === undefined) {
      problems.push(
        `aiTraceLens.gateway.upstreams.${name} must be an http(s) URL, got ${JSON.stringify(url)}; ` +
          "using the provider's default.",
      );
    } else upstreams[name as ProviderId] = checked;
  }
  return upstreams;
}

/** True when `b` needs no restart of a gateway running with `a`: only `capture` differs, or nothing. */
export function sameGatewaySettings(a: GatewaySettings, b: GatewaySettings): boolean {
  return (
    a.enabled === b.enabled &&
    a.host === b.host &&
    a.port === b.port &&
    a.maxBodyBytes === b.maxBodyBytes &&
    a.recordContent === b.recordContent &&
    PROVIDER_IDS.every((provider) => a.upstreams[provider] === b.upstreams[provider]) &&
    a.proxy?.url === b.proxy?.url &&
    (a.proxy?.noProxy ?? []).join(',') === (b.proxy?.noProxy ?? []).join(',')
  );
}

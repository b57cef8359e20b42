/**
 * The routes a replay (and the judge) sends a model request through, as data: the provider itself with the user's API
 * key, or an OpenAI-compatible endpoint from `aiTraceLens.replay.endpoint` (a local Ollama, vLLM, LM Studio). The
 * third route, a model from VS Code's Language Model API, exists only in the host (src/host/modelRoutes.ts). An API
 * key lives in a route object only for the call: it goes into a request header, never into a span, setting or file.
 */
import type { Environment } from '../exportEnvironment';
import { PROVIDERS } from '../gateway/providers';
import type { ProviderId } from '../gateway/wire';

export type HttpModelRoute =
  /** The provider's API at `upstream` (the gateway's upstream for it; its default when undefined), with a key. */
  | {
      readonly kind: 'provider';
      readonly provider: ProviderId;
      readonly upstream: string | undefined;
      readonly apiKey: string | undefined;
    }
  /** An OpenAI-compatible server; `model` overrides the request's model when set. */
  | {
      readonly kind: 'endpoint';
      readonly url: string;
      readonly model: string | undefined;
      readonly apiKey: string | undefined;
    };

/** Where each provider's SDKs read the API key from; the first one set wins. Ollama takes none. */
const API_KEY_VARIABLES: Readonly<Record<ProviderId, readonly string[]>> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  ollama: [],
};

/** The key VS Code's environment holds for `provider`, if any. */
export function apiKeyFromEnvironment(provider: ProviderId, env: Environment): string | undefined {
  for (const variable of API_KEY_VARIABLES[provider]) {
    const value = env[variable]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The version Anthropic's API requires in every request; the one its SDKs send. */
const ANTHROPIC_VERSION = '2023-06-01';

/** The headers that carry `apiKey` in `provider`'s API. */
export function authHeaders(provider: ProviderId, apiKey: string | undefined): Record<string, string> {
  switch (provider) {
    case 'openai':
      return apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
    case 'anthropic':
      return { 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey !== undefined && { 'x-api-key': apiKey }) };
    case 'gemini':
      return apiKey === undefined ? {} : { 'x-goog-api-key': apiKey };
    case 'ollama':
      return {};
  }
}

/** A route in a few words, for pickers and progress. */
export function describeRoute(route: HttpModelRoute): string {
  if (route.kind === 'endpoint') return `${route.url}${route.model === undefined ? '' : ` (${route.model})`}`;
  return `${PROVIDERS[route.provider].providerName} API`;
}

export interface EndpointSetting {
  readonly url: string;
  readonly model: string | undefined;
}

/**
 * `aiTraceLens.replay.endpoint` (a base URL ending where `/chat/completions` follows, such as
 * `http://127.0.0.1:11434/v1`) and `aiTraceLens.replay.endpointModel`; undefined when no URL is set, a problem when
 * the URL is not http(s).
 */
export function parseEndpointSetting(
  url: unknown,
  model: unknown,
): { endpoint: EndpointSetting | undefined; problem?: string } {
  if (typeof url !== 'string' || url.trim() === '') return { endpoint: undefined };
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { endpoint: undefined, problem: `aiTraceLens.replay.endpoint is not a URL: ${url}` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { endpoint: undefined, problem: `aiTraceLens.replay.endpoint is not an http(s) URL: ${url}` };
  }
  const name = typeof model === 'string' && model.trim() !== '' ? model.trim() : undefined;
  return { endpoint: { url: parsed.href.replace(/\/+$/, ''), model: name } };
}

/** The defaults package.json repeats for the endpoint settings (test/unit/contributions.test.ts compares them). */
export const REPLAY_SETTING_DEFAULTS = { 'replay.endpoint': '', 'replay.endpointModel': '' } as const;

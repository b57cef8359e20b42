/** The gateway's defaults and options, shared by the server, its supervisor, the host and the CLI. */
import type { Span } from '../model';
import type { ReceiverLog } from '../receiver/options';
import type { ProviderId } from './wire';

/** One above OTLP's 4318: easy to remember next to the receivers. package.json's setting default repeats it. */
export const DEFAULT_GATEWAY_PORT = 4319;

/** Requests can carry images and documents: far above any prompt, still a bound on memory. */
export const DEFAULT_GATEWAY_MAX_BODY_BYTES = 100 * 1024 * 1024;

/** A proxy for upstream calls, and the hosts reached without it (`NO_PROXY` syntax). */
export interface ProxySettings {
  readonly url: string;
  readonly noProxy: readonly string[];
}

export interface GatewayOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Upstream base URLs by provider; a provider not named uses its default. */
  upstreams: Partial<Record<ProviderId, string>>;
  /** Whether prompts, answers and tool definitions go into spans. */
  recordContent: boolean;
  proxy: ProxySettings | undefined;
  /** Each model call, as one GenAI span, once its response has ended. */
  onSpan(span: Span): void;
  log?: ReceiverLog;
}

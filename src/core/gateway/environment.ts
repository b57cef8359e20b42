/**
 * Capture without instrumentation: the base-URL variables that send a program's model SDK calls (OpenAI, Anthropic,
 * Gemini) through the gateway, given to new terminals and debug launches while `aiTraceLens.gateway.capture` is on
 * and the gateway listens. `OLLAMA_HOST` is never set: `ollama serve` binds to it, so a server started in a captured
 * terminal would take the gateway's address.
 */
import { endpointUrl } from '../endpoint';
import type { ExportVariable } from '../exportEnvironment';
import { BASE_URL_VARIABLES } from './upstreams';
import type { ProviderId } from './wire';

/** The providers whose SDKs are pointed at the gateway, and what each variable's description says. */
const CAPTURED: readonly { provider: ProviderId; sdks: string }[] = [
  { provider: 'openai', sdks: 'OpenAI SDKs (and OpenAI-compatible clients that read it)' },
  { provider: 'anthropic', sdks: 'Anthropic SDKs' },
  { provider: 'gemini', sdks: 'Google Gen AI SDKs (@google/genai, google-genai)' },
];

/** The variables for a gateway reachable at `endpoint` (`http://127.0.0.1:4319`), each under its provider's path. */
export function gatewayVariables(endpoint: string): ExportVariable[] {
  return CAPTURED.map(({ provider, sdks }) => ({
    name: BASE_URL_VARIABLES[provider],
    value: `${endpoint}/${provider}`,
    reason: `${sdks} call the model through the AI Trace Lens gateway, which forwards to the real API`,
  }));
}

/** The gateway as far as clients care: its state kind and the address it is bound to (or configured with). */
export interface GatewayAddress {
  kind: string;
  host: string;
  port: number;
}

/**
 * The variables while `capture` is on and the gateway listens, else undefined: a gateway that failed or is off may
 * leave its port to another program, and one still starting has not said which port it got.
 */
export function gatewayCaptureVariables(gateway: GatewayAddress, capture: boolean): ExportVariable[] | undefined {
  if (!capture || gateway.kind !== 'listening') return undefined;
  return gatewayVariables(endpointUrl(gateway.host, gateway.port));
}

/** Markdown for the terminal's environment description: what is set, what is recorded, how to stop. */
export function describeGatewayVariables(variables: readonly ExportVariable[], stopCommandTitle: string): string {
  const lines = variables.map(({ name, value, reason }) => `- \`${name}=${value}\`: ${reason}`);
  return [
    'AI Trace Lens captures the LLM calls of programs started here, with no instrumentation:',
    '',
    ...lines,
    '',
    'Each call appears in the Traces view with its timing and tokens; nothing leaves this machine but the call ' +
      `itself. Values you set yourself win. Stop with **${stopCommandTitle}**.`,
  ].join('\n');
}

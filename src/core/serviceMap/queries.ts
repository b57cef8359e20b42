/**
 * The TraceQL query of each kind of service map node: what clicking the node filters the Traces view by. Each selects
 * the spans that put the node on the map (core/serviceMap/serviceMap.ts), so it matches exactly the traces through it.
 */
import { GATEWAY_SCOPE } from '../gateway/spanAttributes';

/**
 * A TraceQL string literal. Grafana's grammar takes only `\"` and `\\` as escapes in a double-quoted string, and any
 * other character as it is, newlines included.
 */
function traceqlString(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export function serviceQuery(service: string | undefined): string {
  return `{ resource.service.name = ${service === undefined ? 'nil' : traceqlString(service)} }`;
}

export const GATEWAY_QUERY = `{ instrumentation:name = ${traceqlString(GATEWAY_SCOPE)} }`;

/** Model calls of `model` (else those naming none) from `provider` (else any). */
export function modelQuery(model: string | undefined, provider: string | undefined): string {
  const conditions = [
    model === undefined
      ? '(.ai.kind = "llm" || .ai.kind = "embedding") && .ai.model = nil'
      : `.ai.model = ${traceqlString(model)}`,
  ];
  if (provider !== undefined) conditions.push(`.ai.provider = ${traceqlString(provider)}`);
  return `{ ${conditions.join(' && ')} }`;
}

export function addressQuery(address: string, port: number | undefined): string {
  const conditions = [`span.server.address = ${traceqlString(address)}`];
  if (port !== undefined) conditions.push(`span.server.port = ${port}`);
  return `{ ${conditions.join(' && ')} }`;
}

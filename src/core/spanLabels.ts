/** Human names for the conventions and OTLP enums shown in tooltips and the span details document. */
import { SpanKind, StatusCode } from './model';
import type { Convention } from './semantics/types';

export const CONVENTION_LABELS: Record<Convention, string> = {
  'otel-genai': 'OpenTelemetry GenAI',
  'otel-mcp': 'OpenTelemetry MCP',
  openinference: 'OpenInference',
  traceloop: 'OpenLLMetry / Traceloop',
  'vercel-ai': 'Vercel AI SDK',
  heuristic: 'heuristic match',
};

const SPAN_KIND_NAMES: Record<number, string> = {
  [SpanKind.Unspecified]: 'UNSPECIFIED',
  [SpanKind.Internal]: 'INTERNAL',
  [SpanKind.Server]: 'SERVER',
  [SpanKind.Client]: 'CLIENT',
  [SpanKind.Producer]: 'PRODUCER',
  [SpanKind.Consumer]: 'CONSUMER',
};

const STATUS_NAMES: Record<number, string> = {
  [StatusCode.Unset]: 'UNSET',
  [StatusCode.Ok]: 'OK',
  [StatusCode.Error]: 'ERROR',
};

/** `CLIENT`; an out-of-range value (decoders keep unknown enum numbers) shows as the number. */
export function spanKindName(kind: number): string {
  return SPAN_KIND_NAMES[kind] ?? String(kind);
}

export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? String(code);
}

/**
 * Zero-config capture: the environment variables that make an OpenTelemetry-instrumented app, started in a VS Code
 * terminal or debug session, send its traces (with prompts and answers) to the receiver, without any edit to the app.
 *
 * Only standard OTLP exporter variables and the content switches that are OFF by default are set. Left alone:
 * - `OTEL_TRACES_EXPORTER`/`OTEL_LOGS_EXPORTER`/`OTEL_METRICS_EXPORTER`: `otlp` is already the SDKs' default, and
 *   switching on an exporter an app does not use would change what it does elsewhere.
 * - `OTEL_SEMCONV_STABILITY_OPT_IN`: shared with the HTTP and database conventions, so setting it would change the
 *   attributes an app sends to every backend; AI Trace Lens reads the old and new GenAI shapes alike.
 * - `TRACELOOP_TRACE_CONTENT`, OpenInference's `OPENINFERENCE_HIDE_*` and the AI SDK's `recordInputs`/`recordOutputs`:
 *   they record content by default already.
 */

import { endpointUrl } from './endpoint';

/** The environment a launched process inherits (the extension host's `process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface ExportVariable {
  name: string;
  value: string;
  /** One sentence for the terminal's environment description and the README. */
  reason: string;
}

const STABILITY_OPT_IN = 'OTEL_SEMCONV_STABILITY_OPT_IN';
const LATEST_GENAI_CONVENTIONS = 'gen_ai_latest_experimental';
const HTTP_PROTOCOLS = new Set(['http/protobuf', 'http/json']);

/**
 * The variables to set for a receiver reachable at `endpoint` (a base URL such as `http://127.0.0.1:4318`).
 * The endpoint is always set: pointing apps at the receiver is what the setting asks for. Anything else a user already
 * chose in `inherited` stays as it is (an HTTP protocol, a content switch turned off on purpose).
 */
export function exportVariables(endpoint: string, inherited: Environment): ExportVariable[] {
  const variables: ExportVariable[] = [
    {
      name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      value: endpoint,
      reason: 'where OpenTelemetry SDKs send traces, logs and metrics: the AI Trace Lens receiver',
    },
  ];
  // Every SDK prefers the per-signal endpoint; one left over from elsewhere would send the traces past the receiver.
  if (isSet(inherited.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) {
    variables.push({
      name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      value: `${endpoint}/v1/traces`,
      reason: 'replaces the traces endpoint set in VS Code’s environment, which SDKs would prefer to the one above',
    });
  }
  if (!HTTP_PROTOCOLS.has(inherited.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() ?? '')) {
    variables.push({
      name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      value: 'http/protobuf',
      reason: 'the receiver speaks OTLP over HTTP; the Python SDK would otherwise use gRPC',
    });
  }
  if (!isSet(inherited.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT)) {
    // Under the latest GenAI conventions the switch names where content goes; `true` would be read as "no content".
    const latest = (inherited[STABILITY_OPT_IN] ?? '')
      .split(',')
      .some((entry) => entry.trim() === LATEST_GENAI_CONVENTIONS);
    variables.push({
      name: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
      value: latest ? 'SPAN_ONLY' : 'true',
      reason:
        'OpenTelemetry GenAI instrumentations (e.g. OpenAI, Google ADK) record prompts and answers only when asked',
    });
  }
  if (!isSet(inherited.SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE)) {
    variables.push({
      name: 'SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE',
      value: 'true',
      reason: 'Semantic Kernel traces its model calls, with their content, only when asked',
    });
  }
  return variables;
}

/** The receiver as far as exporters care: its state kind and the address it is bound to (or configured with). */
export interface ReceiverAddress {
  kind: string;
  host: string;
  port: number;
}

/**
 * The variables for the receiver in `receiver`, or undefined unless it is bound: a receiver that failed or is off may
 * leave its port to another program, and one still starting has not said which port it got.
 */
export function receiverExportVariables(
  receiver: ReceiverAddress,
  inherited: Environment,
): ExportVariable[] | undefined {
  if (receiver.kind !== 'listening' && receiver.kind !== 'paused') return undefined;
  return exportVariables(endpointUrl(receiver.host, receiver.port), inherited);
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/**
 * Markdown for the terminal's environment contribution: exactly what is set and how to turn it off.
 * Values are shown in code spans; the endpoint is the only value not written here, and a URL holds no backticks.
 */
export function describeExportVariables(variables: readonly ExportVariable[], settingId: string): string {
  const lines = variables.map(({ name, value, reason }) => `- \`${name}=${value}\`: ${reason}`);
  return [
    'AI Trace Lens sends the OpenTelemetry traces of programs started here to its receiver:',
    '',
    ...lines,
    '',
    `Values you set yourself (in your shell profile or command line) win. Turn this off with the \`${settingId}\` setting.`,
  ].join('\n');
}

/**
 * A debug configuration's `env` with the variables added; the configuration's own entries win (also `null`, which some
 * debuggers take as "unset"). Undefined when `env` is not an object, which is left for the debugger to report.
 */
export function mergeLaunchEnvironment(
  env: unknown,
  variables: readonly ExportVariable[],
): Record<string, unknown> | undefined {
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env))) return undefined;
  const merged: Record<string, unknown> = {};
  for (const { name, value } of variables) merged[name] = value;
  return { ...merged, ...(env as Record<string, unknown> | undefined) };
}

/** True when `env` already holds every variable (with any value): adding them again would change nothing. */
export function hasExportVariables(env: unknown, variables: readonly ExportVariable[]): boolean {
  if (typeof env !== 'object' || env === null) return false;
  return variables.every(({ name }) => Object.prototype.hasOwnProperty.call(env, name));
}

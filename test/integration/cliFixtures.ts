/**
 * The CLI as a user runs it: a child process (src/cli/main.ts through tsx, the same code esbuild bundles into dist/cli.js),
 * checked through its stdout, stderr and exit code; and telemetry recorded with the real OpenTelemetry SDKs for it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { metricsOf, type MetricsRequest } from '../../src/core/otlp/metricModel';
import type { SummaryJson } from '../../src/core/summarize';

export const ROOT_DIR = resolve(__dirname, '../..');

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `env` adds to (or, with undefined, removes from) this process's environment. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'src/cli/main.ts'), ...args], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
  });
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export const runCli = (args: string[]) => finished(startCli(args));

export function summarySpans(summary: SummaryJson): Array<[string, string | null, string]> {
  return summary.traces.flatMap((trace) =>
    trace.spans.map((span) => [span.spanId, span.parentSpanId, span.name] as [string, string | null, string]),
  );
}

export const bySpanId = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => (a[0] < b[0] ? -1 : 1);

/**
 * A chat span and its GenAI events through the real SDKs, each sent on its own: two events while the span is current
 * (as instrumentations emit them) and a log line without a span. Resolves with the span's id once everything is sent.
 */
export async function exportChatWithEvents(
  traceExporter: SpanExporter,
  logExporter: LogRecordExporter,
): Promise<string> {
  const resource = resourceFromAttributes({ 'service.name': 'cli-serve-test' });
  const traces = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(traceExporter)] });
  const logs = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor(logExporter)] });
  const llm = traces
    .getTracer('cli-test')
    .startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat' } });
  const logger = logs.getLogger('opentelemetry.instrumentation.openai_v2');
  const current = trace.setSpan(context.active(), llm);
  logger.emit({ context: current, eventName: 'gen_ai.user.message', body: { content: 'Hi' } });
  logger.emit({ context: current, eventName: 'gen_ai.choice', body: { index: 0, message: { content: 'Hello!' } } });
  logger.emit({ body: 'no span was current' });
  llm.end();
  await Promise.all([logs.shutdown(), traces.shutdown()]);
  return llm.spanContext().spanId;
}

/** The summary of `exportChatWithEvents`: its two events joined to the chat span. */
export function assertChatJoined(summary: SummaryJson, llmSpanId: string): void {
  assert.equal(summary.traces.length, 1);
  const [llmSummary] = summary.traces[0]!.spans;
  assert.equal(llmSummary!.spanId, llmSpanId);
  assert.equal(llmSummary!.logCount, 2);
  assert.deepEqual(llmSummary!.transcript, [
    { role: 'user', text: 'Hi' },
    { role: 'assistant', text: 'Hello!' },
  ]);
}

/** What `recordMetrics` records, as the data points of one request read back: name, attributes, then the figures. */
export const RECORDED_POINTS = [
  ['app.requests', { route: 'chat' }, 'sum', 7],
  ['gen_ai.client.operation.duration', { 'gen_ai.request.model': 'gpt-4o' }, 'histogram', [2, 2, 0.5, 1.5]],
];

/** Records a counter and a histogram through the real metrics SDK; shutting down exports them once (cumulative). */
export async function recordMetrics(exporter: PushMetricExporter, service: string): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('cli-test');
  const requests = meter.createCounter('app.requests');
  requests.add(3, { route: 'chat' });
  requests.add(4, { route: 'chat' });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's' });
  duration.record(0.5, { 'gen_ai.request.model': 'gpt-4o' });
  duration.record(1.5, { 'gen_ai.request.model': 'gpt-4o' });
  await provider.shutdown();
}

/** A request's data points in the shape of RECORDED_POINTS, and their start and end times. */
export function recordedPointsOf(request: MetricsRequest): { points: unknown[]; times: Array<[bigint, bigint]> } {
  const points: unknown[] = [];
  const times: Array<[bigint, bigint]> = [];
  for (const metric of metricsOf(request)) {
    const { data } = metric;
    if (data.type !== 'sum' && data.type !== 'histogram') throw new Error(`unexpected ${data.type} ${metric.name}`);
    for (const point of data.dataPoints) {
      const figures = 'value' in point ? point.value : [point.count, point.sum, point.min, point.max];
      points.push([metric.name, Object.fromEntries(point.attributes), data.type, figures]);
      times.push([point.startTimeUnixNano, point.timeUnixNano]);
    }
  }
  return { points, times };
}

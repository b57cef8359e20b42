/**
 * Traces in files. A trace is saved with its logs as OTLP JSON Lines: one `ExportTraceServiceRequest` line and, when
 * it has logs, one `ExportLogsServiceRequest` line, as the Collector's file exporter and `ai-trace-lens serve --out`
 * write, so Open Trace File, `ai-trace-lens summarize` and other OTLP tools read it back. Loading puts what any file
 * `parseOtlpFile` reads into the stores.
 */
import { plural } from '../shared/format';
import type { OtlpFileContents } from './inputFiles';
import { spansOf, type InstrumentationScope, type Resource, type Span } from './model';
import { encodeTraceRequestJson } from './otlp/jsonEncoders';
import { logRecordsOf, type LogRecord } from './otlp/logModel';
import { encodeLogsRequestJson } from './otlp/logsJson';
import { dataPointCount, metricsOf } from './otlp/metricModel';
import type { ModelServerStore } from './modelServers/modelServerStore';
import type { LogStore } from './store/logStore';
import type { MetricStore } from './store/metricStore';
import type { TraceStore } from './store/traceStore';

/** The file text of `spans` (one trace) and their `logs`. */
export function traceFileText(spans: readonly Span[], logs: readonly LogRecord[]): string {
  const traceLine = encodeTraceRequestJson({
    resourceSpans: groupByOrigin(spans).map(({ resource, scopes }) => ({
      resource,
      schemaUrl: '',
      scopeSpans: scopes.map(({ scope, items }) => ({ scope, schemaUrl: '', spans: items })),
    })),
  });
  if (logs.length === 0) return `${traceLine}\n`;
  const logsLine = encodeLogsRequestJson({
    resourceLogs: groupByOrigin(logs).map(({ resource, scopes }) => ({
      resource,
      schemaUrl: '',
      scopeLogs: scopes.map(({ scope, items }) => ({ scope, schemaUrl: '', logRecords: items })),
    })),
  });
  return `${traceLine}\n${logsLine}\n`;
}

interface Origin<T> {
  resource: Resource;
  scopes: { scope: InstrumentationScope; items: T[] }[];
}

/** Items by the resource and scope they were received with (decoders share those objects), in first-seen order. */
function groupByOrigin<T extends { readonly resource: Resource; readonly scope: InstrumentationScope }>(
  items: readonly T[],
): Origin<T>[] {
  const byResource = new Map<Resource, Map<InstrumentationScope, T[]>>();
  for (const item of items) {
    let scopes = byResource.get(item.resource);
    if (!scopes) byResource.set(item.resource, (scopes = new Map<InstrumentationScope, T[]>()));
    let scoped = scopes.get(item.scope);
    if (!scoped) scopes.set(item.scope, (scoped = []));
    scoped.push(item);
  }
  return [...byResource].map(([resource, scopes]) => ({
    resource,
    scopes: [...scopes].map(([scope, scopedItems]) => ({ scope, items: scopedItems })),
  }));
}

export interface LoadedFile {
  /** The traces the file added to or updated in the store, in file order. */
  traceIds: string[];
  spans: number;
  logRecords: number;
  metricDataPoints: number;
  /** One sentence per part of the file that was skipped, naming the file. */
  problems: string[];
}

/**
 * Puts a read file's spans, logs and (given stores for them) metrics and model-server samples (those `serve --scrape
 * --out` records) into the stores. `name` labels problems.
 */
export function loadOtlpFile(
  contents: OtlpFileContents,
  name: string,
  stores: { traces: TraceStore; logs: LogStore; metrics?: MetricStore; modelServers?: ModelServerStore },
): LoadedFile {
  const loaded: LoadedFile = {
    traceIds: [],
    spans: 0,
    logRecords: 0,
    metricDataPoints: 0,
    problems: [...contents.problems],
  };
  const traceIds = new Set<string>();
  for (const result of contents.requests) {
    if (result.rejectedSpans > 0) {
      loaded.problems.push(`${name}: ${plural(result.rejectedSpans, 'span')} skipped: ${result.rejectionMessage}`);
    }
    const spans = spansOf(result.request);
    stores.traces.ingest(spans);
    for (const span of spans) traceIds.add(span.traceId);
    loaded.spans += spans.length;
  }
  for (const result of contents.logRequests) {
    if (result.rejectedLogRecords > 0) loaded.problems.push(`${name}: ${result.rejectionMessage}`);
    const records = logRecordsOf(result.request);
    stores.logs.add(records);
    loaded.logRecords += records.length;
  }
  for (const result of contents.metricRequests) {
    if (result.rejectedDataPoints > 0) loaded.problems.push(`${name}: ${result.rejectionMessage}`);
    const metrics = metricsOf(result.request);
    stores.metrics?.add(metrics);
    stores.modelServers?.add(metrics);
    for (const metric of metrics) loaded.metricDataPoints += dataPointCount(metric);
  }
  loaded.traceIds = [...traceIds];
  return loaded;
}

/**
 * Loads the durable store into the in-memory stores: each stored request decoded with the receivers' codecs and
 * ingested as the receivers ingest it, yielding to the event loop every few records so a large store never blocks.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { spansOf, type Span } from '../model';
import { logRecordsOf, type LogRecord } from '../otlp/logModel';
import { dataPointCount, metricsOf, type Metric } from '../otlp/metricModel';
import { SIGNAL_CODECS, type SignalResults } from '../receiver/signals';
import type { LogStore } from '../store/logStore';
import type { ModelServerStore } from '../modelServers/modelServerStore';
import type { MetricStore } from '../store/metricStore';
import type { TraceStore } from '../store/traceStore';
import { describeError } from '../../shared/errors';
import type { StoredRequest } from './segmentFormat';
import type { ReadReport, RecordVisitor } from './segmentReader';

/** Records decoded between two yields to the event loop. */
const RECORDS_PER_YIELD = 200;

/** Where records come from: a SegmentStore, or a read-only reader of a directory another process writes. */
export interface StoredRequests {
  readAll(visit: RecordVisitor): Promise<ReadReport>;
}

export interface LoadReport extends ReadReport {
  spans: number;
  logRecords: number;
  metricDataPoints: number;
  /** Records whose checksum held but whose body does not decode, each as one sentence. */
  undecodable: string[];
}

/** Ingests every stored request; metrics are counted, and kept in the metric and model-server stores given. */
export async function loadSegments(
  source: StoredRequests,
  stores: { traces: TraceStore; logs: LogStore; metrics?: MetricStore; modelServers?: ModelServerStore },
): Promise<LoadReport> {
  const loaded = { spans: 0, logRecords: 0, metricDataPoints: 0, undecodable: [] as string[] };
  let sinceYield = 0;
  const report = await source.readAll(async (request) => {
    try {
      const counts = ingestStored(request, stores);
      loaded.spans += counts.spans;
      loaded.logRecords += counts.logRecords;
      loaded.metricDataPoints += counts.metricDataPoints;
    } catch (error) {
      loaded.undecodable.push(`A stored ${request.signal} request does not decode: ${describeError(error)}`);
    }
    if (++sinceYield === RECORDS_PER_YIELD) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  });
  return { ...report, ...loaded };
}

/** Decodes one stored request and ingests it as the receivers would; throws when it does not decode. */
export function ingestStored(
  request: StoredRequest,
  stores: { traces: TraceStore; logs: LogStore; metrics?: MetricStore; modelServers?: ModelServerStore },
): { spans: number; logRecords: number; metricDataPoints: number } {
  const counts = { spans: 0, logRecords: 0, metricDataPoints: 0 };
  const decoded = decodeRecord(request);
  if (decoded.signal === 'traces') {
    if (decoded.spans.length > 0) stores.traces.ingest(decoded.spans);
    counts.spans = decoded.spans.length;
  } else if (decoded.signal === 'logs') {
    stores.logs.add(decoded.records);
    counts.logRecords = decoded.records.length;
  } else {
    stores.metrics?.add(decoded.metrics);
    stores.modelServers?.add(decoded.metrics);
    counts.metricDataPoints = decoded.metrics.reduce((sum, metric) => sum + dataPointCount(metric), 0);
  }
  return counts;
}

/** What a stored request holds, decoded with the receivers' codecs. */
export type DecodedRecord =
  | { signal: 'traces'; spans: Span[] }
  | { signal: 'logs'; records: LogRecord[] }
  | { signal: 'metrics'; metrics: Metric[] };

/** Throws when the body does not decode. */
export function decodeRecord(request: StoredRequest): DecodedRecord {
  if (request.signal === 'traces') return { signal: 'traces', spans: spansOf(decode(request, 'traces').request) };
  if (request.signal === 'logs') return { signal: 'logs', records: logRecordsOf(decode(request, 'logs').request) };
  return { signal: 'metrics', metrics: metricsOf(decode(request, 'metrics').request) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode<S extends keyof SignalResults>(request: StoredRequest, signal: S): SignalResults[S] {
  const codec = SIGNAL_CODECS[signal];
  return request.encoding === 'json' ? codec.decodeJson(utf8.decode(request.body)) : codec.decodeProto(request.body);
}

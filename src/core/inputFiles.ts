/**
 * Reads saved OTLP exports, whatever their shape, detected from the content rather than the file name:
 * gzip (1f 8b) is inflated first; text starting with `{` is one OTLP JSON document or JSON Lines (one request per
 * line, as the Collector's file exporter and `ai-trace-lens serve --out` write); anything else is one protobuf request
 * (see `addProtobufRequest` for how its signal is told). A JSON request is a logs or metrics request when its first key
 * is `resourceLogs` or `resourceMetrics` (both writers put it first), else a trace request.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describeError } from '../shared/errors';
import { spansOf } from './model';
import { logRecordsOf } from './otlp/logModel';
import { decodeLogsRequestJson } from './otlp/logsJson';
import { decodeLogsRequestProto } from './otlp/logsProtobuf';
import { metricsOf } from './otlp/metricModel';
import { decodeMetricsRequestJson } from './otlp/metricsJson';
import { decodeMetricsRequestProto } from './otlp/metricsProtobuf';
import { decodeTraceRequestJson } from './otlp/traceJson';
import { decodeTraceRequestProto } from './otlp/traceProtobuf';
import { OtlpDecodeError, type LogsDecodeResult, type MetricsDecodeResult, type TraceDecodeResult } from './otlp/types';

/** The file could not be read or decoded at all; the message names the file. */
export class OtlpFileError extends Error {
  override readonly name = 'OtlpFileError';
}

export interface OtlpFileContents {
  /** Every trace request that decoded, in file order. */
  requests: TraceDecodeResult[];
  /** Every logs request that decoded, in file order. */
  logRequests: LogsDecodeResult[];
  /** Every metrics request that decoded, in file order. */
  metricRequests: MetricsDecodeResult[];
  /** Lines of a JSON Lines file that did not decode, each naming the file and line; the other lines are in `requests`. */
  problems: string[];
}

export async function readOtlpFile(path: string): Promise<OtlpFileContents> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new OtlpFileError(`${path}: ${describeError(error)}`);
  }
  return parseOtlpFile(bytes, path);
}

/** `name` only labels messages. */
export function parseOtlpFile(bytes: Uint8Array, name: string): OtlpFileContents {
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new OtlpFileError(`${name}: looks gzipped but does not inflate: ${describeError(error)}`);
    }
  }
  if (bytes.length === 0) throw new OtlpFileError(`${name}: the file is empty`);
  const contents: OtlpFileContents = { requests: [], logRequests: [], metricRequests: [], problems: [] };
  const text = jsonText(bytes);
  if (text === undefined) {
    addProtobufRequest(contents, bytes, name);
    return contents;
  }
  const lines = text.split('\n');
  if (!isJsonLines(lines)) {
    const signal = jsonSignalOf(text);
    decodeWholeJson(name, REQUEST_NAMES[signal], () => addJsonRequest(contents, signal, text));
    return contents;
  }
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      addJsonRequest(contents, jsonSignalOf(line), line);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      contents.problems.push(`${name} line ${index + 1}: ${error.message}`);
    }
  });
  return contents;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The text (without a BOM) when the content starts with `{` after whitespace, else undefined. */
function jsonText(bytes: Uint8Array): string | undefined {
  const textStart = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let start = textStart;
  while (start < bytes.length && isJsonSpace(bytes[start]!)) start++;
  if (bytes[start] !== 0x7b) return undefined;
  return Buffer.from(bytes.buffer, bytes.byteOffset + textStart, bytes.length - textStart).toString('utf8');
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * JSON Lines when several lines each start an object. Pretty-printed JSON has lines starting with `"`, `}` or `]`,
 * and deciding on line starts rather than on parsing keeps a file whose first line is damaged readable line by line.
 */
function isJsonLines(lines: string[]): boolean {
  let objects = 0;
  for (const line of lines) {
    const start = line.trimStart();
    if (start === '') continue;
    if (start[0] !== '{') return false;
    objects++;
  }
  return objects >= 2;
}

type JsonSignal = 'traces' | 'logs' | 'metrics';

const REQUEST_NAMES: Record<JsonSignal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

const FIRST_KEY = /^\s*\{\s*"(resourceLogs|resourceMetrics)"/;

function jsonSignalOf(text: string): JsonSignal {
  const key = FIRST_KEY.exec(text.slice(0, 256))?.[1];
  return key === 'resourceLogs' ? 'logs' : key === 'resourceMetrics' ? 'metrics' : 'traces';
}

function addJsonRequest(contents: OtlpFileContents, signal: JsonSignal, text: string): void {
  if (signal === 'logs') contents.logRequests.push(decodeLogsRequestJson(text));
  else if (signal === 'metrics') contents.metricRequests.push(decodeMetricsRequestJson(text));
  else contents.requests.push(decodeTraceRequestJson(text));
}

function decodeWholeJson<T>(name: string, requestName: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof OtlpDecodeError)) throw error;
    throw new OtlpFileError(`${name}: not a valid OTLP JSON ${requestName}: ${error.message}`);
  }
}

/** One signal's protobuf decode: whether it found a timed item, and how to keep the request. */
interface ProtobufReading {
  hasTimedItem: boolean;
  addTo(contents: OtlpFileContents): void;
}

/** In the order tried. */
const PROTOBUF_SIGNALS: ReadonlyArray<(bytes: Uint8Array) => ProtobufReading> = [
  (bytes) => {
    const result = decodeTraceRequestProto(bytes);
    return {
      hasTimedItem: spansOf(result.request).some((span) => span.startTimeUnixNano > 0n),
      addTo: (contents) => contents.requests.push(result),
    };
  },
  (bytes) => {
    const result = decodeLogsRequestProto(bytes);
    return {
      hasTimedItem: logRecordsOf(result.request).some(
        (record) => record.timeUnixNano > 0n || record.observedTimeUnixNano > 0n,
      ),
      addTo: (contents) => contents.logRequests.push(result),
    };
  },
  (bytes) => {
    const result = decodeMetricsRequestProto(bytes);
    return {
      hasTimedItem: metricsOf(result.request).some(
        (metric) => metric.data.type !== 'none' && metric.data.dataPoints.some((point) => point.timeUnixNano > 0n),
      ),
      addTo: (contents) => contents.metricRequests.push(result),
    };
  },
];

/**
 * A protobuf request does not name its signal, and a request of one signal often decodes without error as another
 * (fields of an unexpected wire type are skipped). What tells them apart is a timed item: a span with valid ids and a
 * start time, a log record with a time or observed time, a data point of a named metric with a time. Those times are
 * fixed64 fields at field numbers where the other signals' messages have an id, a name, a varint or a message, so a
 * request read as the wrong signal yields none (for metrics, tried last, short of control characters in span names or
 * attribute keys). The request is the first of traces, logs and metrics whose decode has a timed item; failing that
 * (no items, or only rejected ones) the first that decodes at all, so an empty request is an empty trace request.
 */
function addProtobufRequest(contents: OtlpFileContents, bytes: Uint8Array, name: string): void {
  let fallback: ProtobufReading | undefined;
  /** When no signal decodes, the trace decoder's reason is the one shown. */
  let traceError: OtlpDecodeError | undefined;
  for (const decode of PROTOBUF_SIGNALS) {
    let reading: ProtobufReading;
    try {
      reading = decode(bytes);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      traceError ??= error;
      continue;
    }
    if (reading.hasTimedItem) return reading.addTo(contents);
    fallback ??= reading;
  }
  if (fallback) return fallback.addTo(contents);
  throw new OtlpFileError(
    `${name}: not a valid protobuf ExportTraceServiceRequest, ExportLogsServiceRequest or ExportMetricsServiceRequest ` +
      `(the file does not start with "{", so it was read as protobuf): ${traceError!.message}`,
  );
}

/**
 * OTLP/JSON logs: decoding into the log model on the JSON reader every signal shares (hex ids, int64 as strings or
 * numbers, enums as integers, unknown keys ignored), and a lossless encoding of a decoded request (for `serve --out`).
 */
import { isValidHexId, normalizeHexId, SPAN_ID_BYTES, TRACE_ID_BYTES } from '../../shared/ids';
import type { InstrumentationScope, Resource } from '../model';
import { anyValueJson, attributesJson, requestJson, withDefaultsOmitted } from './jsonEncoders';
import { decodeJsonText, keepShapeAlive, OtlpJsonReader, type JsonObject } from './jsonReader';
import type { LogRecord, LogsRequest, ResourceLogs, ScopeLogs } from './logModel';
import type { LogsDecodeResult } from './types';
import { logRejectionMessage } from './wire';

/** Older exporters send enum names; accepting them costs nothing. */
const SEVERITY_NUMBER_NAMES: ReadonlyMap<string, number> = new Map(
  [
    'UNSPECIFIED',
    'TRACE',
    'TRACE2',
    'TRACE3',
    'TRACE4',
    'DEBUG',
    'DEBUG2',
    'DEBUG3',
    'DEBUG4',
    'INFO',
    'INFO2',
    'INFO3',
    'INFO4',
    'WARN',
    'WARN2',
    'WARN3',
    'WARN4',
    'ERROR',
    'ERROR2',
    'ERROR3',
    'ERROR4',
    'FATAL',
    'FATAL2',
    'FATAL3',
    'FATAL4',
  ].map((name, number) => [`SEVERITY_NUMBER_${name}`, number]),
);

class JsonLogsDecoder extends OtlpJsonReader {
  rejectedLogRecords = 0;

  request(root: unknown): LogsRequest {
    return {
      resourceLogs: this.list(this.root(root, 'resourceLogs'), 'resourceLogs', (item) => this.resourceLogs(item)),
    };
  }

  private resourceLogs(item: JsonObject): ResourceLogs {
    const resource = this.resource(item);
    return {
      resource,
      schemaUrl: this.string(item, 'schemaUrl'),
      scopeLogs: this.list(item, 'scopeLogs', (scopeItem) => this.scopeLogs(scopeItem, resource)),
    };
  }

  private scopeLogs(item: JsonObject, resource: Resource): ScopeLogs {
    const scope = this.scope(item);
    return {
      scope,
      schemaUrl: this.string(item, 'schemaUrl'),
      logRecords: this.list(item, 'logRecords', (recordItem) => this.logRecord(recordItem, resource, scope)),
    };
  }

  /** Undefined when a trace or span id is set but not hex of the right size: counted in `rejectedLogRecords`. */
  private logRecord(item: JsonObject, resource: Resource, scope: InstrumentationScope): LogRecord | undefined {
    const traceId = normalizeHexId(this.string(item, 'traceId'));
    const spanId = normalizeHexId(this.string(item, 'spanId'));
    this.path.push('body');
    const body = this.anyValue(item.body, 0);
    this.path.pop();
    const record: LogRecord = {
      timeUnixNano: this.time(item, 'timeUnixNano'),
      observedTimeUnixNano: this.time(item, 'observedTimeUnixNano'),
      severityNumber: this.enumValue(item, 'severityNumber', SEVERITY_NUMBER_NAMES),
      severityText: this.string(item, 'severityText'),
      body,
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
      flags: this.uint32(item, 'flags'),
      traceId: correlationId(traceId, TRACE_ID_BYTES),
      spanId: correlationId(spanId, SPAN_ID_BYTES),
      eventName: this.string(item, 'eventName'),
      resource,
      scope,
    };
    if (isOptionalId(traceId, TRACE_ID_BYTES) && isOptionalId(spanId, SPAN_ID_BYTES)) return record;
    this.rejectedLogRecords++;
    return undefined;
  }
}

function isOptionalId(hex: string | undefined, bytes: number): boolean {
  return hex === '' || (hex !== undefined && hex.length === bytes * 2);
}

/** The id, or '' for an absent or all-zero (W3C "invalid") one. */
function correlationId(hex: string | undefined, bytes: number): string {
  return hex !== undefined && isValidHexId(hex, bytes) ? hex : '';
}

keepShapeAlive(new JsonLogsDecoder(false));

/** Decodes an OTLP/JSON `ExportLogsServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeLogsRequestJson(text: string): LogsDecodeResult {
  return decodeJsonText(text, (root, exactIntegers) => {
    const decoder = new JsonLogsDecoder(exactIntegers);
    const request = decoder.request(root);
    const rejected = decoder.rejectedLogRecords;
    return { request, rejectedLogRecords: rejected, rejectionMessage: logRejectionMessage(rejected) };
  });
}

function logRecordJson(record: LogRecord): JsonObject {
  return withDefaultsOmitted([
    ['timeUnixNano', record.timeUnixNano],
    ['observedTimeUnixNano', record.observedTimeUnixNano],
    ['severityNumber', record.severityNumber],
    ['severityText', record.severityText],
    ['body', record.body === null ? undefined : anyValueJson(record.body)],
    ['attributes', attributesJson(record.attributes)],
    ['droppedAttributesCount', record.droppedAttributesCount],
    ['flags', record.flags],
    ['traceId', record.traceId],
    ['spanId', record.spanId],
    ['eventName', record.eventName],
  ]);
}

/** One line of OTLP/JSON for a decoded request; `decodeLogsRequestJson` gives the same request back. */
export function encodeLogsRequestJson(request: LogsRequest): string {
  const keys = { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' };
  return requestJson(
    keys,
    request.resourceLogs,
    (resource) => resource.scopeLogs,
    (scope) => scope.logRecords,
    logRecordJson,
  );
}

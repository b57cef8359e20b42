/**
 * The normalised OTLP log record, as every logs decoder produces it. Same conventions as the span model: ids are
 * lowercase hex ('' when absent or all zeros), times are nanoseconds as bigint, attributes are Maps, and resource and
 * scope objects are shared by the records of one ResourceLogs / ScopeLogs.
 */
import {
  byResourceAndScope,
  type AttributeMap,
  type AttributeValue,
  type InstrumentationScope,
  type Resource,
} from '../model';

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** OTLP `SeverityNumber`: 0 unspecified, 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal. */
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: AttributeMap;
  droppedAttributesCount: number;
  flags: number;
  /** '' when the record is not correlated with a trace. */
  traceId: string;
  /** '' when the record is not correlated with a span. */
  spanId: string;
  /** `event_name` (field 12, OTLP 1.5+); '' when absent. Use `eventNameOf`, which also reads the older attribute. */
  eventName: string;
  resource: Resource;
  scope: InstrumentationScope;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  schemaUrl: string;
  logRecords: LogRecord[];
}

export interface ResourceLogs {
  resource: Resource;
  schemaUrl: string;
  scopeLogs: ScopeLogs[];
}

/** A decoded `ExportLogsServiceRequest`. */
export interface LogsRequest {
  resourceLogs: ResourceLogs[];
}

export function logRecordsOf(request: LogsRequest): LogRecord[] {
  const records: LogRecord[] = [];
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) records.push(record);
    }
  }
  return records;
}

/** One request carrying `records`, grouped under their resource and scope objects, as `traceRequestOfSpans` does. */
export function logsRequestOf(records: readonly LogRecord[]): LogsRequest {
  return {
    resourceLogs: byResourceAndScope(records).map(([resource, byScope]) => ({
      resource,
      schemaUrl: '',
      scopeLogs: byScope.map(([scope, inScope]) => ({ scope, schemaUrl: '', logRecords: inScope })),
    })),
  };
}

/** When the event happened: `time_unix_nano`, or the observed time when the source did not say (0). */
export function recordTimeOf(record: LogRecord): bigint {
  return record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
}

/** Before OTLP 1.5 gave events their own field, the event name was the `event.name` attribute (still sent by some SDKs). */
export const EVENT_NAME_ATTRIBUTE = 'event.name';

/** The record's event name from either place, or '' for a plain log line. */
export function eventNameOf(record: LogRecord): string {
  if (record.eventName !== '') return record.eventName;
  const legacy = record.attributes.get(EVENT_NAME_ATTRIBUTE);
  return typeof legacy === 'string' ? legacy : '';
}

/** `SeverityNumber` ranges to their short names (the number within a range is the sub-level, e.g. ERROR2). */
const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** The record's severity text, else the name of its severity number, else ''. */
export function severityLabelOf(record: LogRecord): string {
  if (record.severityText !== '') return record.severityText;
  const number = record.severityNumber;
  if (number < 1 || number > 24) return '';
  return SEVERITY_NAMES[Math.floor((number - 1) / 4)]!;
}

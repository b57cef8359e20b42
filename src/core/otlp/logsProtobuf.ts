/** OTLP/protobuf logs decoding into the log model, on the wire reader every signal shares. */
import * as ids from '../../shared/ids';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../model';
import type { LogRecord, LogsRequest, ResourceLogs, ScopeLogs } from './logModel';
import {
  asBuffer,
  fieldTag,
  OtlpProtoReader,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from './protoReader';
import type { LogsDecodeResult } from './types';
import { logRejectionMessage } from './wire';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protoReader.ts). */
const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;

// opentelemetry/proto/collector/logs/v1/logs_service.proto
const REQUEST_RESOURCE_LOGS = fieldTag(1, WIRE_LENGTH);
// opentelemetry/proto/logs/v1/logs.proto
const RESOURCE_LOGS_RESOURCE = fieldTag(1, WIRE_LENGTH);
const RESOURCE_LOGS_SCOPE_LOGS = fieldTag(2, WIRE_LENGTH);
const RESOURCE_LOGS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const SCOPE_LOGS_SCOPE = fieldTag(1, WIRE_LENGTH);
const SCOPE_LOGS_LOG_RECORDS = fieldTag(2, WIRE_LENGTH);
const SCOPE_LOGS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const LOG_TIME = fieldTag(1, WIRE_FIXED64); // time_unix_nano
const LOG_SEVERITY_NUMBER = fieldTag(2, WIRE_VARINT);
const LOG_SEVERITY_TEXT = fieldTag(3, WIRE_LENGTH);
const LOG_BODY = fieldTag(5, WIRE_LENGTH); // AnyValue
const LOG_ATTRIBUTES = fieldTag(6, WIRE_LENGTH); // repeated KeyValue
const LOG_DROPPED_ATTRIBUTES_COUNT = fieldTag(7, WIRE_VARINT);
const LOG_FLAGS = fieldTag(8, WIRE_FIXED32);
const LOG_TRACE_ID = fieldTag(9, WIRE_LENGTH); // bytes
const LOG_SPAN_ID = fieldTag(10, WIRE_LENGTH); // bytes
const LOG_OBSERVED_TIME = fieldTag(11, WIRE_FIXED64); // observed_time_unix_nano
const LOG_EVENT_NAME = fieldTag(12, WIRE_LENGTH);

class LogsRequestReader extends OtlpProtoReader {
  rejectedLogRecords = 0;

  constructor(buf: Buffer) {
    super(buf, 'ExportLogsServiceRequest');
  }

  request(): LogsRequest {
    const end = this.buf.length;
    const resourceLogs: ResourceLogs[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === REQUEST_RESOURCE_LOGS) resourceLogs.push(this.resourceLogs(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return { resourceLogs };
  }

  private resourceLogs(end: number): ResourceLogs {
    const resource: Resource = { attributes: new Map(), droppedAttributesCount: 0 };
    const scopeLogs: ScopeLogs[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === RESOURCE_LOGS_RESOURCE) this.resource(this.messageEnd(end), resource);
      else if (tag === RESOURCE_LOGS_SCOPE_LOGS) scopeLogs.push(this.scopeLogs(this.messageEnd(end), resource));
      else if (tag === RESOURCE_LOGS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { resource, schemaUrl, scopeLogs };
  }

  private scopeLogs(end: number, resource: Resource): ScopeLogs {
    const scope: InstrumentationScope = { name: '', version: '', attributes: new Map(), droppedAttributesCount: 0 };
    const logRecords: LogRecord[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === SCOPE_LOGS_LOG_RECORDS) {
        const record = this.logRecord(this.messageEnd(end), resource, scope);
        if (record) logRecords.push(record);
      } else if (tag === SCOPE_LOGS_SCOPE) this.scope(this.messageEnd(end), scope);
      else if (tag === SCOPE_LOGS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { scope, schemaUrl, logRecords };
  }

  /** Undefined when a trace or span id is set with the wrong length: it is counted in `rejectedLogRecords` instead. */
  private logRecord(end: number, resource: Resource, scope: InstrumentationScope): LogRecord | undefined {
    let timeUnixNano = 0n;
    let observedTimeUnixNano = 0n;
    let severityNumber = 0;
    let severityText = '';
    let body: AttributeValue = null;
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    let flags = 0;
    let traceId = '';
    let spanId = '';
    let idsValid = true;
    let eventName = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      switch (tag) {
        case LOG_ATTRIBUTES:
          this.keyValue(this.messageEnd(end), attributes, 0);
          break;
        case LOG_TIME:
          timeUnixNano = this.fixed64(end);
          break;
        case LOG_OBSERVED_TIME:
          observedTimeUnixNano = this.fixed64(end);
          break;
        case LOG_SEVERITY_NUMBER:
          severityNumber = this.varint32(end) | 0;
          break;
        case LOG_SEVERITY_TEXT:
          severityText = this.string(end);
          break;
        case LOG_BODY:
          body = this.anyValue(this.messageEnd(end), 0);
          break;
        case LOG_DROPPED_ATTRIBUTES_COUNT:
          droppedAttributesCount = this.varint32(end);
          break;
        case LOG_FLAGS:
          flags = this.fixed32(end);
          break;
        case LOG_TRACE_ID: {
          const idEnd = this.messageEnd(end);
          idsValid &&= this.isOptionalId(idEnd, TRACE_ID_BYTES);
          traceId = this.correlationId(idEnd);
          break;
        }
        case LOG_SPAN_ID: {
          const idEnd = this.messageEnd(end);
          idsValid &&= this.isOptionalId(idEnd, SPAN_ID_BYTES);
          spanId = this.correlationId(idEnd);
          break;
        }
        case LOG_EVENT_NAME:
          eventName = this.string(end);
          break;
        default:
          this.skip(tag, end);
      }
    }
    if (!idsValid) {
      this.rejectedLogRecords++;
      return undefined;
    }
    return {
      timeUnixNano,
      observedTimeUnixNano,
      severityNumber,
      severityText,
      body,
      attributes,
      droppedAttributesCount,
      flags,
      traceId,
      spanId,
      eventName,
      resource,
      scope,
    };
  }

  /** A log record's ids are optional: empty is fine, otherwise the exact size. Leaves `pos` alone. */
  private isOptionalId(end: number, size: number): boolean {
    const length = end - this.pos;
    return length === 0 || length === size;
  }

  /** The id's hex, or '' for an empty or all-zero (W3C "invalid") id. */
  private correlationId(end: number): string {
    if (!this.isValidId(end, end - this.pos)) {
      this.pos = end;
      return '';
    }
    return this.id(end);
  }
}

/** Decodes an `ExportLogsServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeLogsRequestProto(bytes: Uint8Array): LogsDecodeResult {
  const reader = new LogsRequestReader(asBuffer(bytes));
  const request = reader.request();
  const rejected = reader.rejectedLogRecords;
  return { request, rejectedLogRecords: rejected, rejectionMessage: logRejectionMessage(rejected) };
}

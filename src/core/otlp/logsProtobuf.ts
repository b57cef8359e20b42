/** OTLP/protobuf logs decoding into the log model, on the shared wire reader of the trace decoder. */
import { SPAN_ID_BYTES as SPAN_ID_SIZE, TRACE_ID_BYTES as TRACE_ID_SIZE } from '../../shared/ids';
import type { AttributeMap, AttributeValue, InstrumentationScope, Resource } from '../model';
import type { LogRecord, LogsRequest, ResourceLogs, ScopeLogs } from './logModel';
import { asBuffer, OtlpProtoReader } from './protobuf';
import type { LogsDecodeResult } from './types';
import { logRejectionMessage } from './wire';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protobuf.ts). */
const TRACE_ID_BYTES = TRACE_ID_SIZE;
const SPAN_ID_BYTES = SPAN_ID_SIZE;

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
      if (tag === 10) resourceLogs.push(this.resourceLogs(this.messageEnd(end)));
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
      if (tag === 10) this.resource(this.messageEnd(end), resource);
      else if (tag === 18) scopeLogs.push(this.scopeLogs(this.messageEnd(end), resource));
      else if (tag === 26) schemaUrl = this.string(end);
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
      if (tag === 18) {
        const record = this.logRecord(this.messageEnd(end), resource, scope);
        if (record) logRecords.push(record);
      } else if (tag === 10) this.scope(this.messageEnd(end), scope);
      else if (tag === 26) schemaUrl = this.string(end);
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
        case 50:
          this.keyValue(this.messageEnd(end), attributes, 0);
          break;
        case 9:
          timeUnixNano = this.fixed64(end);
          break;
        case 89:
          observedTimeUnixNano = this.fixed64(end);
          break;
        case 16:
          severityNumber = this.varint32(end) | 0;
          break;
        case 26:
          severityText = this.string(end);
          break;
        case 42:
          body = this.anyValue(this.messageEnd(end), 0);
          break;
        case 56:
          droppedAttributesCount = this.varint32(end);
          break;
        case 69:
          flags = this.fixed32(end);
          break;
        case 74: {
          const idEnd = this.messageEnd(end);
          idsValid &&= this.isOptionalId(idEnd, TRACE_ID_BYTES);
          traceId = this.correlationId(idEnd);
          break;
        }
        case 82: {
          const idEnd = this.messageEnd(end);
          idsValid &&= this.isOptionalId(idEnd, SPAN_ID_BYTES);
          spanId = this.correlationId(idEnd);
          break;
        }
        case 98:
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

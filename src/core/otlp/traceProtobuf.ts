/** OTLP/protobuf traces: an `ExportTraceServiceRequest` straight from the wire into the span model. */
import * as ids from '../../shared/ids';
import type {
  AttributeMap,
  InstrumentationScope,
  Resource,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
  TraceRequest,
} from '../model';
import {
  asBuffer,
  fieldTag,
  OtlpProtoReader,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from './protoReader';
import type { TraceDecodeResult } from './types';
import { rejectionMessage } from './wire';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protoReader.ts). */
const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;

// opentelemetry/proto/collector/trace/v1/trace_service.proto
const REQUEST_RESOURCE_SPANS = fieldTag(1, WIRE_LENGTH);
// opentelemetry/proto/trace/v1/trace.proto
const RESOURCE_SPANS_RESOURCE = fieldTag(1, WIRE_LENGTH);
const RESOURCE_SPANS_SCOPE_SPANS = fieldTag(2, WIRE_LENGTH);
const RESOURCE_SPANS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const SCOPE_SPANS_SCOPE = fieldTag(1, WIRE_LENGTH);
const SCOPE_SPANS_SPANS = fieldTag(2, WIRE_LENGTH);
const SCOPE_SPANS_SCHEMA_URL = fieldTag(3, WIRE_LENGTH);
const SPAN_TRACE_ID = fieldTag(1, WIRE_LENGTH); // bytes
const SPAN_SPAN_ID = fieldTag(2, WIRE_LENGTH); // bytes
const SPAN_TRACE_STATE = fieldTag(3, WIRE_LENGTH);
const SPAN_PARENT_SPAN_ID = fieldTag(4, WIRE_LENGTH); // bytes
const SPAN_NAME = fieldTag(5, WIRE_LENGTH);
const SPAN_KIND = fieldTag(6, WIRE_VARINT);
const SPAN_START_TIME = fieldTag(7, WIRE_FIXED64); // start_time_unix_nano
const SPAN_END_TIME = fieldTag(8, WIRE_FIXED64); // end_time_unix_nano
const SPAN_ATTRIBUTES = fieldTag(9, WIRE_LENGTH); // repeated KeyValue
const SPAN_DROPPED_ATTRIBUTES_COUNT = fieldTag(10, WIRE_VARINT);
const SPAN_EVENTS = fieldTag(11, WIRE_LENGTH);
const SPAN_DROPPED_EVENTS_COUNT = fieldTag(12, WIRE_VARINT);
const SPAN_LINKS = fieldTag(13, WIRE_LENGTH);
const SPAN_DROPPED_LINKS_COUNT = fieldTag(14, WIRE_VARINT);
const SPAN_STATUS = fieldTag(15, WIRE_LENGTH);
const SPAN_FLAGS = fieldTag(16, WIRE_FIXED32);
const EVENT_TIME = fieldTag(1, WIRE_FIXED64); // time_unix_nano
const EVENT_NAME = fieldTag(2, WIRE_LENGTH);
const EVENT_ATTRIBUTES = fieldTag(3, WIRE_LENGTH);
const EVENT_DROPPED_ATTRIBUTES_COUNT = fieldTag(4, WIRE_VARINT);
const LINK_TRACE_ID = fieldTag(1, WIRE_LENGTH);
const LINK_SPAN_ID = fieldTag(2, WIRE_LENGTH);
const LINK_TRACE_STATE = fieldTag(3, WIRE_LENGTH);
const LINK_ATTRIBUTES = fieldTag(4, WIRE_LENGTH);
const LINK_DROPPED_ATTRIBUTES_COUNT = fieldTag(5, WIRE_VARINT);
const LINK_FLAGS = fieldTag(6, WIRE_FIXED32);
const STATUS_MESSAGE = fieldTag(2, WIRE_LENGTH);
const STATUS_CODE = fieldTag(3, WIRE_VARINT);

/**
 * Shared by every span that has no events, no links, or an unset status without message, which is most spans: each
 * would otherwise cost the store a few dozen bytes of a span's few hundred. Frozen, so that code changing one in place
 * throws instead of changing every span; such code replaces them, as it must for a span it did not build.
 */
const NO_EVENTS = Object.freeze([]) as unknown as SpanEvent[];
const NO_LINKS = Object.freeze([]) as unknown as SpanLink[];
const UNSET_STATUS: SpanStatus = Object.freeze({ code: 0, message: '' });

/** One decode pass over one `ExportTraceServiceRequest`. */
class TraceRequestReader extends OtlpProtoReader {
  rejectedSpans = 0;

  constructor(buf: Buffer) {
    super(buf, 'ExportTraceServiceRequest');
  }

  request(): TraceRequest {
    const end = this.buf.length;
    const resourceSpans: ResourceSpans[] = [];
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === REQUEST_RESOURCE_SPANS) resourceSpans.push(this.resourceSpans(this.messageEnd(end)));
      else this.skip(tag, end);
    }
    return { resourceSpans };
  }

  private resourceSpans(end: number): ResourceSpans {
    const resource: Resource = { attributes: new Map(), droppedAttributesCount: 0 };
    const scopeSpans: ScopeSpans[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === RESOURCE_SPANS_RESOURCE) this.resource(this.messageEnd(end), resource);
      else if (tag === RESOURCE_SPANS_SCOPE_SPANS) scopeSpans.push(this.scopeSpans(this.messageEnd(end), resource));
      else if (tag === RESOURCE_SPANS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { resource, schemaUrl, scopeSpans };
  }

  private scopeSpans(end: number, resource: Resource): ScopeSpans {
    const scope: InstrumentationScope = { name: '', version: '', attributes: new Map(), droppedAttributesCount: 0 };
    const spans: Span[] = [];
    let schemaUrl = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === SCOPE_SPANS_SPANS) {
        const span = this.span(this.messageEnd(end), resource, scope);
        if (span) spans.push(span);
      } else if (tag === SCOPE_SPANS_SCOPE) this.scope(this.messageEnd(end), scope);
      else if (tag === SCOPE_SPANS_SCHEMA_URL) schemaUrl = this.string(end);
      else this.skip(tag, end);
    }
    return { scope, schemaUrl, spans };
  }

  /** Undefined when the span's ids are invalid: it is counted in `rejectedSpans` instead. */
  private span(end: number, resource: Resource, scope: InstrumentationScope): Span | undefined {
    let traceId = '';
    let spanId = '';
    let parentSpanId: string | undefined;
    let traceIdValid = false;
    let spanIdValid = false;
    let parentIdValid = true;
    let traceState = '';
    let flags = 0;
    let name = '';
    let kind = 0;
    let startTimeUnixNano = 0n;
    let endTimeUnixNano = 0n;
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    let events = NO_EVENTS;
    let droppedEventsCount = 0;
    let links = NO_LINKS;
    let droppedLinksCount = 0;
    let statusCode = 0;
    let statusMessage = '';
    while (this.pos < end) {
      const tag = this.tag(end);
      switch (tag) {
        case SPAN_ATTRIBUTES:
          this.keyValue(this.messageEnd(end), attributes, 0);
          break;
        case SPAN_TRACE_ID: {
          const idEnd = this.messageEnd(end);
          traceIdValid = this.isValidId(idEnd, TRACE_ID_BYTES);
          traceId = this.id(idEnd);
          break;
        }
        case SPAN_SPAN_ID: {
          const idEnd = this.messageEnd(end);
          spanIdValid = this.isValidId(idEnd, SPAN_ID_BYTES);
          spanId = this.id(idEnd);
          break;
        }
        case SPAN_PARENT_SPAN_ID: {
          // An empty or all-zero parent id both mean "no parent": the zero id is W3C's "invalid id".
          const idEnd = this.messageEnd(end);
          const length = idEnd - this.pos;
          parentIdValid = length === 0 || length === SPAN_ID_BYTES;
          if (length === 0 || (length === SPAN_ID_BYTES && !this.isValidId(idEnd, SPAN_ID_BYTES))) {
            parentSpanId = undefined;
            this.pos = idEnd;
          } else {
            parentSpanId = this.id(idEnd);
          }
          break;
        }
        case SPAN_TRACE_STATE:
          traceState = this.string(end);
          break;
        case SPAN_NAME:
          name = this.string(end);
          break;
        case SPAN_KIND:
          kind = this.varint32(end) | 0;
          break;
        case SPAN_START_TIME:
          startTimeUnixNano = this.fixed64(end);
          break;
        case SPAN_END_TIME:
          endTimeUnixNano = this.fixed64(end);
          break;
        case SPAN_DROPPED_ATTRIBUTES_COUNT:
          droppedAttributesCount = this.varint32(end);
          break;
        case SPAN_EVENTS:
          if (events === NO_EVENTS) events = [];
          events.push(this.event(this.messageEnd(end)));
          break;
        case SPAN_DROPPED_EVENTS_COUNT:
          droppedEventsCount = this.varint32(end);
          break;
        case SPAN_LINKS:
          if (links === NO_LINKS) links = [];
          links.push(this.link(this.messageEnd(end)));
          break;
        case SPAN_DROPPED_LINKS_COUNT:
          droppedLinksCount = this.varint32(end);
          break;
        case SPAN_STATUS: {
          const statusEnd = this.messageEnd(end);
          statusCode = 0;
          statusMessage = '';
          while (this.pos < statusEnd) {
            const statusTag = this.tag(statusEnd);
            if (statusTag === STATUS_CODE) statusCode = this.varint32(statusEnd) | 0;
            else if (statusTag === STATUS_MESSAGE) statusMessage = this.string(statusEnd);
            else this.skip(statusTag, statusEnd);
          }
          break;
        }
        case SPAN_FLAGS:
          flags = this.fixed32(end);
          break;
        default:
          this.skip(tag, end);
      }
    }
    if (!traceIdValid || !spanIdValid || !parentIdValid) {
      this.rejectedSpans++;
      return undefined;
    }
    return {
      traceId,
      spanId,
      parentSpanId,
      traceState,
      flags,
      name,
      kind: kind as SpanKind,
      startTimeUnixNano,
      endTimeUnixNano,
      attributes,
      droppedAttributesCount,
      events,
      droppedEventsCount,
      links,
      droppedLinksCount,
      status:
        statusCode === 0 && statusMessage === ''
          ? UNSET_STATUS
          : { code: statusCode as StatusCode, message: statusMessage },
      resource,
      scope,
    };
  }

  private event(end: number): SpanEvent {
    let timeUnixNano = 0n;
    let name = '';
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === EVENT_ATTRIBUTES) this.keyValue(this.messageEnd(end), attributes, 0);
      else if (tag === EVENT_TIME) timeUnixNano = this.fixed64(end);
      else if (tag === EVENT_NAME) name = this.string(end);
      else if (tag === EVENT_DROPPED_ATTRIBUTES_COUNT) droppedAttributesCount = this.varint32(end);
      else this.skip(tag, end);
    }
    return { timeUnixNano, name, attributes, droppedAttributesCount };
  }

  private link(end: number): SpanLink {
    let traceId = '';
    let spanId = '';
    let traceState = '';
    const attributes: AttributeMap = new Map();
    let droppedAttributesCount = 0;
    let flags = 0;
    while (this.pos < end) {
      const tag = this.tag(end);
      if (tag === LINK_TRACE_ID) traceId = this.id(this.messageEnd(end));
      else if (tag === LINK_SPAN_ID) spanId = this.id(this.messageEnd(end));
      else if (tag === LINK_TRACE_STATE) traceState = this.string(end);
      else if (tag === LINK_ATTRIBUTES) this.keyValue(this.messageEnd(end), attributes, 0);
      else if (tag === LINK_DROPPED_ATTRIBUTES_COUNT) droppedAttributesCount = this.varint32(end);
      else if (tag === LINK_FLAGS) flags = this.fixed32(end);
      else this.skip(tag, end);
    }
    return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
  }
}

/** Decodes an `ExportTraceServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeTraceRequestProto(bytes: Uint8Array): TraceDecodeResult {
  const reader = new TraceRequestReader(asBuffer(bytes));
  const request = reader.request();
  return { request, rejectedSpans: reader.rejectedSpans, rejectionMessage: rejectionMessage(reader.rejectedSpans) };
}

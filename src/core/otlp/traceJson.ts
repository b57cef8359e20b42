/** OTLP/JSON traces: an `ExportTraceServiceRequest` decoded into the span model, on the reader every signal shares. */
import { isValidHexId, normalizeHexId, SPAN_ID_BYTES, TRACE_ID_BYTES } from '../../shared/ids';
import type {
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
import { decodeJsonText, OtlpJsonReader, type JsonObject } from './jsonReader';
import type { TraceDecodeResult } from './types';
import { rejectionMessage } from './wire';

/** Enum names are not valid OTLP/JSON, but some older exporters send them; accepting them costs nothing. */
const SPAN_KIND_NAMES: ReadonlyMap<string, number> = new Map([
  ['SPAN_KIND_UNSPECIFIED', 0],
  ['SPAN_KIND_INTERNAL', 1],
  ['SPAN_KIND_SERVER', 2],
  ['SPAN_KIND_CLIENT', 3],
  ['SPAN_KIND_PRODUCER', 4],
  ['SPAN_KIND_CONSUMER', 5],
]);
const STATUS_CODE_NAMES: ReadonlyMap<string, number> = new Map([
  ['STATUS_CODE_UNSET', 0],
  ['STATUS_CODE_OK', 1],
  ['STATUS_CODE_ERROR', 2],
]);

/** One decode of one parsed `ExportTraceServiceRequest`. */
class JsonTraceDecoder extends OtlpJsonReader {
  /** Links seen whose ids are not hex; a span with one is rejected. */
  private linksWithBadIds = 0;
  rejectedSpans = 0;

  request(root: unknown): TraceRequest {
    return {
      resourceSpans: this.list(this.root(root, 'resourceSpans'), 'resourceSpans', (item) => this.resourceSpans(item)),
    };
  }

  private resourceSpans(item: JsonObject): ResourceSpans {
    const resource = this.resource(item);
    return {
      resource,
      schemaUrl: this.string(item, 'schemaUrl'),
      scopeSpans: this.list(item, 'scopeSpans', (scopeItem) => this.scopeSpans(scopeItem, resource)),
    };
  }

  private scopeSpans(item: JsonObject, resource: Resource): ScopeSpans {
    const scope = this.scope(item);
    return {
      scope,
      schemaUrl: this.string(item, 'schemaUrl'),
      spans: this.list(item, 'spans', (spanItem) => this.span(spanItem, resource, scope)),
    };
  }

  /** Undefined when the span's ids are invalid: it is counted in `rejectedSpans` instead. */
  private span(item: JsonObject, resource: Resource, scope: InstrumentationScope): Span | undefined {
    const traceId = normalizeHexId(this.string(item, 'traceId'));
    const spanId = normalizeHexId(this.string(item, 'spanId'));
    const parentId = normalizeHexId(this.string(item, 'parentSpanId'));
    // An empty or all-zero parent id both mean "no parent": the zero id is W3C's "invalid id".
    const parentSpanId = parentId !== undefined && isValidHexId(parentId, SPAN_ID_BYTES) ? parentId : undefined;
    const parentValid = parentId === '' || (parentId !== undefined && parentId.length === SPAN_ID_BYTES * 2);
    const linksWithBadIds = this.linksWithBadIds;
    const span: Span = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      parentSpanId,
      traceState: this.string(item, 'traceState'),
      flags: this.uint32(item, 'flags'),
      name: this.string(item, 'name'),
      kind: this.enumValue(item, 'kind', SPAN_KIND_NAMES) as SpanKind,
      startTimeUnixNano: this.time(item, 'startTimeUnixNano'),
      endTimeUnixNano: this.time(item, 'endTimeUnixNano'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
      events: this.list(item, 'events', (eventItem) => this.event(eventItem)),
      droppedEventsCount: this.uint32(item, 'droppedEventsCount'),
      links: this.list(item, 'links', (linkItem) => this.link(linkItem)),
      droppedLinksCount: this.uint32(item, 'droppedLinksCount'),
      status: this.status(item),
      resource,
      scope,
    };
    const valid =
      traceId !== undefined &&
      isValidHexId(traceId, TRACE_ID_BYTES) &&
      spanId !== undefined &&
      isValidHexId(spanId, SPAN_ID_BYTES) &&
      parentValid &&
      this.linksWithBadIds === linksWithBadIds;
    if (valid) return span;
    this.rejectedSpans++;
    return undefined;
  }

  private status(item: JsonObject): SpanStatus {
    const status = this.object(item, 'status') ?? {};
    this.path.push('status');
    const code = this.enumValue(status, 'code', STATUS_CODE_NAMES) as StatusCode;
    const message = this.string(status, 'message');
    this.path.pop();
    return { code, message };
  }

  private event(item: JsonObject): SpanEvent {
    return {
      timeUnixNano: this.time(item, 'timeUnixNano'),
      name: this.string(item, 'name'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
    };
  }

  /** A link whose ids are not hex rejects its span: protobuf cannot even express such an id. */
  private link(item: JsonObject): SpanLink {
    const traceId = normalizeHexId(this.string(item, 'traceId'));
    const spanId = normalizeHexId(this.string(item, 'spanId'));
    const link: SpanLink = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      traceState: this.string(item, 'traceState'),
      attributes: this.attributes(item, 'attributes', 0),
      droppedAttributesCount: this.uint32(item, 'droppedAttributesCount'),
      flags: this.uint32(item, 'flags'),
    };
    if (traceId === undefined || spanId === undefined) this.linksWithBadIds++;
    return link;
  }
}

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeTraceRequestJson(text: string): TraceDecodeResult {
  return decodeJsonText(text, (root, exactIntegers) => {
    const decoder = new JsonTraceDecoder(exactIntegers);
    const request = decoder.request(root);
    return { request, rejectedSpans: decoder.rejectedSpans, rejectionMessage: rejectionMessage(decoder.rejectedSpans) };
  });
}

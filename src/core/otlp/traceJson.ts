/**
 * OTLP/JSON traces: an `ExportTraceServiceRequest` decoded into the span model, on the reader every signal shares.
 * Spans, events and links are read in plain loops with named property loads (see jsonReader.ts for why).
 */
import * as ids from '../../shared/ids';
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
import { decodeJsonText, keepShapeAlive, OtlpJsonReader, type JsonObject } from './jsonReader';
import type { TraceDecodeResult } from './types';
import { rejectionMessage } from './wire';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protoReader.ts). */
const normalizeHexId = ids.normalizeHexId;
const isValidHexId = ids.isValidHexId;
const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;

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
const STATUS_UNSET: StatusCode = 0;

/** The members of a Span, read as named properties. */
interface SpanJson {
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  traceState?: unknown;
  flags?: unknown;
  name?: unknown;
  kind?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  droppedAttributesCount?: unknown;
  events?: unknown;
  droppedEventsCount?: unknown;
  links?: unknown;
  droppedLinksCount?: unknown;
  status?: unknown;
}

/** One decode of one parsed `ExportTraceServiceRequest`. */
class JsonTraceDecoder extends OtlpJsonReader {
  /** Links seen whose ids are not hex; a span with one is rejected. */
  private linksWithBadIds = 0;
  rejectedSpans = 0;
  /**
   * The last trace id and parent id read, as sent and as checked: the spans of a trace share their trace id, and
   * siblings their parent id, so most spans skip lowercasing and testing them again.
   */
  private traceIdText = '';
  /** Undefined when the trace id is not a valid one. */
  private traceId: string | undefined = undefined;
  private parentIdText = '';
  /** Undefined for no parent (empty or all-zero) and for an invalid parent id. */
  private parentSpanId: string | undefined = undefined;
  /** Whether the parent id is empty or a span id's length of hex. */
  private parentIdValid = true;

  request(root: unknown): TraceRequest {
    return {
      resourceSpans: this.list(this.root(root, 'resourceSpans'), 'resourceSpans', (item) => this.resourceSpans(item)),
    };
  }

  private resourceSpans(item: JsonObject): ResourceSpans {
    const resource = this.resource(item);
    return {
      resource,
      schemaUrl: this.stringOf(item.schemaUrl, 'schemaUrl'),
      scopeSpans: this.list(item, 'scopeSpans', (scopeItem) => this.scopeSpans(scopeItem, resource)),
    };
  }

  private scopeSpans(item: JsonObject, resource: Resource): ScopeSpans {
    const scope = this.scope(item);
    const schemaUrl = this.stringOf(item.schemaUrl, 'schemaUrl');
    const spans: Span[] = [];
    const items = this.arrayOf(item.spans, 'spans');
    if (items !== undefined) {
      const path = this.path;
      path.push('spans');
      for (let index = 0; index < items.length; index++) {
        path.push(index);
        const span = this.span(this.listItem(items[index]), resource, scope);
        if (span !== undefined) spans.push(span);
        // The parsed request is ours alone: dropping each span's JSON once read leaves the collections during the
        // rest of the decode less to trace (JSON.parse puts a large body's objects straight in the old generation,
        // so that this collection is a marking one) or to copy (a small body's); the decoded spans keep its strings.
        items[index] = undefined;
        path.pop();
      }
      path.pop();
    }
    return { scope, schemaUrl, spans };
  }

  /** Undefined when the span's ids are invalid: it is counted in `rejectedSpans` instead. */
  private span(item: SpanJson, resource: Resource, scope: InstrumentationScope): Span | undefined {
    const traceId = this.validTraceId(this.stringOf(item.traceId, 'traceId'));
    const spanId = normalizeHexId(this.stringOf(item.spanId, 'spanId'));
    this.readParentId(this.stringOf(item.parentSpanId, 'parentSpanId'));
    const parentValid = this.parentIdValid;
    const linksWithBadIds = this.linksWithBadIds;
    const span: Span = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      parentSpanId: this.parentSpanId,
      traceState: this.stringOf(item.traceState, 'traceState'),
      flags: this.uint32Of(item.flags, 'flags'),
      name: this.stringOf(item.name, 'name'),
      kind: this.enumOf(item.kind, 'kind', SPAN_KIND_NAMES) as SpanKind,
      startTimeUnixNano: this.timeOf(item.startTimeUnixNano, 'startTimeUnixNano'),
      endTimeUnixNano: this.timeOf(item.endTimeUnixNano, 'endTimeUnixNano'),
      attributes: this.attributesOf(item.attributes, 'attributes', 0),
      droppedAttributesCount: this.uint32Of(item.droppedAttributesCount, 'droppedAttributesCount'),
      events: this.events(item.events),
      droppedEventsCount: this.uint32Of(item.droppedEventsCount, 'droppedEventsCount'),
      links: this.links(item.links),
      droppedLinksCount: this.uint32Of(item.droppedLinksCount, 'droppedLinksCount'),
      status: this.status(item.status),
      resource,
      scope,
    };
    const valid =
      traceId !== undefined &&
      spanId !== undefined &&
      isValidHexId(spanId, SPAN_ID_BYTES) &&
      parentValid &&
      this.linksWithBadIds === linksWithBadIds;
    if (valid) return span;
    this.rejectedSpans++;
    return undefined;
  }

  /** The lowercase trace id, or undefined when it is not valid hex of 16 bytes, not all zeros. */
  private validTraceId(text: string): string | undefined {
    if (text !== this.traceIdText) {
      const traceId = normalizeHexId(text);
      this.traceIdText = text;
      this.traceId = traceId !== undefined && isValidHexId(traceId, TRACE_ID_BYTES) ? traceId : undefined;
    }
    return this.traceId;
  }

  /** Sets `parentSpanId` and `parentIdValid` from the parent id's text. */
  private readParentId(text: string): void {
    if (text === this.parentIdText) return;
    const parentId = normalizeHexId(text);
    this.parentIdText = text;
    // An empty or all-zero parent id both mean "no parent": the zero id is W3C's "invalid id".
    this.parentSpanId = parentId !== undefined && isValidHexId(parentId, SPAN_ID_BYTES) ? parentId : undefined;
    this.parentIdValid = parentId === '' || (parentId !== undefined && parentId.length === SPAN_ID_BYTES * 2);
  }

  private status(json: unknown): SpanStatus {
    const status = this.objectOf(json, 'status');
    if (status === undefined) return { code: STATUS_UNSET, message: '' };
    this.path.push('status');
    const code = this.enumOf(status.code, 'code', STATUS_CODE_NAMES) as StatusCode;
    const message = this.stringOf(status.message, 'message');
    this.path.pop();
    return { code, message };
  }

  private events(json: unknown): SpanEvent[] {
    const events: SpanEvent[] = [];
    const items = this.arrayOf(json, 'events');
    if (items === undefined) return events;
    const path = this.path;
    path.push('events');
    for (let index = 0; index < items.length; index++) {
      path.push(index);
      const item = this.listItem(items[index]);
      events.push({
        timeUnixNano: this.timeOf(item.timeUnixNano, 'timeUnixNano'),
        name: this.stringOf(item.name, 'name'),
        attributes: this.attributesOf(item.attributes, 'attributes', 0),
        droppedAttributesCount: this.uint32Of(item.droppedAttributesCount, 'droppedAttributesCount'),
      });
      path.pop();
    }
    path.pop();
    return events;
  }

  private links(json: unknown): SpanLink[] {
    const links: SpanLink[] = [];
    const items = this.arrayOf(json, 'links');
    if (items === undefined) return links;
    const path = this.path;
    path.push('links');
    for (let index = 0; index < items.length; index++) {
      path.push(index);
      links.push(this.link(this.listItem(items[index])));
      path.pop();
    }
    path.pop();
    return links;
  }

  /** A link whose ids are not hex rejects its span: protobuf cannot even express such an id. */
  private link(item: JsonObject): SpanLink {
    const traceId = normalizeHexId(this.stringOf(item.traceId, 'traceId'));
    const spanId = normalizeHexId(this.stringOf(item.spanId, 'spanId'));
    const link: SpanLink = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      traceState: this.stringOf(item.traceState, 'traceState'),
      attributes: this.attributesOf(item.attributes, 'attributes', 0),
      droppedAttributesCount: this.uint32Of(item.droppedAttributesCount, 'droppedAttributesCount'),
      flags: this.uint32Of(item.flags, 'flags'),
    };
    if (traceId === undefined || spanId === undefined) this.linksWithBadIds++;
    return link;
  }
}

keepShapeAlive(new JsonTraceDecoder(false));

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws `OtlpDecodeError` for a body that is not one. */
export function decodeTraceRequestJson(text: string): TraceDecodeResult {
  return decodeJsonText(text, (root, exactIntegers) => {
    const decoder = new JsonTraceDecoder(exactIntegers);
    const request = decoder.request(root);
    return { request, rejectedSpans: decoder.rejectedSpans, rejectionMessage: rejectionMessage(decoder.rejectedSpans) };
  });
}

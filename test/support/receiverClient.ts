/**
 * Raw HTTP against the receiver, and small OTLP requests built by hand: JSON objects, and protobuf encoded by an
 * independent implementation (protobufjs) rather than by the decoders under test.
 */
import * as http from 'node:http';
import root from 'otlp-transformer-protobufjs/build/src/generated/root';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Uint8Array | string;
  agent?: http.Agent;
}

/** One request to 127.0.0.1:port (POST /v1/traces by default); resolves with the whole response. */
export function send(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.method ?? 'POST',
        path: request.path ?? '/v1/traces',
        headers: request.headers,
        agent: request.agent,
      },
      (response) => {
        readResponse(response).then(resolve, reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

export function readResponse(response: http.IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () =>
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
    );
  });
}

interface MessageType {
  fromObject(object: object): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options?: object): Record<string, unknown>;
}

// The generated code's typings only say `Root`; these are the two messages the tests use.
const traceService = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: Record<'ExportTraceServiceRequest' | 'ExportTraceServiceResponse', MessageType> } };
      };
    };
  }
).opentelemetry.proto.collector.trace.v1;

/** Encodes a protobufjs-shaped ExportTraceServiceRequest object (ids as Uint8Array, times as decimal strings). */
function encodeRequestProto(request: object): Uint8Array {
  const type = traceService.ExportTraceServiceRequest;
  return type.encode(type.fromObject(request)).finish();
}

export function decodeResponseProto(bytes: Uint8Array): Record<string, unknown> {
  const type = traceService.ExportTraceServiceResponse;
  return type.toObject(type.decode(bytes), { longs: String });
}

/** google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3 } read field by field. */
export function decodeStatusProto(bytes: Uint8Array): { code: number; message: string } {
  const status = { code: 0, message: '' };
  let offset = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) {
      const value = varint();
      if (field === 1) status.code = value;
    } else if (wireType === 2) {
      const length = varint();
      const content = bytes.subarray(offset, offset + length);
      offset += length;
      if (field === 2) status.message = Buffer.from(content).toString('utf8');
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return status;
}

export interface TestSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP JSON attributes, e.g. `[{ key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } }]`. */
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

/** An OTLP JSON ExportTraceServiceRequest object; span N starts N ns after the first, all end one second later. */
export function jsonRequest(spans: TestSpan[], service = 'receiver-test') {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'receiver-test' },
            spans: spans.map((span, index) => ({
              ...span,
              kind: 3,
              startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(index)),
              endTimeUnixNano: String(1_700_000_001_000_000_000n),
            })),
          },
        ],
      },
    ],
  };
}

/** The same request as `jsonRequest`, protobuf-encoded by protobufjs. */
export function protobufRequest(spans: TestSpan[], service?: string): Uint8Array {
  const request = jsonRequest(spans, service);
  for (const span of request.resourceSpans[0]!.scopeSpans[0]!.spans as Record<string, unknown>[]) {
    for (const key of ['traceId', 'spanId', 'parentSpanId']) {
      if (typeof span[key] === 'string') span[key] = Buffer.from(span[key], 'hex');
    }
  }
  return encodeRequestProto(request);
}

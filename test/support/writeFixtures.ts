/**
 * Regenerates the protobuf twins of the OTLP/JSON fixtures with protobufjs, independently of our decoders:
 *   node --import tsx test/support/writeFixtures.ts
 * OTLP/JSON differs from protobufjs's JSON mapping only in its hex ids, so those are turned into bytes first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportTraceServiceRequest } from './protobufjsOracle';

const FIXTURES = join(__dirname, '..', 'fixtures');
const PROTOBUF_TWINS = ['genai-agent', 'openinference-llm', 'vercel-ai'];

interface JsonSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  links?: { traceId?: string; spanId?: string }[];
}

interface JsonRequest {
  resourceSpans?: { scopeSpans?: { spans?: JsonSpan[] }[] }[];
}

function idBytes(hex: string | undefined): Uint8Array | undefined {
  return hex === undefined ? undefined : Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Replaces the hex id strings by bytes, in place. */
function withIdBytes(request: JsonRequest): object {
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const ids = span as Record<string, unknown>;
        for (const key of ['traceId', 'spanId', 'parentSpanId'] as const) ids[key] = idBytes(span[key]);
        for (const link of span.links ?? []) {
          const linkIds = link as Record<string, unknown>;
          linkIds.traceId = idBytes(link.traceId);
          linkIds.spanId = idBytes(link.spanId);
        }
      }
    }
  }
  return request;
}

export function protobufTwinOf(jsonText: string): Uint8Array {
  const request = withIdBytes(JSON.parse(jsonText) as JsonRequest);
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}

if (require.main === module) {
  for (const name of PROTOBUF_TWINS) {
    const bytes = protobufTwinOf(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
    writeFileSync(join(FIXTURES, `${name}.pb`), bytes);
    console.log(`wrote test/fixtures/${name}.pb (${bytes.length} bytes)`);
  }
}

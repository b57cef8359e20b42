/**
 * What a TraceQL field reads from a span: Tempo's intrinsics, span/resource/instrumentation attributes, and our own
 * AI scope.
 *
 * The AI scope: what AI Trace Lens understood of a span (its AiSpanInfo), whatever convention produced it, so one
 * query finds every LLM call whether it came from OpenTelemetry GenAI, OpenInference, OpenLLMetry or the Vercel AI SDK.
 * Grafana's grammar has no scope named `ai`, so these fields are spelled as unscoped attributes whose name starts with
 * `ai.`: `{ .ai.kind = "llm" && .ai.ttft > 300ms }`. AI kinds are strings (the grammar takes bare words only for
 * its own keywords). A span's raw attribute of the same name stays reachable as `span.ai.…` (the Vercel AI SDK writes
 * `ai.model.id` and the like). A field the span does not carry is nil: `{ .ai.model != nil }`.
 */
import { AI_KINDS } from '../../shared/aiKinds';
import { spanCostUsd } from '../cost/spanCost';
import { durationNanos, type AttributeValue } from '../model';
import type { AiSpanInfo } from '../semantics/types';
import type { SpanNode, TraceRecord } from '../store/types';
import type { AttributeScope } from './syntax';

/** The types a value can have; `attribute` values are typed by what the span holds. Durations are nanoseconds. */
export type ValueType = 'string' | 'number' | 'duration' | 'bool' | 'status' | 'kind' | 'attribute';

/** Trace-level figures, worked out once per trace. */
export interface TraceContext {
  readonly record: TraceRecord;
  /** The trace's name and service as the Traces view shows them (the root span's, else the earliest span's). */
  readonly rootName: string | undefined;
  readonly rootService: string | undefined;
  readonly durationNanos: number;
}

export function traceContext(record: TraceRecord): TraceContext {
  const { summary } = record;
  return {
    record,
    rootName: summary.rootName === '' ? undefined : summary.rootName,
    rootService: summary.service,
    durationNanos: Number(summary.endTimeUnixNano - summary.startTimeUnixNano),
  };
}

export interface Field {
  readonly type: ValueType;
  /** Undefined (or null) when the span does not have the field. */
  read(node: SpanNode, trace: TraceContext): unknown;
}

const name: Field = { type: 'string', read: (node) => node.span.name };
const status: Field = { type: 'status', read: (node) => node.span.status.code };
const statusMessage: Field = { type: 'string', read: (node) => node.span.status.message };
const kind: Field = { type: 'kind', read: (node) => node.span.kind };
const duration: Field = { type: 'duration', read: (node) => Number(durationNanos(node.span)) };
const rootName: Field = { type: 'string', read: (_, trace) => trace.rootName };
const rootService: Field = { type: 'string', read: (_, trace) => trace.rootService };
const traceDuration: Field = { type: 'duration', read: (_, trace) => trace.durationNanos };

/** Tempo's intrinsics, unscoped and scoped (`name`, `span:name`), that a stored span can answer. */
const INTRINSICS: ReadonlyMap<string, Field> = new Map([
  ['name', name],
  ['span:name', name],
  ['status', status],
  ['span:status', status],
  ['statusMessage', statusMessage],
  ['span:statusMessage', statusMessage],
  ['kind', kind],
  ['span:kind', kind],
  ['duration', duration],
  ['span:duration', duration],
  ['span:id', { type: 'string', read: (node) => node.span.spanId }],
  ['span:parentID', { type: 'string', read: (node) => node.span.parentSpanId }],
  ['rootName', rootName],
  ['trace:rootName', rootName],
  ['rootServiceName', rootService],
  ['trace:rootService', rootService],
  ['traceDuration', traceDuration],
  ['trace:duration', traceDuration],
  ['trace:id', { type: 'string', read: (node) => node.span.traceId }],
  ['instrumentation:name', { type: 'string', read: (node) => node.span.scope.name }],
  ['instrumentation:version', { type: 'string', read: (node) => node.span.scope.version }],
]);

export function intrinsicField(intrinsic: string): Field | undefined {
  return INTRINSICS.get(intrinsic);
}

export interface AiField {
  /** As written after the dot: `.ai.kind`. */
  readonly name: string;
  readonly type: 'string' | 'number' | 'duration' | 'bool';
  readonly description: string;
  read(ai: AiSpanInfo): string | number | boolean | undefined;
}

// Bound once: read for every span a query tests (an imported binding is a property read under CommonJS).
const costOf = spanCostUsd;

const millisToNanos = (ms: number | undefined) => (ms === undefined ? undefined : ms * 1e6);

/** The AI scope's fields, in the order the documentation lists them. */
export const AI_FIELDS: readonly AiField[] = [
  { name: 'ai.kind', type: 'string', description: `what the span is: ${AI_KINDS.join(', ')}`, read: (ai) => ai.kind },
  {
    name: 'ai.model',
    type: 'string',
    description: 'the model that answered, else the model asked for',
    read: (ai) => ai.responseModel ?? ai.requestModel,
  },
  { name: 'ai.requestModel', type: 'string', description: 'the model asked for', read: (ai) => ai.requestModel },
  { name: 'ai.provider', type: 'string', description: 'openai, anthropic, …', read: (ai) => ai.provider },
  { name: 'ai.ttft', type: 'duration', description: 'time to first token', read: (ai) => millisToNanos(ai.ttftMs) },
  { name: 'ai.tpot', type: 'duration', description: 'time per output token', read: (ai) => millisToNanos(ai.tpotMs) },
  { name: 'ai.tokens.input', type: 'number', description: 'input tokens', read: (ai) => ai.inputTokens },
  { name: 'ai.tokens.output', type: 'number', description: 'output tokens', read: (ai) => ai.outputTokens },
  { name: 'ai.tokens.cached', type: 'number', description: 'cached input tokens', read: (ai) => ai.cachedTokens },
  { name: 'ai.tokens.reasoning', type: 'number', description: 'reasoning tokens', read: (ai) => ai.reasoningTokens },
  {
    name: 'ai.cost',
    type: 'number',
    description: "the call's cost in USD from the price table; nil when unpriced or without token counts",
    read: (ai) => costOf(ai),
  },
  { name: 'ai.tool', type: 'string', description: 'the tool called', read: (ai) => ai.toolName },
  { name: 'ai.agent', type: 'string', description: 'the agent', read: (ai) => ai.agentName },
  { name: 'ai.streaming', type: 'bool', description: 'whether the answer was streamed', read: (ai) => ai.streaming },
];

const AI_FIELDS_BY_NAME = new Map(AI_FIELDS.map((field) => [field.name, field]));

export const AI_PREFIX = 'ai.';

/** The AI field of an unscoped `.ai.…` name, undefined when there is none of that name. */
export function aiField(attribute: string): Field | undefined {
  const field = AI_FIELDS_BY_NAME.get(attribute);
  if (field === undefined) return undefined;
  return { type: field.type, read: (node) => field.read(node.ai) };
}

/** A span, resource or instrumentation scope attribute; unscoped reads the span's, then the resource's. */
export function attributeField(scope: AttributeScope, key: string): Field {
  const read = (node: SpanNode): AttributeValue | undefined => {
    switch (scope) {
      case 'span':
        return node.span.attributes.get(key);
      case 'resource':
        return node.span.resource.attributes.get(key);
      case 'instrumentation':
        return node.span.scope.attributes.get(key);
      case 'unscoped':
        return node.span.attributes.get(key) ?? node.span.resource.attributes.get(key);
    }
  };
  return { type: 'attribute', read };
}

/** Spans for the TraceStore tests, described by their tree fields, and the trees they make as text. */
import { StatusCode, type AttributeValue, type Span } from '../../src/core/model';
import type { SpanNode, TraceRecord } from '../../src/core/store/types';
import { makeSpan } from '../support/spanBuilder';

export const MS = 1_000_000n;

/** Tree-shaped fields in the terms these tests think in; everything else is the shared builder's default. */
export interface SpanFields {
  trace?: string;
  id: string;
  parent?: string;
  name?: string;
  /** Milliseconds from an arbitrary epoch. */
  start: number;
  end?: number;
  error?: boolean;
  service?: string;
  attributes?: Record<string, AttributeValue>;
}

export function makeTestSpan(fields: SpanFields): Span {
  return makeSpan({
    traceId: fields.trace ?? 't1',
    spanId: fields.id,
    parentSpanId: fields.parent,
    name: fields.name ?? fields.id,
    startMs: fields.start,
    durationMs: (fields.end ?? fields.start + 1) - fields.start,
    status: { code: fields.error ? StatusCode.Error : StatusCode.Unset },
    serviceName: fields.service,
    attributes: fields.attributes,
  });
}

/** OTel GenAI model call attributes, which the classifier recognises as an `llm` (or `embedding`) span. */
export function chatAttributes(model: string, input: number, output: number): Record<string, AttributeValue> {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
  };
}

/** One line per span, indented by depth, in pre-order: compares whole trees in one assertion. */
export function dumpTree(record: TraceRecord): string {
  const lines: string[] = [];
  const visit = (node: SpanNode, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${node.span.name}${node.orphan ? ' (orphan)' : ''}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  for (const root of record.roots) visit(root, 0);
  return lines.join('\n');
}

/** A small agent trace: invoke_agent → (chat, tool → chat), plus a sibling with the same start as the first chat
 * that ends first but sorts after it by span id. */
export function agentTrace(trace = 't1'): Span[] {
  return [
    makeTestSpan({ trace, id: 'root', name: 'invoke_agent planner', start: 0, end: 100, service: 'agent-svc' }),
    makeTestSpan({ trace, id: 'chat1', parent: 'root', start: 10, end: 40 }),
    makeTestSpan({ trace, id: 'usage', parent: 'root', start: 10, end: 12 }),
    makeTestSpan({ trace, id: 'tool', parent: 'root', start: 50, end: 90 }),
    makeTestSpan({ trace, id: 'chat2', parent: 'tool', start: 60, end: 80 }),
    makeTestSpan({ trace, id: 'retry', parent: 'tool', start: 55, end: 58 }),
  ];
}

export const AGENT_TREE = ['invoke_agent planner', '  usage', '  chat1', '  tool', '    retry', '    chat2'].join('\n');

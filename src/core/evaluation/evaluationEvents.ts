/**
 * Reading `gen_ai.evaluation.result` events back, whoever sent them: our `eval` command and apps that run their own
 * evaluators. The conventions make them events parented to the evaluated span, which arrive as log records with the
 * span's ids (OTLP logs, `event_name`); some SDKs add them as span events instead. Both are read through
 * core/transcript.ts's `contentEventsOf`, so both forms show the same way. An event with the trace's id but no span
 * id goes to the LLM call whose `gen_ai.response.id` it names, else to the trace's root span.
 */
import type { SpanEvaluation } from '../../shared/evaluations';
import type { AttributeValue, Span } from '../model';
import { eventNameOf, type LogRecord } from '../otlp/logModel';
import { readString } from '../semantics/attributes';
import { rootSpanOf } from '../store/rootSpan';
import type { TraceRecord } from '../store/types';
import { contentEventsOf, type ContentEvent } from '../transcript';

export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

export const EVALUATION_ATTRIBUTES = {
  name: 'gen_ai.evaluation.name',
  score: 'gen_ai.evaluation.score.value',
  label: 'gen_ai.evaluation.score.label',
  explanation: 'gen_ai.evaluation.explanation',
  responseId: 'gen_ai.response.id',
} as const;

/** The evaluations of one span: its span events and its log records (`logs`, correlated by id) of the event. */
export function evaluationsOfSpan(span: Span, logs: readonly LogRecord[]): SpanEvaluation[] {
  return contentEventsOf(span, logs).flatMap((event) => {
    const evaluation = evaluationOf(event, span.spanId);
    return evaluation === undefined ? [] : [evaluation];
  });
}

/** Every evaluation of a trace, by the span it is shown on; `logs` are all the trace's log records. */
export function evaluationsOfTrace(trace: TraceRecord, logs: readonly LogRecord[]): Map<string, SpanEvaluation[]> {
  const bySpan = new Map<string, SpanEvaluation[]>();
  const add = (evaluation: SpanEvaluation) => {
    const list = bySpan.get(evaluation.spanId);
    if (list === undefined) bySpan.set(evaluation.spanId, [evaluation]);
    else list.push(evaluation);
  };
  const records = logs.filter((record) => eventNameOf(record) === EVALUATION_EVENT);
  const recordsBySpan = new Map<string, LogRecord[]>();
  for (const record of records) {
    const list = recordsBySpan.get(record.spanId);
    if (list === undefined) recordsBySpan.set(record.spanId, [record]);
    else list.push(record);
  }
  let responses: Map<string, string> | undefined;
  for (const node of trace.spans()) {
    if (node.span.events.length === 0 && !recordsBySpan.has(node.span.spanId)) continue;
    for (const evaluation of evaluationsOfSpan(node.span, recordsBySpan.get(node.span.spanId) ?? [])) add(evaluation);
  }
  // Records naming only the trace, and those of spans not (yet) received, go by response id or to the root.
  const rootId = (rootSpanOf(trace) ?? trace.roots[0])?.span.spanId;
  for (const [spanId, list] of recordsBySpan) {
    if (spanId !== '' && trace.getSpan(spanId) !== undefined) continue;
    for (const record of list) {
      responses ??= responseIdsOf(trace);
      const responseId = readString(record.attributes, EVALUATION_ATTRIBUTES.responseId);
      const target = (responseId === undefined ? undefined : responses.get(responseId)) ?? rootId;
      if (target === undefined) continue;
      const evaluation = evaluationOf(
        { name: EVALUATION_EVENT, timeUnixNano: 0n, attributes: record.attributes, body: record.body },
        target,
      );
      if (evaluation !== undefined) add(evaluation);
    }
  }
  return bySpan;
}

function responseIdsOf(trace: TraceRecord): Map<string, string> {
  const ids = new Map<string, string>();
  for (const { span } of trace.spans()) {
    const id = readString(span.attributes, EVALUATION_ATTRIBUTES.responseId);
    if (id !== undefined) ids.set(id, span.spanId);
  }
  return ids;
}

/** The event as an evaluation, or undefined when it is another event or names no evaluation. */
function evaluationOf(event: ContentEvent, spanId: string): SpanEvaluation | undefined {
  if (event.name !== EVALUATION_EVENT) return undefined;
  // The conventions put the fields in attributes; a producer that put them in a map body is read too.
  const fields = event.body instanceof Map ? new Map([...event.body, ...event.attributes]) : event.attributes;
  const name = readString(fields, EVALUATION_ATTRIBUTES.name);
  if (name === undefined) return undefined;
  return {
    spanId,
    name,
    score: scoreOf(fields.get(EVALUATION_ATTRIBUTES.score)),
    label: readString(fields, EVALUATION_ATTRIBUTES.label) ?? '',
    explanation: readString(fields, EVALUATION_ATTRIBUTES.explanation) ?? '',
  };
}

function scoreOf(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  // Some SDKs stringify every attribute.
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

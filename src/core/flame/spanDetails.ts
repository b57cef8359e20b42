/** What the flame graph page shows of a selected span beyond its snapshot: attributes, events, conversation and logs. */
import type { SpanCost } from '../../shared/cost';
import type { SpanDetails } from '../../shared/protocol';
import { nanosToMillis } from '../model';
import { eventNameOf, recordTimeOf, severityLabelOf, type LogRecord } from '../otlp/logModel';
import { attributeValueText, displayAttributes } from '../spanDetailsText';
import type { SpanNode } from '../store/types';
import { extractTranscript } from '../transcript';

/**
 * The span's details as display text: attribute values (bigint, bytes and maps do not survive a message), events by
 * time, the conversation of an LLM span, the span's log records (`logs`, by time) and its `cost` when it has one.
 */
export function spanDetailsOf(node: SpanNode, logs: readonly LogRecord[] = [], cost?: SpanCost): SpanDetails {
  const { span } = node;
  const transcript = extractTranscript(span, logs);
  return {
    spanId: span.spanId,
    attributes: displayAttributes(span.attributes),
    resource: displayAttributes(span.resource.attributes),
    events: [...span.events]
      .sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0))
      .map((event) => ({
        name: event.name,
        offsetMs: nanosToMillis(event.timeUnixNano - span.startTimeUnixNano),
        attributes: displayAttributes(event.attributes),
      })),
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(logs.length > 0
      ? {
          logs: logs.map((record) => ({
            offsetMs: nanosToMillis(recordTimeOf(record) - span.startTimeUnixNano),
            severity: severityLabelOf(record),
            event: eventNameOf(record),
            body: record.body === null ? '' : attributeValueText(record.body),
            attributes: displayAttributes(record.attributes),
          })),
        }
      : {}),
    ...(cost !== undefined ? { cost } : {}),
  };
}

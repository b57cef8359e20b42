/**
 * Builds `LogRecord`s for tests from plain objects, like spanBuilder does spans:
 * `makeLogRecord({ traceId, spanId, eventName: 'gen_ai.user.message', body: { content: 'Hi' } })`.
 */
import type { LogRecord } from '../../src/core/otlp/logModel';
import {
  DEFAULT_START_MS,
  makeResource,
  makeScope,
  msToNanos,
  toAttributeMap,
  type PlainAttributes,
  type PlainValue,
} from './spanBuilder';

export interface LogInit {
  traceId?: string;
  spanId?: string;
  /** Milliseconds since the epoch (default DEFAULT_START_MS). */
  timeMs?: number;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  /** Plain objects become kvlist Maps. */
  body?: PlainValue;
  attributes?: PlainAttributes;
}

export function makeLogRecord(init: LogInit = {}): LogRecord {
  const time = msToNanos(init.timeMs ?? DEFAULT_START_MS);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: init.severityNumber ?? 9,
    severityText: init.severityText ?? '',
    body: init.body === undefined ? null : toAttributeMap({ body: init.body }).get('body')!,
    attributes: toAttributeMap(init.attributes),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: init.traceId ?? '',
    spanId: init.spanId ?? '',
    eventName: init.eventName ?? '',
    resource: makeResource(),
    scope: makeScope('test-logger'),
  };
}

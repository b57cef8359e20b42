import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { spanDetailsOf } from '../../src/core/flame/spanDetails';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { SpanNode } from '../../src/core/store/types';
import { makeLogRecord } from '../support/logBuilder';
import { DEFAULT_START_MS, makeSpan } from '../support/spanBuilder';

function node(span = makeSpan()): SpanNode {
  return { span, ai: analyzeSpan(span), parent: undefined, children: [], orphan: false };
}

describe('spanDetailsOf', () => {
  test('attributes and resource as sorted display text, events by time with their offsets', () => {
    const span = makeSpan({
      attributes: { 'gen_ai.request.model': 'gpt-4o', 'app.retries': 2, 'app.tags': ['a', 'b'] },
      events: [
        { name: 'second', offsetMs: 250, attributes: { n: 2 } },
        { name: 'first', offsetMs: 10.5 },
      ],
      serviceName: 'travel-planner',
    });
    const details = spanDetailsOf(node(span));
    assert.equal(details.spanId, span.spanId);
    assert.deepEqual(details.attributes, [
      ['app.retries', '2'],
      ['app.tags', '["a", "b"]'],
      ['gen_ai.request.model', 'gpt-4o'],
    ]);
    assert.deepEqual(details.resource, [['service.name', 'travel-planner']]);
    assert.deepEqual(details.events, [
      { name: 'first', offsetMs: 10.5, attributes: [] },
      { name: 'second', offsetMs: 250, attributes: [['n', '2']] },
    ]);
    assert.equal(details.transcript, undefined);
    assert.equal(details.logs, undefined);
  });

  test("an LLM call's conversation, from its span or from its log records, and the logs themselves", () => {
    const span = makeSpan({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } });
    const logs = [
      makeLogRecord({
        traceId: span.traceId,
        spanId: span.spanId,
        timeMs: DEFAULT_START_MS + 3,
        severityText: 'INFO',
        eventName: 'gen_ai.user.message',
        body: { content: 'Weather in Lisbon?' },
        attributes: { 'gen_ai.system': 'openai' },
      }),
    ];
    const details = spanDetailsOf(node(span), logs);
    assert.deepEqual(details.transcript, [{ role: 'user', text: 'Weather in Lisbon?' }]);
    assert.deepEqual(details.logs, [
      {
        offsetMs: 3,
        severity: 'INFO',
        event: 'gen_ai.user.message',
        body: 'content: "Weather in Lisbon?"',
        attributes: [['gen_ai.system', 'openai']],
      },
    ]);
  });
});

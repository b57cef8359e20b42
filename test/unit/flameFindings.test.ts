/** The flame graph's finding marks and lists (src/shared/findings.ts): the most severe finding marks each span. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  findingsOfSpan,
  findingsSummary,
  SEVERITY_MARK,
  severityMarks,
  type FindingSeverity,
  type SpanFinding,
} from '../../src/shared/findings';

const SPANS = ['a000000000000001', 'a000000000000002', 'a000000000000003'];
const indexOf = (spanId: string) => SPANS.indexOf(spanId);

function finding(spanId: string, severity: FindingSeverity, rule = 'tool-loop'): SpanFinding {
  return { spanId, rule, severity, message: `${rule} on ${spanId}`, hint: 'a hint' };
}

describe('flame graph finding marks', () => {
  test('each span is marked with its most severe finding, whatever the order they come in', () => {
    const findings = [
      finding(SPANS[1]!, 'information', 'unpriced-model'),
      finding(SPANS[1]!, 'error', 'llm-error'),
      finding(SPANS[1]!, 'warning'),
      finding(SPANS[2]!, 'warning'),
    ];
    for (const order of [findings, [...findings].reverse()]) {
      assert.deepEqual([...severityMarks(order, indexOf, SPANS.length)], [0, 3, 2]);
    }
  });

  test('marks rank error over warning over information, all above no finding', () => {
    assert.ok(SEVERITY_MARK.error > SEVERITY_MARK.warning);
    assert.ok(SEVERITY_MARK.warning > SEVERITY_MARK.information);
    assert.ok(SEVERITY_MARK.information > 0);
  });

  test('a finding on a span the snapshot does not hold yet marks nothing', () => {
    const marks = severityMarks([finding('b000000000000009', 'error')], indexOf, SPANS.length);
    assert.deepEqual([...marks], [0, 0, 0]);
  });

  test('a span lists its own findings, most severe first', () => {
    const findings = [
      finding(SPANS[0]!, 'information', 'unpriced-model'),
      finding(SPANS[1]!, 'error', 'llm-error'),
      finding(SPANS[0]!, 'warning', 'truncated-output'),
    ];
    assert.deepEqual(
      findingsOfSpan(findings, SPANS[0]!).map((found) => found.rule),
      ['truncated-output', 'unpriced-model'],
    );
    assert.deepEqual(findingsOfSpan(findings, SPANS[2]!), []);
  });

  test('the tooltip line counts the findings and names each rule once', () => {
    assert.equal(findingsSummary([finding(SPANS[0]!, 'warning')]), '1 finding: tool-loop');
    const three = [
      finding(SPANS[0]!, 'error', 'llm-error'),
      finding(SPANS[0]!, 'warning'),
      finding(SPANS[0]!, 'warning'),
    ];
    assert.equal(findingsSummary(three), '3 findings: llm-error, tool-loop');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDemoTrace } from '../../src/core/demoTrace';
import { parseOtlpFile } from '../../src/core/inputFiles';
import { spansOf } from '../../src/core/model';
import { decodeTraceRequestJson } from '../../src/core/otlp/traceJson';
import { LogStore } from '../../src/core/store/logStore';
import { MetricStore } from '../../src/core/store/metricStore';
import { TraceStore } from '../../src/core/store/traceStore';
import { loadOtlpFile, traceFileText } from '../../src/core/traceFile';
import { makeLogRecord } from '../support/logBuilder';

function stores() {
  return {
    traces: new TraceStore({ maxSpans: 1000 }),
    logs: new LogStore({ maxRecords: 1000 }),
    metrics: new MetricStore({ maxPoints: 10 }),
  };
}

describe('trace files', () => {
  test('a saved trace and its logs load back as they were, with every resource and scope', () => {
    const demo = buildDemoTrace({ endTimeMs: Date.UTC(2026, 10, 30, 12) });
    const spans = spansOf(decodeTraceRequestJson(demo.body).request);
    const spanId = spans[1]!.spanId;
    const logs = [
      makeLogRecord({ traceId: demo.traceId, spanId, eventName: 'gen_ai.user.message', body: { content: 'Hi' } }),
      makeLogRecord({ traceId: demo.traceId, spanId, severityText: 'WARN', body: 'slow answer' }),
    ];
    const text = traceFileText(spans, logs);
    assert.equal(text.split('\n').length, 3, 'a trace line, a logs line and the final newline');
    // The demo's MCP server span comes from another service: two resources in the file.
    assert.equal(
      (JSON.parse(text.split('\n')[0]!) as { resourceSpans: unknown[] }).resourceSpans.length,
      new Set(spans.map((span) => span.resource)).size,
    );

    const target = stores();
    const loaded = loadOtlpFile(parseOtlpFile(Buffer.from(text), 'run.jsonl'), 'run.jsonl', target);
    assert.deepEqual(loaded, {
      traceIds: [demo.traceId],
      spans: spans.length,
      logRecords: 2,
      metricDataPoints: 0,
      problems: [],
    });
    const byId = (list: readonly { spanId: string }[]) => [...list].sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
    assert.deepEqual(
      byId(
        target.traces
          .getTrace(demo.traceId)!
          .spans()
          .map((node) => node.span),
      ),
      byId(spans),
    );
    assert.deepEqual(target.logs.forSpan(demo.traceId, spanId), logs);
  });

  test('a trace without logs is one line; damaged lines are named and the rest still loads', () => {
    const demo = buildDemoTrace();
    const spans = spansOf(decodeTraceRequestJson(demo.body).request);
    const line = traceFileText(spans, []);
    assert.equal(line.split('\n').length, 2);
    const damaged = `${line}{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}\n{not json\n`;
    const target = stores();
    const loaded = loadOtlpFile(parseOtlpFile(Buffer.from(damaged), 'saved.jsonl'), 'saved.jsonl', target);
    assert.deepEqual(loaded.traceIds, [demo.traceId]);
    assert.equal(loaded.spans, spans.length);
    assert.equal(loaded.problems.length, 2, loaded.problems.join('\n'));
    assert.match(loaded.problems.join('\n'), /saved\.jsonl: 1 span skipped: /);
    assert.match(loaded.problems.join('\n'), /saved\.jsonl line 3: /);
  });
});

/** `ai-trace-lens query` on an OTLP JSON file: matching spans as text and as JSON, and a bad query's usage error. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SpanSummaryJson, SummaryJson } from '../../src/core/summarize';
import { runCli } from './cliFixtures';

const AGENT_TRACE = 'aa'.repeat(16);
const WEB_TRACE = 'bb'.repeat(16);
const START = 1_700_000_000_000_000_000n;

function otlpSpan(
  traceId: string,
  spanId: string,
  parent: string | undefined,
  name: string,
  ms: [number, number],
  attributes: Record<string, string | number>,
) {
  return {
    traceId,
    spanId,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name,
    kind: 1,
    startTimeUnixNano: String(START + BigInt(ms[0]) * 1_000_000n),
    endTimeUnixNano: String(START + BigInt(ms[1]) * 1_000_000n),
    attributes: Object.entries(attributes).map(([key, value]) => ({
      key,
      value: typeof value === 'string' ? { stringValue: value } : { intValue: String(value) },
    })),
    status: {},
  };
}

const REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent-svc' } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            otlpSpan(AGENT_TRACE, '1000000000000001', undefined, 'invoke_agent planner', [0, 900], {
              'gen_ai.operation.name': 'invoke_agent',
            }),
            otlpSpan(AGENT_TRACE, '1000000000000002', '1000000000000001', 'chat gpt-4o', [10, 400], {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o',
              'gen_ai.usage.input_tokens': 1200,
              'gen_ai.usage.output_tokens': 40,
            }),
            otlpSpan(AGENT_TRACE, '1000000000000003', '1000000000000001', 'chat gpt-4o-mini', [450, 800], {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'gpt-4o-mini',
              'gen_ai.usage.input_tokens': 300,
              'gen_ai.usage.output_tokens': 20,
            }),
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'web' } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            otlpSpan(WEB_TRACE, '2000000000000001', undefined, 'GET /health', [5, 6], { 'http.status_code': 200 }),
          ],
        },
      ],
    },
  ],
};

describe('ai-trace-lens query', () => {
  let dir: string;
  let file: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ai-trace-lens-query-'));
    file = join(dir, 'traces.json');
    await writeFile(file, JSON.stringify(REQUEST));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('text: the matching spans under their trace header, and the count line', async () => {
    const result = await runCli(['query', '{ .ai.kind = "llm" }', file]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^invoke_agent planner · service agent-svc · /);
    assert.equal(lines[1], `  trace ${AGENT_TRACE}`);
    assert.match(lines[2]!, /^ {2}llm +chat gpt-4o · gpt-4o · /);
    assert.match(lines[3]!, /^ {2}llm +chat gpt-4o-mini · gpt-4o-mini · /);
    assert.equal(lines.at(-1), '2 spans in 1 of 2 traces');
    assert.equal(lines.length, 6, 'header, trace id, two spans, a blank line, the count: no root span, no web trace');
  });

  test('--json: {"spans":[…]} with each span exactly as summarize --json prints it', async () => {
    const query = '{ .ai.tokens.input > 1000 } || { span.http.status_code = 200 }';
    const [queried, summarized] = await Promise.all([
      runCli(['query', query, file, '--json']),
      runCli(['summarize', file, '--json']),
    ]);
    assert.equal(queried.code, 0, queried.stderr);
    const { spans } = JSON.parse(queried.stdout) as { spans: SpanSummaryJson[] };
    assert.deepEqual(
      spans.map((span) => span.name),
      ['chat gpt-4o', 'GET /health'],
    );
    const all = (JSON.parse(summarized.stdout) as SummaryJson).traces.flatMap((trace) => trace.spans);
    for (const span of spans)
      assert.deepEqual(
        span,
        all.find((other) => other.spanId === span.spanId),
      );
  });

  test('no match: an empty list in JSON, and a zero count in text', async () => {
    const json = await runCli(['query', '{ status = error }', file, '--json']);
    assert.deepEqual(JSON.parse(json.stdout), { spans: [] });
    const text = await runCli(['query', '{ status = error }', file]);
    assert.equal(text.stdout, '0 spans in 0 of 2 traces\n');
  });

  test('--since and --until keep the traces that started in the range; a bad time is a usage error', async () => {
    const between = new Date(Number(START / 1_000_000n) + 3).toISOString();
    const names = async (...range: string[]) => {
      const result = await runCli(['query', '{ }', file, '--json', ...range]);
      assert.equal(result.code, 0, result.stderr);
      return [...new Set((JSON.parse(result.stdout) as { spans: SpanSummaryJson[] }).spans.map((span) => span.name))];
    };
    assert.deepEqual(await names('--since', between), ['GET /health']);
    assert.deepEqual(await names('--until', between), ['invoke_agent planner', 'chat gpt-4o', 'chat gpt-4o-mini']);
    // The fixture's traces started in 2023: none in the last hour.
    assert.deepEqual(await names('--since', '1h'), []);
    const bad = await runCli(['query', '{ }', file, '--since', 'yesterday-ish']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since takes a duration back from now \(30m, 2h, 7d\) or a date and time/);
  });

  test('a query that does not parse is a usage error: exit 2, the message and a caret under the fault', async () => {
    const result = await runCli(['query', '{ .ai.kind = llm }', file]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /TraceQL column 14: unexpected "llm"; expected a value after =/);
    assert.match(result.stderr, /\n {2}\{ \.ai\.kind = llm \}\n {15}\^\^\^\n/);
  });

  test('a refused construct and a missing file argument are usage errors; an unreadable file exits 1', async () => {
    const pipeline = await runCli(['query', '{} | count() > 1', file]);
    assert.equal(pipeline.code, 2);
    assert.match(pipeline.stderr, /pipelines are not supported: "\| count\(\) > 1" is an aggregate filter/);
    const missing = await runCli(['query', '{}']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /query needs a TraceQL query and at least one file/);
    const unreadable = await runCli(['query', '{ span.http.status_code = 200 }', join(dir, 'nope.json'), file]);
    assert.equal(unreadable.code, 1);
    assert.match(unreadable.stderr, /nope\.json/);
    assert.match(unreadable.stdout, /1 span in 1 of 2 traces/);
  });
});

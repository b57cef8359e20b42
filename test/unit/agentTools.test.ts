/**
 * The coding agents' tools (core/agentTools) over the demo trace, an agent run with a tool loop recorded with its code
 * location, and a run too large for one answer: what each tool says, that every answer stays within its budget with
 * ids to pass back, and that bad input gives an error result naming what to fix.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AGENT_TOOLS, RESULT_CHARS, runAgentTool, type AgentToolSources } from '../../src/core/agentTools';
import { agentToolSources } from '../../src/core/agentTools/sources';
import { buildDemoTrace, DEMO_ROOT_SPAN_NAME, DEMO_SERVICE_NAME } from '../../src/core/demoTrace';
import { parseOtlpFile } from '../../src/core/inputFiles';
import type { Span } from '../../src/core/model';
import { loadOtlpFile } from '../../src/core/traceFile';
import { agentSpan, llmSpan, toolSpan } from '../support/findingSpans';

const LOOP_TRACE = 'a1'.repeat(16);
const LARGE_TRACE = 'b2'.repeat(16);
const LOOP_ARGS = '{"path":"src/app.ts"}';

/** An agent that reads the same file three times from agent.py line 42: a tool-loop warning with its code location. */
function loopRun(): { spans: Span[]; third: Span } {
  const agent = agentSpan('coder', { at: 0, traceId: LOOP_TRACE, durationMs: 5000 });
  const code = { 'code.filepath': 'agent.py', 'code.lineno': 42 };
  const reads = [1, 2, 3].map((i) =>
    toolSpan({ parent: agent, at: i * 100, traceId: LOOP_TRACE, tool: 'read_file', args: LOOP_ARGS, attributes: code }),
  );
  const chat = llmSpan({ parent: agent, at: 500, traceId: LOOP_TRACE, model: 'gpt-4o-mini', input: 800, output: 40 });
  return { spans: [agent, ...reads, chat], third: reads[2]! };
}

/** 400 model calls with long prompts, one of them slow and one of them costly, under one agent. */
function largeRun(): { spans: Span[]; slow: Span; costly: Span } {
  const agent = agentSpan('researcher', { at: 0, traceId: LARGE_TRACE, durationMs: 600_000 });
  const calls = Array.from({ length: 400 }, (_, i) =>
    llmSpan({
      parent: agent,
      at: i * 1000,
      traceId: LARGE_TRACE,
      input: 1000,
      output: 100,
      prompt: `Step ${i}: summarise the next chapter of the report in three sentences, keeping every figure.`,
    }),
  );
  const slow = llmSpan({ parent: agent, at: 1000, durationMs: 90_000, traceId: LARGE_TRACE, input: 10, output: 1 });
  const costly = llmSpan({ parent: agent, at: 2000, traceId: LARGE_TRACE, input: 900_000, output: 50_000 });
  return { spans: [agent, ...calls, slow, costly], slow, costly };
}

function fixture() {
  const sources = agentToolSources();
  const demo = buildDemoTrace();
  loadOtlpFile(parseOtlpFile(Buffer.from(demo.body), 'demo.json'), 'demo.json', sources);
  const loop = loopRun();
  const large = largeRun();
  sources.traces.ingest([...loop.spans, ...large.spans]);
  return { sources, demo, loop, large };
}

async function call(sources: AgentToolSources, name: string, input: unknown = {}): Promise<string> {
  const result = await runAgentTool(sources, name, input);
  assert.equal(result.isError, false, result.text);
  assert.ok(result.text.length <= RESULT_CHARS, `${name} answered ${result.text.length} characters`);
  return result.text;
}

async function callError(sources: AgentToolSources, name: string, input: unknown): Promise<string> {
  const result = await runAgentTool(sources, name, input);
  assert.equal(result.isError, true, result.text);
  return result.text;
}

describe('agent tools', () => {
  test('the table names each tool once, with a description and an object schema whose required fields exist', () => {
    assert.deepEqual(
      AGENT_TOOLS.map((tool) => tool.name),
      ['list_traces', 'get_trace', 'get_span', 'list_findings', 'model_stats'],
    );
    for (const tool of AGENT_TOOLS) {
      assert.ok(tool.description.length > 100, tool.name);
      for (const key of tool.inputSchema.required ?? []) assert.ok(key in tool.inputSchema.properties, key);
    }
  });

  test('list_traces lists the newest first with figures and findings, filters by TraceQL and honours limit', async () => {
    const { sources, demo } = fixture();
    const lines = (await call(sources, 'list_traces')).split('\n');
    assert.equal(lines[0], '3 traces, newest first:');
    // The demo run ends now; the other two start in 2025, the loop first (ties by start go by trace id).
    assert.deepEqual(
      lines.slice(1).map((line) => line.split(' ')[0]),
      [demo.traceId, LOOP_TRACE, LARGE_TRACE],
    );
    const demoLine = lines[1]!;
    for (const part of [DEMO_ROOT_SPAN_NAME, DEMO_SERVICE_NAME, '4.86 s', '1 error', '2 LLM calls', '1 finding']) {
      assert.ok(demoLine.includes(part), `${part} in ${demoLine}`);
    }
    assert.match(demoLine, / · \$\d/);
    assert.match(lines[2]!, /invoke_agent coder · .* · 1 finding \(worst: warning\)$/);

    const filtered = await call(sources, 'list_traces', { query: '{ .ai.tool = "read_file" }' });
    assert.deepEqual(filtered.split('\n').slice(1), [lines[2]]);
    const limited = (await call(sources, 'list_traces', { limit: 1 })).split('\n');
    assert.deepEqual(limited, [
      '3 traces, newest first, the 1 newest:',
      demoLine,
      '… and 2 older traces: raise limit or narrow the query to see them.',
    ]);
  });

  test('list_traces answers a bad query or a bad limit with an error result that shows what to fix', async () => {
    const { sources } = fixture();
    const query = await callError(sources, 'list_traces', { query: '{ status = }' });
    assert.match(query, /^The TraceQL query does not parse: /);
    assert.match(query, /\n {2}\{ status = \}\n {2}\s*\^/);
    assert.match(await callError(sources, 'list_traces', { limit: 0 }), /"limit" must be a whole number from 1 to 200/);
    assert.match(await callError(sources, 'list_traces', { limit: '5' }), /"limit" must be a whole number/);
  });

  test('get_trace gives the demo run in full: every span with its id, the conversation, tokens, cost, findings', async () => {
    const { sources, demo } = fixture();
    const text = await call(sources, 'get_trace', { traceId: demo.traceId.slice(0, 8) });
    assert.match(text, new RegExp(`^# ${DEMO_ROOT_SPAN_NAME} · ${DEMO_SERVICE_NAME} · started `));
    assert.ok(text.includes(`# Trace ${demo.traceId}\n`));
    for (const node of sources.traces.getTrace(demo.traceId)!.spans()) {
      assert.ok(text.includes(`${node.span.name} · `) && text.includes(`span ${node.span.spanId}`), node.span.name);
    }
    assert.match(text, /user: I land in Lisbon on Friday with 300 USD/);
    assert.match(text, /assistant calls get_weather\(\{"city":"Lisbon","date":"Friday"\}\)/);
    assert.match(text, /^cost: \$\d/m);
    assert.match(text, /^findings: 1 .*\n {2}error tool-error · span [0-9a-f]{16}: tool get_exchange_rate failed/m);
    assert.doesNotMatch(text, /characters as full text/);
  });

  test('get_trace summarises a run too large for one answer, slowest and costliest first, then reads a span in full', async () => {
    const { sources, large } = fixture();
    const text = await call(sources, 'get_trace', { traceId: LARGE_TRACE });
    assert.match(text, /This is [\d,]+ characters as full text, over the 16,000 of one answer/);
    const section = (title: string) => text.split(`\n\n${title}`)[1]!.split('\n\n')[0]!;
    const slowest = section('slowest path').split('\n');
    assert.equal(slowest.length, 3, 'the header, the agent, its slowest call');
    assert.match(slowest[2]!, new RegExp(`^ {2}chat gpt-4o · LLM call · 1 min 30 s · .*span ${large.slow.spanId}$`));
    const costliest = section('costliest path').split('\n');
    assert.match(costliest[2]!, new RegExp(`span ${large.costly.spanId} · \\$\\d`));
    assert.match(
      text,
      /^outline \(3 levels; "\+N" counts the spans under a span\):\n {2}invoke_agent researcher .* · \+402$/m,
    );
    assert.match(text, /… [\d,]+ more spans not outlined for lack of room\.\n$/);

    const focused = await call(sources, 'get_trace', { traceId: LARGE_TRACE, spanId: large.costly.spanId });
    assert.ok(focused.includes(`# Only span ${large.costly.spanId} (chat gpt-4o) and the spans under it.`));
    assert.match(focused, /tokens: 900,000 in → 50,000 out/);
    assert.doesNotMatch(focused, /characters as full text/);
  });

  test('get_trace and get_span answer unknown or ambiguous ids with an error that says where ids come from', async () => {
    const { sources, demo } = fixture();
    assert.match(
      await callError(sources, 'get_trace', { traceId: 'ffffffffffff' }),
      /^No trace "ffffffffffff" in the store \(it holds 3 traces\)\. Call list_traces/,
    );
    assert.match(await callError(sources, 'get_trace', { traceId: 'a1' }), /^No trace "a1"/, 'a too short prefix');
    sources.traces.ingest([agentSpan('twin', { at: 0, traceId: 'a1a1a1a1' + 'c3'.repeat(12) })]);
    assert.match(await callError(sources, 'get_trace', { traceId: 'a1a1a1a1' }), /starts 2 trace ids/);
    assert.match(
      await callError(sources, 'get_span', { traceId: demo.traceId, spanId: '0123456789abcdef' }),
      /has no span "0123456789abcdef" \(it has 9 spans\)\. Call get_trace for its span ids\./,
    );
    assert.match(await callError(sources, 'get_span', { traceId: demo.traceId }), /^"spanId" is required\.$/);
  });

  test('get_span gives a span in full with its parent, children, cost and findings', async () => {
    const { sources, demo, loop } = fixture();
    const chat = sources.traces
      .getTrace(demo.traceId)!
      .spans()
      .find((node) => node.ai.kind === 'llm')!;
    const text = await call(sources, 'get_span', { traceId: demo.traceId, spanId: chat.span.spanId });
    assert.ok(text.startsWith(`# Span ${chat.span.spanId} of trace ${demo.traceId}\n`));
    assert.ok(text.includes(`# parent: ${DEMO_ROOT_SPAN_NAME} · span ${chat.parent!.span.spanId}\n`));
    assert.match(text, /^# cost: \$\d/m);
    assert.match(text, /^ {2}gen_ai\.input\.messages: {2}# JSON string, shown parsed$/m);
    assert.match(text, /^ {2}ttft: 486 ms$/m);

    const third = await call(sources, 'get_span', { traceId: LOOP_TRACE, spanId: loop.third.spanId });
    assert.match(third, /^# finding: warning tool-loop: read_file called 3 times with identical arguments/m);
    const agent = await call(sources, 'get_span', { traceId: LOOP_TRACE, spanId: loop.spans[0]!.spanId });
    assert.match(agent, /^# parent: none \(a root\)\n# children \(4\):\n# {3}execute_tool read_file · Tool · span /m);
  });

  test('get_span cuts a span whose attributes exceed the budget, saying so', async () => {
    const { sources } = fixture();
    const huge = toolSpan({ at: 0, traceId: 'd4'.repeat(16), tool: 'dump', result: 'x'.repeat(50_000) });
    sources.traces.ingest([huge]);
    const text = await call(sources, 'get_span', { traceId: huge.traceId, spanId: huge.spanId });
    assert.match(text, /\n… cut at 16,000 of [\d,]+ characters\. The rest of this span is too long for one answer\.$/);
  });

  test('list_findings gives each finding with its ids and code location, filtered by trace, severity and rule', async () => {
    const { sources, demo, loop } = fixture();
    const all = (await call(sources, 'list_findings')).split('\n');
    assert.match(all[0]!, /^\d+ findings in 3 traces, most severe first:$/);
    assert.match(all[1]!, new RegExp(`^error tool-error · trace ${demo.traceId} · span [0-9a-f]{16} execute_tool`));
    const loopLine = all.find((line) => line.includes('tool-loop'))!;
    assert.ok(
      loopLine.startsWith(
        `warning tool-loop · trace ${LOOP_TRACE} · span ${loop.third.spanId} execute_tool read_file (agent.py:42): ` +
          `read_file called 3 times with identical arguments`,
      ),
      loopLine,
    );
    const errors = (await call(sources, 'list_findings', { severity: 'error' })).split('\n');
    assert.ok(errors.slice(1).every((line) => line.startsWith('error ')) && errors.length > 1);
    const ofLoop = (await call(sources, 'list_findings', { traceId: LOOP_TRACE })).split('\n');
    assert.deepEqual(ofLoop, ['1 finding in the trace, most severe first:', loopLine]);
    assert.equal(await call(sources, 'list_findings', { rule: 'stall' }), 'No findings of that kind in 3 traces.');
    assert.match(
      await callError(sources, 'list_findings', { severity: 'fatal' }),
      /"severity" must be one of error, warning, information, not "fatal"/,
    );
  });

  test('model_stats gives per model calls, tokens, cost and latency, and per tool, over all traces or one', async () => {
    const { sources, demo, large } = fixture();
    const text = await call(sources, 'model_stats');
    assert.match(text, /^Models over 3 traces, most calls first:\n {2}gpt-4o \(openai\): 402 calls · 0 errors · /);
    assert.match(
      text,
      new RegExp(
        `gpt-4o \\(openai\\): .* · cost \\$[\\d,.]+ · duration p50 1 s, p95 1 s · slowest trace ${LARGE_TRACE} span ${large.slow.spanId}`,
      ),
    );
    assert.match(text, /^ {2}gpt-4o-mini \(openai\): 1 call · 0 errors · tokens 800 in → 40 out · /m);
    assert.match(text, /^ {2}read_file: 3 calls · 0 errors · /m);

    const one = await call(sources, 'model_stats', { traceId: demo.traceId });
    assert.match(
      one,
      new RegExp(
        `^Models over trace ${demo.traceId}, most calls first:\n {2}gpt-4o-2024-08-06 \\(openai\\): 2 calls · `,
      ),
    );
    assert.match(one, /TTFT p50 449 ms, p95 482 ms/);
    assert.match(one, /^ {2}get_exchange_rate: 1 call · 1 error · /m);
    assert.doesNotMatch(one, /read_file/);
  });

  test('runAgentTool refreshes before each call and answers an unknown tool or non-object input with an error', async () => {
    const { sources, demo } = fixture();
    let refreshes = 0;
    const counting = { ...sources, refresh: () => Promise.resolve(void refreshes++) };
    await call(counting, 'list_traces');
    await call(counting, 'get_trace', { traceId: demo.traceId });
    assert.equal(refreshes, 2);
    assert.match(
      await callError(sources, 'delete_traces', {}),
      /^No tool "delete_traces"; the tools are list_traces, /,
    );
    assert.equal(await callError(sources, 'list_traces', [1]), 'The input of list_traces must be a JSON object.');
    const failing = { ...sources, refresh: () => Promise.reject(new Error('disk gone')) };
    assert.equal(await callError(failing, 'list_traces', {}), 'list_traces failed: disk gone');
  });
});

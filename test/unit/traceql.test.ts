/** TraceQL over the fixture store: spanset filters, comparisons, intrinsics, attributes and the AI fields. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AI_FIELDS, parseTraceQL } from '../../src/core/traceql';
import { CLAUDE, DB, EMBED, GET, GPT, ROOT, runMatchCases, TOOL, traceqlStore } from './traceqlStore';

const store = traceqlStore();

const ALL = [ROOT, GPT, TOOL, CLAUDE, GET, DB, EMBED];

describe('TraceQL spanset filters', () => {
  runMatchCases([
    ['{}', ALL],
    ['{ }', ALL],
    ['{ true }', ALL],
    ['{ false }', []],
    ['{ name = "chat claude" && kind = client }', [CLAUDE]],
    ['{ name = "chat claude" || name = "GET /health" }', [CLAUDE, GET]],
    ['{ !(name = "chat claude") && kind = client }', [GPT, DB]],
    ['{ (kind = server || kind = client) && status = ok }', [GET]],
    // Tempo groups && and || left to right at equal precedence: (a || b) && c.
    ['{ name = "GET /health" || name = "SELECT users" && kind = server }', [GET]],
    ['{ kind = server && name = "SELECT users" || name = "SELECT users" }', [DB]],
    ['{ /* block */ name = "chat claude" } // line', [CLAUDE]],
  ]);
});

describe('TraceQL comparisons', () => {
  runMatchCases([
    ['{ span.http.status_code = 200 }', [TOOL]],
    ['{ span.http.status_code != 200 }', [GET]],
    ['{ span.http.status_code >= 500 }', [GET]],
    ['{ span.http.status_code < 500 }', [TOOL]],
    ['{ span.http.status_code > 199 && span.http.status_code <= 200 }', [TOOL]],
    ['{ span.http.status_code = "200" }', []],
    ['{ span.score > 0.5 && span.score < 1 }', [CLAUDE]],
    ['{ span.score = 0.75 }', [CLAUDE]],
    ['{ span.big > 1000000000000000000 }', [CLAUDE]],
    ['{ span.score > -1 }', [CLAUDE]],
    ['{ name > "chat d" && name < "execute_tool z" }', [GPT, TOOL, EMBED]],
    ['{ name =~ "chat" }', []],
    ['{ name =~ "chat.*" }', [GPT, CLAUDE]],
    ['{ name =~ "(?i)CHAT.*" }', [GPT, CLAUDE]],
    ['{ name =~ "chat gpt-4o|GET /health" }', [GPT, GET]],
    ['{ name !~ ".* .*" }', []],
    ['{ name !~ "chat.*" && kind = client }', [DB]],
    ['{ span.db.system =~ "postgresql|mysql" }', [DB]],
    ['{ span.cache.hit = true }', [GET]],
    ['{ span.cache.hit = false }', [DB]],
    ['{ span.cache.hit }', [GET]],
    ['{ span.cache.hit || name = "chat claude" }', [CLAUDE, GET]],
    ['{ span.cache.hit != nil }', [GET, DB]],
    ['{ span.cache.hit = nil && kind = server }', [ROOT]],
    ['{ span.tags = "a" }', [TOOL]],
    ['{ span.tags =~ "b" }', [TOOL]],
    ['{ span.tags != "a" }', []],
    ['{ span.tags != "z" }', [TOOL]],
    ['{ span.tags !~ "[ab]" }', []],
    ['{ span.missing != "x" }', []],
    ['{ span.missing = nil && name = "chat claude" }', [CLAUDE]],
    ['{ "chat claude" = name }', [CLAUDE]],
  ]);
});

describe('TraceQL intrinsics', () => {
  runMatchCases([
    ['{ status = error }', [TOOL]],
    ['{ span:status = ok }', [GET, EMBED]],
    ['{ status = unset && kind = client }', [GPT, CLAUDE, DB]],
    ['{ status != unset }', [TOOL, GET, EMBED]],
    ['{ statusMessage = "timeout" }', [TOOL]],
    ['{ span:statusMessage =~ "time.*" }', [TOOL]],
    ['{ kind = server }', [ROOT, GET]],
    ['{ span:kind = internal }', [TOOL, EMBED]],
    ['{ kind = producer }', []],
    ['{ span:name = "SELECT users" }', [DB]],
    ['{ duration > 1s }', [EMBED]],
    ['{ duration >= 450ms && duration < 1s }', [TOOL]],
    ['{ span:duration < 3000us }', [DB]],
    ['{ duration = 2000000ns }', [DB]],
    ['{ duration > 0.5h }', []],
    ['{ duration < 1m && duration > 999ms }', [ROOT, EMBED]],
    ['{ traceDuration > 1500ms }', [EMBED]],
    ['{ trace:duration < 10ms && kind = client }', [DB]],
    ['{ rootName = "invoke_agent planner" && kind = client }', [GPT, CLAUDE]],
    ['{ trace:rootName =~ "GET.*" }', [GET, DB]],
    ['{ rootServiceName = "web" }', [GET, DB]],
    ['{ trace:rootService = "batch" }', [EMBED]],
    ['{ span:id = "chat2" }', [CLAUDE]],
    ['{ span:parentID = "tool" }', [CLAUDE]],
    ['{ trace:id = "t3" }', [EMBED]],
    ['{ instrumentation:name = "test" && kind = server }', [ROOT, GET]],
  ]);
});

describe('TraceQL attributes', () => {
  runMatchCases([
    ['{ resource.service.name = "agent-svc" && kind = server }', [ROOT]],
    ['{ resource.deployment.environment = "prod" }', [GET, DB]],
    ['{ span.deployment.environment = "prod" }', []],
    ['{ .deployment.environment = "prod" && kind = client }', [DB]],
    // Unscoped reads the span's attribute first, then the resource's.
    ['{ .service.name = "span-level-name" }', [GET]],
    ['{ .service.name = "web" }', [DB]],
    ['{ span.gen_ai.tool.name = "search" }', [TOOL]],
    ['{ .gen_ai.request.model =~ "claude.*" }', [CLAUDE]],
  ]);
});

describe('TraceQL AI scope', () => {
  runMatchCases([
    ['{ .ai.kind = "llm" }', [GPT, CLAUDE]],
    ['{ .ai.kind != "other" }', [ROOT, GPT, TOOL, CLAUDE, EMBED]],
    ['{ .ai.kind =~ "agent|tool" }', [ROOT, TOOL]],
    ['{ .ai.kind = "embedding" }', [EMBED]],
    ['{ .ai.model = "gpt-4o" }', [GPT]],
    ['{ .ai.model =~ "text-embedding.*" }', [EMBED]],
    ['{ .ai.requestModel = "claude-3-5-sonnet" }', [CLAUDE]],
    ['{ .ai.provider = "openai" }', [GPT, CLAUDE]],
    ['{ .ai.ttft > 300ms }', [CLAUDE]],
    ['{ .ai.ttft <= 250ms }', [GPT]],
    ['{ .ai.ttft != nil }', [GPT, CLAUDE]],
    ['{ .ai.tokens.input >= 500 }', [CLAUDE]],
    ['{ .ai.tokens.output < 50 }', [GPT]],
    ['{ .ai.tokens.cached = nil && .ai.kind = "llm" }', [GPT, CLAUDE]],
    // gpt-4o is priced from the table; claude under provider openai is not in the table's OpenAI prices.
    ['{ .ai.cost > 0 && .ai.cost < 0.01 }', [GPT]],
    ['{ .ai.cost = nil && .ai.kind = "llm" }', [CLAUDE]],
    ['{ .ai.cost != nil }', [GPT]],
    ['{ .ai.tool = "search" }', [TOOL]],
    ['{ .ai.agent = "planner" }', [ROOT]],
    ['{ .ai.streaming }', [GPT, CLAUDE]],
    ['{ .ai.streaming = true && .ai.model = "gpt-4o" }', [GPT]],
  ]);

  test('every AI field is documented with a name under ai. and a type', () => {
    assert.ok(AI_FIELDS.length >= 13);
    for (const field of AI_FIELDS) {
      assert.match(field.name, /^ai\.[a-zA-Z.]+$/);
      assert.ok(field.description.length > 0, field.name);
      assert.doesNotThrow(() => parseTraceQL(`{ .${field.name} != nil }`), field.name);
    }
  });
});

describe('TraceQL query object', () => {
  test('keeps its text and returns the matching nodes themselves, in pre-order', () => {
    const query = parseTraceQL('{ kind = client || kind = server }');
    assert.equal(query.text, '{ kind = client || kind = server }');
    const trace = store.getTrace('t1')!;
    const matched = query.matchTrace(trace);
    assert.deepEqual(
      matched.map((node) => node.span.spanId),
      ['root', 'chat1', 'chat2'],
    );
    assert.equal(matched[0], trace.getSpan('root'));
  });

  test('a trace without a matching span gives an empty list', () => {
    assert.deepEqual(parseTraceQL('{ status = error }').matchTrace(store.getTrace('t2')!), []);
  });
});

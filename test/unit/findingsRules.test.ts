/**
 * Each findings rule over traces that trigger it and traces that do not: the spans it flags (none for the latter),
 * with the severity, the figures in the message, and the hint where it depends on the case.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePriceOverrides } from '../../src/core/cost/priceOverrides';
import { evaluateTraces } from '../../src/core/findings/evaluate';
import {
  DEFAULT_FINDINGS_OPTIONS,
  type FindingsOptions,
  type RuleId,
  type Severity,
} from '../../src/core/findings/types';
import { GatewayAttributes } from '../../src/core/gateway/spanAttributes';
import type { Span } from '../../src/core/model';
import { TraceStore } from '../../src/core/store/traceStore';
import { agentSpan, llmCalls, llmSpan, toolSpan } from '../support/findingSpans';
import { SERVER_SATURATED_CASES } from './findingsServerCases';

interface RuleCase {
  name: string;
  /** The trace's spans and those of them the rule must flag, in start order. */
  build: () => { spans: Span[]; flagged: Span[] };
  severity?: Severity;
  message?: RegExp;
  hint?: RegExp;
  options?: Partial<FindingsOptions>;
}

const ARGS = '{"path":"src/app.ts"}';
const LONG_PROMPT = 'You are a careful coding agent. Follow the repository conventions. '.repeat(80);

function agentWith(build: (agent: Span) => Span[]): Span[] {
  const agent = agentSpan('planner', { at: 0 });
  return [agent, ...build(agent)];
}

const CASES: Record<RuleId, RuleCase[]> = {
  'tool-loop': [
    {
      name: 'the same tool three times with identical arguments, flagged at the third call',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = [1, 2, 3].map((i) => toolSpan({ parent: agent, at: i * 100, tool: 'read_file', args: ARGS }));
        return { spans: [agent, ...calls], flagged: [calls[2]!] };
      },
      severity: 'warning',
      message: /^read_file called 3 times with identical arguments \{"path":"src\/app\.ts"\}$/,
    },
    {
      name: 'MCP calls count once, client and server span together',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const spans: Span[] = [agent];
        for (const i of [1, 2, 3, 4]) {
          const client = toolSpan({ parent: agent, at: i * 100, tool: 'search', args: '{"q":"x"}', mcp: 'client' });
          spans.push(client, toolSpan({ parent: client, at: i * 100 + 1, tool: 'search', mcp: 'server' }));
        }
        return { spans, flagged: [spans[5]!] };
      },
      message: /^search called 4 times/,
    },
    {
      name: 'two identical calls are under the threshold',
      build: () => ({
        spans: agentWith((agent) => [1, 2].map((i) => toolSpan({ parent: agent, at: i * 100, tool: 'a', args: ARGS }))),
        flagged: [],
      }),
    },
    {
      name: 'three calls with different arguments',
      build: () => ({
        spans: agentWith((agent) =>
          [1, 2, 3].map((i) => toolSpan({ parent: agent, at: i * 100, tool: 'a', args: `{"n":${i}}` })),
        ),
        flagged: [],
      }),
    },
    {
      name: 'three calls without recorded arguments cannot be told identical',
      build: () => ({
        spans: agentWith((agent) => [1, 2, 3].map((i) => toolSpan({ parent: agent, at: i * 100, tool: 'a' }))),
        flagged: [],
      }),
    },
    {
      name: 'a lower threshold from the options',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = [1, 2].map((i) => toolSpan({ parent: agent, at: i * 100, tool: 'a', args: ARGS }));
        return { spans: [agent, ...calls], flagged: [calls[1]!] };
      },
      options: { toolLoopCalls: 2 },
    },
  ],
  'truncated-output': [
    {
      name: 'finish reason length',
      build: () => {
        const llm = llmSpan({ at: 0, finish: 'length', output: 4096 });
        return { spans: [llm], flagged: [llm] };
      },
      severity: 'warning',
      message: /^gpt-4o stopped at its output limit \(finish reason "length"\) after 4,096 output tokens$/,
    },
    {
      name: "Anthropic's max_tokens",
      build: () => {
        const llm = llmSpan({ at: 0, model: 'claude-sonnet-4', provider: 'anthropic', finish: 'max_tokens' });
        return { spans: [llm], flagged: [llm] };
      },
    },
    {
      name: 'the gateway span of the same call is not flagged again',
      build: () => {
        const app = llmSpan({ at: 0, finish: 'length' });
        const gateway = llmSpan({ parent: app, at: 1, finish: 'length', gateway: true });
        return { spans: [app, gateway], flagged: [app] };
      },
    },
    { name: 'finish reason stop', build: () => ({ spans: [llmSpan({ at: 0, finish: 'stop' })], flagged: [] }) },
  ],
  'llm-error': [
    ...(
      [
        ['a rate limit', '429 Too Many Requests', /^Rate limited/],
        ['a context length error', "This model's maximum context length is 128000 tokens", /context window/],
        ['an authentication error', 'Incorrect API key provided', /^Authentication failed/],
        ['a server error', 'The server is overloaded', /^The provider failed or is overloaded/],
      ] as const
    ).map(([what, error, hint]): RuleCase => ({
      name: `${what}, with its hint`,
      build: () => {
        const llm = llmSpan({ at: 0, error });
        return { spans: [llm], flagged: [llm] };
      },
      severity: 'error',
      message: new RegExp(`^gpt-4o call failed: ${error.slice(0, 20)}`),
      hint,
    })),
    {
      name: 'the HTTP status decides the kind when recorded',
      build: () => {
        const llm = llmSpan({ at: 0, error: 'request failed', attributes: { 'http.response.status_code': 401 } });
        return { spans: [llm], flagged: [llm] };
      },
      message: /\(HTTP 401\)/,
      hint: /^Authentication failed/,
    },
    { name: 'a call that succeeded', build: () => ({ spans: [llmSpan({ at: 0 })], flagged: [] }) },
  ],
  'tool-error': [
    {
      name: 'a failed tool',
      build: () => {
        const tool = toolSpan({ at: 0, tool: 'run_tests', error: 'exit code 1' });
        return { spans: [tool], flagged: [tool] };
      },
      severity: 'error',
      message: /^tool run_tests failed: exit code 1$/,
    },
    {
      name: 'an MCP call failed on both sides is one finding, on the client span',
      build: () => {
        const client = toolSpan({ at: 0, tool: 'query_db', mcp: 'client', error: 'timeout' });
        const server = toolSpan({ parent: client, at: 1, tool: 'query_db', mcp: 'server', error: 'timeout' });
        return { spans: [client, server], flagged: [client] };
      },
      message: /^MCP tool query_db failed/,
    },
    {
      name: 'an MCP call failed on the server side only',
      build: () => {
        const client = toolSpan({ at: 0, tool: 'query_db', mcp: 'client' });
        const server = toolSpan({ parent: client, at: 1, tool: 'query_db', mcp: 'server', error: 'no table' });
        return { spans: [client, server], flagged: [server] };
      },
    },
    { name: 'a tool that succeeded', build: () => ({ spans: [toolSpan({ at: 0, tool: 'a' })], flagged: [] }) },
  ],
  'slow-ttft': [
    {
      name: 'over the absolute threshold',
      build: () => {
        const llm = llmSpan({ at: 0, ttftS: 6.5 });
        return { spans: [llm], flagged: [llm] };
      },
      severity: 'warning',
      message: /^TTFT 6\.5 s for gpt-4o, over the 5 s threshold$/,
    },
    {
      name: "above the p95 of the same model's 25 calls",
      build: () => {
        const calls = Array.from({ length: 24 }, (_, i) => llmSpan({ at: i * 2000, ttftS: 0.5 + i * 0.01 }));
        const slow = llmSpan({ at: 60_000, ttftS: 2 });
        return { spans: [...calls, slow], flagged: [slow] };
      },
      severity: 'information',
      message: /^TTFT 2 s for gpt-4o, above its p95 of 730 ms over 25 calls$/,
    },
    {
      name: 'a p95 needs 20 samples of the model',
      build: () => ({
        spans: [
          ...Array.from({ length: 10 }, (_, i) => llmSpan({ at: i * 2000, ttftS: 0.5 })),
          llmSpan({ at: 30_000, ttftS: 2 }),
        ],
        flagged: [],
      }),
    },
    { name: 'a fast first token', build: () => ({ spans: [llmSpan({ at: 0, ttftS: 0.4 })], flagged: [] }) },
  ],
  stall: [
    {
      name: "a gateway-measured gap, shown on the app's span it measured",
      build: () => {
        const app = llmSpan({ at: 0 });
        const gateway = llmSpan({
          parent: app,
          at: 1,
          gateway: true,
          ttftS: 0.3,
          attributes: { [GatewayAttributes.longestChunkGap]: 3.2, [GatewayAttributes.stalls]: 2 },
        });
        return { spans: [app, gateway], flagged: [app] };
      },
      severity: 'warning',
      message: /^gpt-4o's stream stalled 3\.2 s between chunks \(2 waits over 1 s\)$/,
    },
    {
      name: 'a gap under 2 s',
      build: () => ({
        spans: [llmSpan({ at: 0, gateway: true, attributes: { [GatewayAttributes.longestChunkGap]: 1.5 } })],
        flagged: [],
      }),
    },
  ],
  'agent-steps': [
    {
      name: '26 LLM calls in one agent run',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        return { spans: [agent, ...llmCalls(agent, 26)], flagged: [agent] };
      },
      severity: 'warning',
      message: /^planner made 26 LLM calls in one run, over 25$/,
    },
    {
      name: '25 calls are allowed',
      build: () => ({ spans: agentWith((agent) => llmCalls(agent, 25)), flagged: [] }),
    },
    {
      name: "a sub-agent's calls count in its own run",
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const sub = agentSpan('coder', { parent: agent, at: 50_000 });
        return { spans: [agent, ...llmCalls(agent, 13), sub, ...llmCalls(sub, 13)], flagged: [] };
      },
    },
  ],
  'context-growth': [
    {
      name: 'input growing 3.5x over a run, flagged at the call that passed 3x',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = llmCalls(agent, 4, (i) => [1000, 2000, 3500, 5000][i]!);
        return { spans: [agent, ...calls], flagged: [calls[2]!] };
      },
      severity: 'warning',
      message: /^input grew from 1k to 3.5k tokens \(3\.5x\) by call 3 of planner$/,
    },
    {
      name: 'input past 100k tokens',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = llmCalls(agent, 2, (i) => [60_000, 110_000][i]!);
        return { spans: [agent, ...calls], flagged: [calls[1]!] };
      },
    },
    {
      name: 'growth under 3x',
      build: () => ({ spans: agentWith((agent) => llmCalls(agent, 3, (i) => [1000, 2000, 2900][i]!)), flagged: [] }),
    },
    {
      name: 'a single large call is not growth',
      build: () => ({ spans: agentWith((agent) => llmCalls(agent, 1, () => 200_000)), flagged: [] }),
    },
  ],
  retry: [
    {
      name: 'the same request sent again after a failure',
      build: () => {
        const failed = llmSpan({ at: 0, input: 1200, error: '429 rate limited' });
        const again = llmSpan({ at: 2000, input: 1200 });
        return { spans: [failed, again], flagged: [again] };
      },
      severity: 'information',
      message: /^gpt-4o called again with the same input after a failure \(attempt 2\)$/,
    },
    {
      name: 'a different input is a new request',
      build: () => ({
        spans: [llmSpan({ at: 0, input: 1200, error: 'boom' }), llmSpan({ at: 2000, input: 1500 })],
        flagged: [],
      }),
    },
    {
      name: 'the recorded prompt decides over equal token counts',
      build: () => ({
        spans: [
          llmSpan({ at: 0, input: 1200, prompt: 'first question', error: 'boom' }),
          llmSpan({ at: 2000, input: 1200, prompt: 'second question' }),
        ],
        flagged: [],
      }),
    },
    {
      name: 'no failure before it',
      build: () => ({ spans: [llmSpan({ at: 0, input: 1200 }), llmSpan({ at: 2000, input: 1200 })], flagged: [] }),
    },
  ],
  'large-tool-result': [
    {
      name: 'a 12.5k-token result sent back to the model',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const tool = toolSpan({ parent: agent, at: 100, tool: 'read_file', result: 'x'.repeat(50_000) });
        return { spans: [agent, tool, llmSpan({ parent: agent, at: 500 })], flagged: [tool] };
      },
      severity: 'warning',
      message: /^read_file returned ~13k tokens \(50,000 characters\), sent back to the model$/,
    },
    {
      name: 'no model call after it',
      build: () => ({
        spans: agentWith((agent) => [toolSpan({ parent: agent, at: 100, tool: 'a', result: 'x'.repeat(50_000) })]),
        flagged: [],
      }),
    },
    {
      name: 'a small result',
      build: () => ({
        spans: agentWith((agent) => [
          toolSpan({ parent: agent, at: 100, tool: 'a', result: 'x'.repeat(1000) }),
          llmSpan({ parent: agent, at: 500 }),
        ]),
        flagged: [],
      }),
    },
  ],
  'unpriced-model': [
    {
      name: 'a model the table does not price, once per model at its first call, counting its calls',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = [1, 2].map((i) =>
          llmSpan({ parent: agent, at: i * 1000, model: 'in-house-7b', provider: 'ollama', input: 500, output: 20 }),
        );
        return { spans: [agent, ...calls], flagged: [calls[0]!] };
      },
      severity: 'information',
      message: /^in-house-7b at ollama has no price: 2 calls of it left out of this trace's cost$/,
      hint: /aiTraceLens\.prices/,
    },
    {
      name: 'a priced model',
      build: () => ({
        spans: agentWith((agent) => [llmSpan({ parent: agent, at: 1000, model: 'gpt-4o', input: 500, output: 20 })]),
        flagged: [],
      }),
    },
    {
      name: 'a model the user priced in aiTraceLens.prices',
      build: () => ({
        spans: agentWith((agent) => [
          llmSpan({ parent: agent, at: 1000, model: 'in-house-7b', provider: 'ollama', input: 500, output: 20 }),
        ]),
        flagged: [],
      }),
      options: {
        prices: parsePriceOverrides([{ model: 'in-house-*', provider: 'ollama', input: 0.1, output: 0.2 }]).overrides,
      },
    },
    {
      name: 'a call without token counts, which has no cost to leave out',
      build: () => ({
        spans: agentWith((agent) => [llmSpan({ parent: agent, at: 1000, model: 'in-house-7b', provider: 'ollama' })]),
        flagged: [],
      }),
    },
  ],
  'cache-miss': [
    {
      name: 'zero cache reads on a growing prompt, at OpenAI',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const calls = llmCalls(agent, 2, (i) => [2000, 2600][i]!).map((span) => withCached(span, 0));
        return { spans: [agent, ...calls], flagged: [calls[1]!] };
      },
      severity: 'warning',
      message: /^1 call of gpt-4o in planner re-sent a prompt prefix of up to ~2k tokens without cache reads$/,
      hint: /byte-identical/,
    },
    {
      name: 'an identical recorded system prompt at Anthropic, with its hint',
      build: () => {
        const agent = agentSpan('planner', { at: 0 });
        const [first, second] = [1000, 2000].map((at) =>
          llmSpan({ parent: agent, at, model: 'claude-sonnet-4', provider: 'anthropic', prompt: LONG_PROMPT }),
        );
        return { spans: [agent, first!, second!], flagged: [second!] };
      },
      hint: /cache_control/,
    },
    {
      name: 'cache reads reported',
      build: () => ({
        spans: agentWith((agent) => llmCalls(agent, 2, (i) => [2000, 2600][i]!).map((s, i) => withCached(s, i * 1500))),
        flagged: [],
      }),
    },
    {
      name: 'a prompt under 1,024 tokens',
      build: () => ({
        spans: agentWith((agent) => llmCalls(agent, 2, (i) => [600, 900][i]!).map((span) => withCached(span, 0))),
        flagged: [],
      }),
    },
    {
      name: 'different recorded prompts',
      build: () => ({
        spans: agentWith((agent) => [
          llmSpan({ parent: agent, at: 1000, prompt: `A${LONG_PROMPT}` }),
          llmSpan({ parent: agent, at: 2000, prompt: `B${LONG_PROMPT}` }),
        ]),
        flagged: [],
      }),
    },
  ],
  'server-saturated': SERVER_SATURATED_CASES,
};

function withCached(span: Span, cached: number): Span {
  return { ...span, attributes: new Map([...span.attributes, ['gen_ai.usage.cache_read.input_tokens', cached]]) };
}

function findingsOf(spans: Span[], options?: Partial<FindingsOptions>) {
  const store = new TraceStore({ maxSpans: 10_000 });
  store.ingest(spans);
  return evaluateTraces(store.traces(), { ...DEFAULT_FINDINGS_OPTIONS, ...options });
}

for (const [rule, cases] of Object.entries(CASES) as [RuleId, RuleCase[]][]) {
  describe(rule, () => {
    for (const ruleCase of cases) {
      test(ruleCase.name, () => {
        const { spans, flagged } = ruleCase.build();
        const findings = findingsOf(spans, ruleCase.options).filter((finding) => finding.rule === rule);
        assert.deepEqual(
          findings.map((finding) => finding.spanId).sort(),
          flagged.map((span) => span.spanId).sort(),
          JSON.stringify(findings, null, 2),
        );
        for (const finding of findings) {
          assert.equal(finding.traceId, spans[0]!.traceId);
          if (ruleCase.severity) assert.equal(finding.severity, ruleCase.severity);
          if (ruleCase.message) assert.match(finding.message, ruleCase.message);
          if (ruleCase.hint) assert.match(finding.hint, ruleCase.hint);
        }
        if (flagged.length > 0) {
          // A rule switched off reports nothing on the same trace.
          const off = findingsOf(spans, { ...ruleCase.options, disabled: new Set([rule]) });
          assert.equal(off.filter((finding) => finding.rule === rule).length, 0);
        }
      });
    }
  });
}

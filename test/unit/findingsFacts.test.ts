/**
 * What the findings rules read beyond core/semantics: tool arguments and results under the same keys as the
 * semantics' `toolCallOf`, the kind of a model call's error, and the findings settings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFindingsSettings } from '../../src/core/findings/settings';
import { errorKindOf, toolArgumentsOf, toolResultOf } from '../../src/core/findings/spanFacts';
import { DEFAULT_FINDINGS_OPTIONS } from '../../src/core/findings/types';
import { toolCallOf } from '../../src/core/semantics/extract';
import { toAttributeMap } from '../support/spanBuilder';

const ARGUMENT_KEYS = ['gen_ai.tool.call.arguments', 'input.value', 'traceloop.entity.input', 'ai.toolCall.args'];
const RESULT_KEYS = ['gen_ai.tool.call.result', 'output.value', 'traceloop.entity.output', 'ai.toolCall.result'];
const MORE_KEYS = [
  'gcp.vertex.agent.tool_call_args',
  'tool_arguments',
  'gcp.vertex.agent.tool_response',
  'tool_response',
];

test('tool arguments and results are read under the keys toolCallOf reads, in its order', () => {
  const keys = [...ARGUMENT_KEYS, ...RESULT_KEYS, ...MORE_KEYS];
  for (const key of keys) {
    const attributes = toAttributeMap({ [key]: `value of ${key}` });
    const semantics = toolCallOf(attributes);
    assert.deepEqual([toolArgumentsOf(attributes), toolResultOf(attributes)], [semantics.arguments, semantics.result]);
  }
  // Both conventions recorded: the first key of each list wins in both readers.
  const both = toAttributeMap({ 'input.value': 'openinference', 'gen_ai.tool.call.arguments': 'otel' });
  assert.equal(toolArgumentsOf(both), toolCallOf(both).arguments);
  assert.equal(toolArgumentsOf(both), 'otel');
  assert.equal(toolResultOf(toAttributeMap({})), undefined);
});

test('the kind of a model error, from its HTTP status first and its words otherwise', () => {
  const cases: [string, number | undefined, ReturnType<typeof errorKindOf>][] = [
    ['RateLimitError: Rate limit reached for gpt-4o', undefined, 'rate-limit'],
    ['request failed', 429, 'rate-limit'],
    ['RESOURCE_EXHAUSTED: quota exceeded', undefined, 'rate-limit'],
    ["context_length_exceeded: This model's maximum context length is 128000 tokens", undefined, 'context-length'],
    ['prompt is too long: 210000 tokens > 200000 maximum', undefined, 'context-length'],
    ['AuthenticationError: Incorrect API key provided', undefined, 'auth'],
    ['request failed', 403, 'auth'],
    ['InternalServerError', undefined, 'server'],
    ['overloaded_error: Overloaded', undefined, 'server'],
    ['request failed', 503, 'server'],
    ['invalid_request_error: unknown parameter', 400, 'other'],
  ];
  for (const [text, status, kind] of cases) assert.equal(errorKindOf(text, status), kind, `${text} (${status})`);
});

test('settings: unset values are the defaults', () => {
  const { options, problems } = parseFindingsSettings(() => undefined);
  assert.deepEqual(options, DEFAULT_FINDINGS_OPTIONS);
  assert.deepEqual(problems, []);
});

test('settings: rules switched off and thresholds taken; invalid values fall back, each with a problem', () => {
  const values: Record<string, unknown> = {
    'findings.disabledRules': ['cache-miss', 'no-such-rule'],
    'findings.agentSteps.max': 40,
    'findings.stall.ms': 'slow',
    'findings.toolLoop.calls': 1,
  };
  const { options, problems } = parseFindingsSettings((key) => values[key]);
  assert.deepEqual([...options.disabled], ['cache-miss']);
  assert.equal(options.agentStepsMax, 40);
  assert.equal(options.stallMs, DEFAULT_FINDINGS_OPTIONS.stallMs);
  assert.equal(options.toolLoopCalls, DEFAULT_FINDINGS_OPTIONS.toolLoopCalls);
  assert.equal(problems.length, 3);
  assert.match(problems.join('\n'), /"no-such-rule" is not a rule id/);
  assert.match(problems.join('\n'), /findings\.stall\.ms must be a number of at least 0, got "slow"; using 2000/);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanKind } from '../../src/core/model';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import { toolCallOf } from '../../src/core/semantics/extract';
import { makeSpan } from '../support/spanBuilder';
import { runCases } from './semanticsCases';

describe('precedence when several conventions are present', () => {
  runCases([
    {
      title: 'OpenInference kind beats gen_ai.operation.name',
      span: {
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
        },
      },
      expected: { kind: 'chain', convention: 'openinference' },
    },
    {
      title: 'OpenInference processor on an AI SDK wrapper: agent, still named by functionId',
      span: {
        name: 'ai.generateText',
        scopeName: 'ai',
        attributes: {
          'openinference.span.kind': 'AGENT',
          'ai.operationId': 'ai.generateText',
          'ai.telemetry.functionId': 'fn',
        },
      },
      expected: { kind: 'agent', convention: 'openinference', agentName: 'fn', streaming: false },
    },
    {
      title: 'Traceloop-rewritten AI SDK wrapper (op chat, ai.operationId kept) is not a model call',
      span: {
        name: 'chat gpt-4o',
        scopeName: 'ai',
        attributes: {
          'ai.operationId': 'ai.generateText',
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 2000,
        },
      },
      expected: { kind: 'agent', convention: 'vercel-ai' },
    },
    {
      title: 'MCP method beats execute_tool',
      span: {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 't',
        },
      },
      expected: { kind: 'mcp', convention: 'otel-mcp' },
    },
    {
      title: 'gen_ai.operation.name beats traceloop.span.kind',
      span: {
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'traceloop.span.kind': 'task', 'gen_ai.tool.name': 't' },
      },
      expected: { kind: 'tool', convention: 'otel-genai' },
    },
    {
      title: 'gen_ai.provider.name beats gen_ai.system and llm.provider',
      span: {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'aws.bedrock',
          'gen_ai.system': 'anthropic',
          'llm.provider': 'aws',
        },
      },
      expected: { provider: 'aws.bedrock' },
    },
    {
      title: 'new token names beat old ones',
      span: {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 11,
          'gen_ai.usage.prompt_tokens': 99,
          'gen_ai.usage.output_tokens': 12,
          'gen_ai.usage.completion_tokens': 98,
        },
      },
      expected: { inputTokens: 11, outputTokens: 12 },
    },
  ]);
});

describe('spans that are not AI', () => {
  test('an HTTP span is other with every field undefined', () => {
    const info = analyzeSpan(
      makeSpan({
        name: 'GET /api/users',
        kind: SpanKind.Server,
        attributes: { 'http.request.method': 'GET', 'url.path': '/api/users', 'http.response.status_code': 200 },
      }),
    );
    assert.deepEqual(info, {
      kind: 'other',
      convention: undefined,
      provider: undefined,
      requestModel: undefined,
      responseModel: undefined,
      inputTokens: undefined,
      outputTokens: undefined,
      cachedTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
      streaming: undefined,
      ttftMs: undefined,
      tpotMs: undefined,
      ttftSource: undefined,
      tpotSource: undefined,
      tokensSource: undefined,
      tokensEstimated: undefined,
      firstTextMs: undefined,
      longestGapMs: undefined,
      stalls: undefined,
      toolName: undefined,
      agentName: undefined,
      code: undefined,
    });
  });

  test('a model without usage is not enough for the heuristic', () => {
    const info = analyzeSpan(makeSpan({ attributes: { 'gen_ai.request.model': 'gpt-4o' } }));
    assert.equal(info.kind, 'other');
    assert.equal(info.requestModel, 'gpt-4o');
  });
});

describe('code location', () => {
  runCases([
    {
      title: 'stable attributes',
      span: {
        attributes: {
          'code.file.path': '/srv/app/agent.py',
          'code.line.number': 42,
          'code.function.name': 'app.agent.Agent.run',
          'code.filepath': 'old.py',
          'code.lineno': 1,
        },
      },
      expected: { code: { file: '/srv/app/agent.py', line: 42, function: 'app.agent.Agent.run' } },
    },
    {
      title: 'deprecated attributes, as Logfire sends them',
      span: { attributes: { 'code.filepath': 'src/agent.py', 'code.lineno': 17, 'code.function': 'Agent.run' } },
      expected: { code: { file: 'src/agent.py', line: 17, function: 'Agent.run' } },
    },
    {
      title: 'older Java instrumentation: namespace joined with the function',
      span: { attributes: { 'code.namespace': 'com.example.Service', 'code.function': 'serve' } },
      expected: { code: { file: undefined, line: undefined, function: 'com.example.Service.serve' } },
    },
    {
      title: 'a fractional or negative line is not a line',
      span: { attributes: { 'code.filepath': 'a.py', 'code.lineno': 3.5, 'code.line.number': -1 } },
      expected: { code: { file: 'a.py', line: undefined, function: undefined } },
    },
  ]);
});

describe('tool call arguments and results', () => {
  const cases: [string, Record<string, string>, string, string][] = [
    ['OTel GenAI', { 'gen_ai.tool.call.arguments': '{"a":1}', 'gen_ai.tool.call.result': '"ok"' }, '{"a":1}', '"ok"'],
    ['OpenInference', { 'input.value': '{"a":2}', 'output.value': 'sunny' }, '{"a":2}', 'sunny'],
    ['OpenLLMetry', { 'traceloop.entity.input': '{"args":[3]}', 'traceloop.entity.output': '4' }, '{"args":[3]}', '4'],
    ['AI SDK', { 'ai.toolCall.args': '{"a":5}', 'ai.toolCall.result': '{"b":6}' }, '{"a":5}', '{"b":6}'],
    [
      'Google ADK',
      { 'gcp.vertex.agent.tool_call_args': '{"a":7}', 'gcp.vertex.agent.tool_response': '8' },
      '{"a":7}',
      '8',
    ],
    ['Pydantic AI v2', { tool_arguments: '{"a":9}', tool_response: '10' }, '{"a":9}', '10'],
  ];
  for (const [convention, attributes, expectedArguments, expectedResult] of cases) {
    test(`${convention}: read from the span's attributes`, () => {
      const call = toolCallOf(makeSpan({ attributes }).attributes);
      assert.deepEqual(call, { arguments: expectedArguments, result: expectedResult });
    });
  }

  test('the OTel GenAI names win over the generic input and output values; absent ones are undefined', () => {
    const span = makeSpan({ attributes: { 'input.value': 'generic', 'gen_ai.tool.call.arguments': '{"a":1}' } });
    assert.deepEqual(toolCallOf(span.attributes), { arguments: '{"a":1}', result: undefined });
  });
});

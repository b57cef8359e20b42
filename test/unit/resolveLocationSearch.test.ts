import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { distinctivePieces, promptTexts } from '../../src/core/code/promptText';
import { symbolQuery } from '../../src/core/code/resolveLocation';
import { findToolRegistration } from '../../src/core/code/toolRegistration';
import type { SpanInit } from '../support/spanBuilder';
import { makeSpan } from '../support/spanBuilder';
import { brief, lines, removeTempWorkspaces, resolve, stacktrace, TempWorkspace } from './resolveLocationWorkspace';

after(removeTempWorkspaces);

describe('rule 4: workspace symbols', () => {
  test('the recorded function name, with its class as container', async () => {
    const workspace = new TempWorkspace({ 'ws/agent/tools.py': lines(30, {}) });
    const at = { file: workspace.path('ws/agent/tools.py'), line: 17, column: 9 };
    workspace.declareSymbol('lookup', 'Weather', at);
    const location = await resolve({ attributes: { 'code.function.name': 'agent.tools.Weather.lookup' } }, workspace);
    assert.deepEqual(brief(location, workspace), { file: 'ws/agent/tools.py', line: 17, column: 9, rule: 'symbol' });
    assert.ok(workspace.calls.includes('findSymbol Weather.lookup'));
  });

  test('the function of the innermost application frame when its file is nowhere', async () => {
    // Moved since the trace was recorded: neither re-basing nor a tail search finds it.
    const workspace = new TempWorkspace({ 'ws/pkg/weather/weather.go': lines(50, {}) });
    workspace.declareSymbol('Call', 'Weather', {
      file: workspace.path('ws/pkg/weather/weather.go'),
      line: 40,
      column: undefined,
    });
    const location = await resolve({ attributes: { 'exception.stacktrace': stacktrace('go-panic.txt') } }, workspace);
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/pkg/weather/weather.go',
      line: 40,
      column: undefined,
      rule: 'symbol',
    });
    assert.equal(
      location?.detail,
      'workspace symbol Weather.Call (from github.com/example/agent/internal/tools.(*Weather).Call)',
    );
  });

  test('symbolQuery: last element and its container; anonymous and generated names give none', () => {
    assert.deepEqual(symbolQuery('github.com/x/agent.(*Agent).runTool'), { name: 'runTool', container: 'Agent' });
    assert.deepEqual(symbolQuery('Agent::run'), { name: 'run', container: 'Agent' });
    assert.deepEqual(symbolQuery('run_tool'), { name: 'run_tool', container: undefined });
    assert.deepEqual(symbolQuery('main.(*Queue[...]).Push'), { name: 'Push', container: 'Queue' });
    for (const name of ['<module>', 'Object.<anonymous>', 'main.main.func1', ''])
      assert.equal(symbolQuery(name), undefined, name);
  });
});

describe('rule 5: tool registrations', () => {
  const toolSpan = (name: string): SpanInit => ({
    name: `execute_tool ${name}`,
    attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': name },
  });

  test('an MCP server registration is preferred over mentions in files listed before it', async () => {
    const workspace = new TempWorkspace({
      'ws/README.md': 'Call `get_weather` to get the forecast.',
      'ws/agent/prompt.py': 'TOOLS = ["get_weather"]',
      'ws/server.ts': [
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
        '',
        "server.tool('get_weather', { city: z.string() }, async ({ city }) => forecast(city));",
      ].join('\n'),
    });
    const location = await resolve(
      {
        name: 'tools/call get_weather',
        attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'get_weather' },
      },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/server.ts',
      line: 3,
      column: 14,
      rule: 'tool-registration',
    });
    assert.equal(location?.detail, 'tool registration call of tool "get_weather"');
  });

  test('a mention is the last resort', async () => {
    const workspace = new TempWorkspace({
      'ws/README.md': 'get_weather is documented here',
      'ws/server.py': lines(5, { 4: '    if name == "get_weather":' }),
    });
    const location = await resolve(toolSpan('get_weather'), workspace);
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/server.py',
      line: 4,
      column: 17,
      rule: 'tool-registration',
    });
    assert.equal(location?.detail, 'mention of tool "get_weather"');
  });

  test('findToolRegistration recognises each registration style', () => {
    const cases: [string, string, { line: number; rank: number; label: string }][] = [
      ['server.registerTool("get_weather", {', 'get_weather', { line: 1, rank: 0, label: 'tool registration call' }],
      ["registerTool('get_weather', handler)", 'get_weather', { line: 1, rank: 0, label: 'tool registration call' }],
      [
        [
          '@mcp.tool(',
          '    description="Forecast: next 3 days",',
          ')',
          'async def get_weather(city: str) -> str:',
        ].join('\n'),
        'get_weather',
        { line: 4, rank: 0, label: 'decorated tool function' },
      ],
      [
        ['@function_tool', 'def get_weather(city: str):'].join('\n'),
        'get_weather',
        { line: 2, rank: 0, label: 'decorated tool function' },
      ],
      ['@tool("get-weather")\ndef weather(city):', 'get-weather', { line: 1, rank: 0, label: 'tool decorator' }],
      [
        ['const result = await generateText({', '  tools: {', '    get_weather: tool({'].join('\n'),
        'get_weather',
        { line: 3, rank: 0, label: 'tool({…}) keyed by name' },
      ],
      [
        "  'get-weather': tool({ description: 'x' }),",
        'get-weather',
        { line: 1, rank: 0, label: 'tool({…}) keyed by name' },
      ],
      ['[McpServerTool(Name = "get_weather")]', 'get_weather', { line: 1, rank: 0, label: 'tool attribute' }],
      [
        "const weather = tool(fetchWeather, { name: 'get_weather', schema })",
        'get_weather',
        { line: 1, rank: 1, label: 'tool definition naming it' },
      ],
      [
        '{"type": "function", "function": {"name": "get_weather"}}',
        'get_weather',
        { line: 1, rank: 1, label: 'tool definition naming it' },
      ],
      ['def get_weather(city):\n    pass', 'get_weather', { line: 1, rank: 2, label: 'function of the same name' }],
    ];
    for (const [text, name, expected] of cases) {
      const match = findToolRegistration(text, name);
      assert.deepEqual(match && { line: match.line, rank: match.rank, label: match.label }, expected, text);
    }
  });

  test('a def under a non-tool decorator or with a longer name is no registration', () => {
    assert.equal(findToolRegistration('@app.route("/")\ndef get_weather():', 'get_weather')?.rank, 2);
    assert.equal(findToolRegistration('@mcp.tool()\ndef get_weather_v2():', 'get_weather'), undefined);
    assert.equal(findToolRegistration('get_weathers: tool({', 'get_weather'), undefined);
  });

  test('tool names are matched literally, not as patterns', () => {
    assert.equal(findToolRegistration('server.tool("getXweather")', 'get.weather'), undefined);
    assert.equal(findToolRegistration('server.tool("get.weather")', 'get.weather')?.rank, 0);
  });
});

describe('rule 6: prompt text', () => {
  const SYSTEM_PROMPT = [
    'You are Skyline, a weather assistant for travellers.',
    'Answer in two sentences.',
    'Always give temperatures in Celsius and mention rain chances.',
  ].join('\n');

  test('the longest searchable line of the system prompt, found where it is written', async () => {
    const workspace = new TempWorkspace({
      'ws/agent/prompts.py': ['SYSTEM = """', ...SYSTEM_PROMPT.split('\n'), '"""'].join('\n'),
    });
    const location = await resolve(
      {
        name: 'chat gpt-4o',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: SYSTEM_PROMPT }]),
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Will it rain in Lyon tomorrow?' }] },
          ]),
        },
      },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/agent/prompts.py',
      line: 4,
      column: 1,
      rule: 'prompt-text',
    });
    assert.equal(
      location?.detail,
      'system prompt text "Always give temperatures in Celsius and mention rain chances."',
    );
  });

  test('the first user message when the system prompt is nowhere; structured attribute values', async () => {
    const workspace = new TempWorkspace({
      'ws/eval/cases.yaml': '- input: Summarise the incident report for the on-call team\n',
    });
    const location = await resolve(
      {
        name: 'chat',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.input.messages': [
            { role: 'system', parts: [{ type: 'text', content: 'Generated at runtime for tenant 42 only' }] },
            { role: 'user', parts: [{ type: 'text', content: 'Summarise the incident report for the on-call team' }] },
          ],
        },
      },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/eval/cases.yaml',
      line: 1,
      column: 10,
      rule: 'prompt-text',
    });
    assert.match(location?.detail ?? '', /^first user message text "[^"]+"$/);
  });

  test('tool spans do not search prompts, LLM spans do not search tool names', async () => {
    const workspace = new TempWorkspace({
      'ws/a.py': 'server.tool("You are Skyline, a weather assistant for travellers.")',
    });
    const llm = await resolve(
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.tool.name': 'x',
          'gen_ai.system_instructions': SYSTEM_PROMPT,
        },
      },
      workspace,
    );
    assert.equal(llm?.rule, 'prompt-text');
    assert.ok(!workspace.calls.includes('searchText x'));

    const tool = await resolve(
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'absent_tool',
          'gen_ai.system_instructions': SYSTEM_PROMPT,
        },
      },
      workspace,
    );
    assert.equal(tool, undefined);
    assert.ok(workspace.calls.includes('searchText absent_tool'));
  });

  test('promptTexts reads every convention: system first, then the first user message', () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [
        {
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'Traceloop system',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'first question',
          'gen_ai.prompt.2.role': 'user',
          'gen_ai.prompt.2.content': 'second question',
        },
        ['system: Traceloop system', 'user: first question'],
      ],
      [
        {
          'llm.input_messages.0.message.role': 'user',
          'llm.input_messages.0.message.content': 'OpenInference question',
          'llm.input_messages.1.message.role': 'system',
          'llm.input_messages.1.message.content': 'OpenInference system',
        },
        ['system: OpenInference system', 'user: OpenInference question'],
      ],
      [
        {
          'ai.prompt.messages': JSON.stringify([
            { role: 'system', content: 'Vercel system' },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Vercel question' },
                { type: 'image', image: 'data:...' },
              ],
            },
          ]),
        },
        ['system: Vercel system', 'user: Vercel question'],
      ],
      [
        { 'ai.prompt': JSON.stringify({ system: 'Wrapper system', prompt: 'Wrapper prompt' }) },
        ['system: Wrapper system', 'user: Wrapper prompt'],
      ],
      [{ 'gen_ai.prompt': 'A bare prompt string' }, ['user: A bare prompt string']],
      [{ 'gen_ai.prompt': '[not json' }, ['user: [not json']],
      [
        { 'gen_ai.prompt': JSON.stringify([{ role: 'developer', content: 'OpenAI developer message' }]) },
        ['system: OpenAI developer message'],
      ],
    ];
    for (const [attributes, expected] of cases) {
      const texts = promptTexts(makeSpan({ attributes: attributes as SpanInit['attributes'] }));
      assert.deepEqual(
        texts.map((text) => `${text.role}: ${text.text}`),
        expected,
        JSON.stringify(attributes),
      );
    }
  });

  test('distinctivePieces: whole lines of 20–80 characters, then sentences of long lines, most distinct words first; templates and escapes left out', () => {
    const text = [
      'Short line.',
      'You help {user_name} plan trips around Europe by train.',
      'Reply in "JSON" only, please, and nothing else.',
      'This line is exactly long enough to count.',
      `${'A long paragraph that an editor would wrap.'} ${'It keeps going with a second sentence about booking trains early.'} ${'word '.repeat(30)}`,
    ].join('\n');
    assert.deepEqual(distinctivePieces(text, 10), [
      'This line is exactly long enough to count.',
      'It keeps going with a second sentence about booking trains early.',
      'A long paragraph that an editor would wrap.',
      'word word word word word word word word word word word word word word word word',
    ]);
    assert.equal(distinctivePieces(text, 2).length, 2);
  });
});

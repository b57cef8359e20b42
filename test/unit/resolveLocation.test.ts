import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import type { PathMapping } from '../../src/core/code/paths';
import { mappedPaths, slashPath } from '../../src/core/code/paths';
import { distinctivePieces, promptTexts } from '../../src/core/code/promptText';
import type { ResolvedLocation, SourcePosition, WorkspaceAccess } from '../../src/core/code/resolveLocation';
import { resolveSpanLocation, symbolQuery } from '../../src/core/code/resolveLocation';
import { findToolRegistration } from '../../src/core/code/toolRegistration';
import { analyzeSpan } from '../../src/core/semantics/analyze';
import type { SpanInit } from '../support/spanBuilder';
import { makeSpan } from '../support/spanBuilder';

const STACKTRACES = join(__dirname, '../fixtures/stacktraces');
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

interface DeclaredSymbol {
  name: string;
  container: string | undefined;
  at: SourcePosition;
}

/**
 * `WorkspaceAccess` over real files in a temporary folder, the way the host implements it over VS Code: a file walk
 * for `findFiles`, a line scan for `searchText`. Symbols are declared by the test, standing in for language servers.
 * Every call is logged so tests can check what the resolver asked for.
 */
class TempWorkspace implements WorkspaceAccess {
  readonly root: string;
  readonly folders: string[];
  readonly calls: string[] = [];
  private readonly symbols: DeclaredSymbol[] = [];

  /** `files` maps paths relative to the temp root to contents; `folders` are the workspace folders among them. */
  constructor(files: Record<string, string>, folders: string[] = ['ws']) {
    this.root = mkdtempSync(join(tmpdir(), 'resolve-'));
    roots.push(this.root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(this.path(path)), { recursive: true });
      writeFileSync(this.path(path), text);
    }
    this.folders = folders.map((folder) => this.path(folder));
    for (const folder of this.folders) mkdirSync(folder, { recursive: true });
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  declareSymbol(name: string, container: string | undefined, at: SourcePosition): void {
    this.symbols.push({ name, container, at });
  }

  exists(path: string): Promise<boolean> {
    this.calls.push(`exists ${path}`);
    try {
      return Promise.resolve(statSync(path).isFile());
    } catch {
      return Promise.resolve(false);
    }
  }

  findFiles(relativePath: string, maxResults: number): Promise<string[]> {
    this.calls.push(`findFiles ${relativePath}`);
    const suffix = sep + relativePath.split('/').join(sep);
    return Promise.resolve(
      this.allFiles()
        .filter((file) => file.endsWith(suffix))
        .slice(0, maxResults),
    );
  }

  readText(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  findSymbol(name: string, container: string | undefined): Promise<SourcePosition | undefined> {
    this.calls.push(`findSymbol ${container ?? ''}.${name}`);
    const named = this.symbols.filter((symbol) => symbol.name === name);
    return Promise.resolve((named.find((symbol) => symbol.container === container) ?? named[0])?.at);
  }

  searchText(literal: string, options: { maxResults: number }): Promise<SourcePosition[]> {
    this.calls.push(`searchText ${literal}`);
    const hits: SourcePosition[] = [];
    for (const file of this.allFiles()) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, index) => {
          const column = text.indexOf(literal);
          if (column >= 0) hits.push({ file, line: index + 1, column: column + 1 });
        });
    }
    return Promise.resolve(hits.slice(0, options.maxResults));
  }

  /** Files of the workspace folders, sorted: the order a search would list them in. */
  private allFiles(): string[] {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
      );
    return this.folders.flatMap(walk).sort();
  }
}

function node(init: SpanInit) {
  const span = makeSpan(init);
  return { span, ai: analyzeSpan(span) };
}

function resolve(init: SpanInit, workspace: WorkspaceAccess, pathMappings: PathMapping[] = []) {
  return resolveSpanLocation(node(init), workspace, { pathMappings });
}

function stacktrace(name: string): string {
  return readFileSync(join(STACKTRACES, name), 'utf8');
}

/** Numbered lines, so that a test can put a definition at a known line. */
function lines(count: number, at: Record<number, string>): string {
  return Array.from({ length: count }, (_, index) => at[index + 1] ?? `# line ${index + 1}`).join('\n');
}

function brief(location: ResolvedLocation | undefined, workspace: TempWorkspace) {
  if (location === undefined) return undefined;
  const file = location.file.startsWith(workspace.root + sep)
    ? location.file.slice(workspace.root.length + 1)
    : location.file;
  return { file: file.split(sep).join('/'), line: location.line, column: location.column, rule: location.rule };
}

describe('rule 1: code attributes', () => {
  test('code.file.path, line, column and function as recorded', async () => {
    const workspace = new TempWorkspace({ 'ws/src/agent.py': lines(50, {}) });
    const location = await resolve(
      {
        attributes: {
          'code.file.path': workspace.path('ws/src/agent.py'),
          'code.line.number': 42,
          'code.column.number': 9,
          'code.function.name': 'agent.run_tool',
        },
      },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/src/agent.py',
      line: 42,
      column: 9,
      rule: 'code-attributes',
    });
    assert.match(location?.detail ?? '', /^code\.file\.path .*agent\.py:42$/);
  });

  test('deprecated code.filepath/code.lineno, a path relative to the workspace folder', async () => {
    const workspace = new TempWorkspace({ 'ws/src/agent.py': lines(10, {}) });
    const location = await resolve({ attributes: { 'code.filepath': 'src/agent.py', 'code.lineno': 7 } }, workspace);
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/src/agent.py',
      line: 7,
      column: undefined,
      rule: 'code-attributes',
    });
    assert.match(location?.detail ?? '', /^code\.filepath src\/agent\.py:7$/);
  });

  test('without a line, the function definition in the file; without either, line 1', async () => {
    const workspace = new TempWorkspace({ 'ws/agent.py': lines(30, { 12: 'async def run_tool(name):' }) });
    const file = workspace.path('ws/agent.py');
    const withFunction = await resolve(
      { attributes: { 'code.file.path': file, 'code.function': 'run_tool', 'code.namespace': 'agent' } },
      workspace,
    );
    assert.equal(withFunction?.line, 12);
    const bare = await resolve({ attributes: { 'code.file.path': file } }, workspace);
    assert.equal(bare?.line, 1);
  });
});

describe('rule 2: stack traces', () => {
  /** The Python fixture with its `/app/` paths moved into the workspace. */
  function pythonTraceIn(workspace: TempWorkspace): string {
    return stacktrace('python-openai.txt').replaceAll('"/app/', `"${workspace.path('ws')}/`);
  }

  test('exception event: the innermost frame inside the workspace, library frames skipped even when they exist there', async () => {
    const workspace = new TempWorkspace({
      'ws/src/agent/agent.py': lines(60, {}),
      'ws/src/agent/main.py': lines(60, {}),
      'ws/.venv/lib/python3.12/site-packages/openai/_base_client.py': lines(1100, {}),
    });
    const location = await resolve(
      { events: [{ name: 'exception', attributes: { 'exception.stacktrace': pythonTraceIn(workspace) } }] },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/src/agent/agent.py',
      line: 42,
      column: undefined,
      rule: 'stack-trace',
    });
    assert.match(location?.detail ?? '', /^exception event frame run_tool .*agent\.py:42$/);
  });

  test('frames outside the workspace are passed over even when the file exists', async () => {
    const workspace = new TempWorkspace({ 'elsewhere/tool.js': 'x', 'ws/src/agent.ts': lines(50, {}) });
    const trace = [
      'Error: boom',
      `    at tool (${workspace.path('elsewhere/tool.js')}:1:1)`,
      `    at async runTool (file://${workspace.path('ws/src/agent.ts')}:42:13)`,
    ].join('\n');
    const location = await resolve({ attributes: { 'code.stacktrace': trace } }, workspace);
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/src/agent.ts',
      line: 42,
      column: 13,
      rule: 'stack-trace',
    });
  });

  test('Java frames by package path among the workspace sources', async () => {
    const workspace = new TempWorkspace({ 'ws/app/src/main/java/com/example/agent/Agent.java': lines(50, {}) });
    const location = await resolve(
      { attributes: { 'exception.stacktrace': stacktrace('java-openai.txt') } },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/app/src/main/java/com/example/agent/Agent.java',
      line: 42,
      column: undefined,
      rule: 'stack-trace',
    });
    // The OpenAI SDK frames come first and are looked for, then skipped.
    assert.ok(workspace.calls.includes('findFiles com/openai/core/handlers/ErrorHandler.kt'));
  });
});

describe('rule 3: path mapping', () => {
  test('configured prefix pairs, applied to the code attributes', async () => {
    const workspace = new TempWorkspace({ 'checkout/agent/tools.py': lines(20, {}) });
    const location = await resolve(
      { attributes: { 'code.file.path': '/srv/app/agent/tools.py', 'code.line.number': 5 } },
      workspace,
      [{ from: '/srv/app/', to: workspace.path('checkout') }],
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'checkout/agent/tools.py',
      line: 5,
      column: undefined,
      rule: 'path-mapping',
    });
    assert.match(location?.detail ?? '', /mapping \/srv\/app\/ → /);
  });

  test('a relative target is taken in each workspace folder', async () => {
    const workspace = new TempWorkspace({ 'ws2/backend/tools.py': 'x' }, ['ws1', 'ws2']);
    const location = await resolve({ attributes: { 'code.file.path': '/app/tools.py' } }, workspace, [
      { from: '/app', to: 'backend' },
    ]);
    assert.equal(brief(location, workspace)?.file, 'ws2/backend/tools.py');
  });

  test('container stack-trace paths re-based onto the workspace folder, longest suffix first', async () => {
    const workspace = new TempWorkspace({
      'ws/src/agent/agent.py': lines(60, {}),
      'ws/agent/agent.py': lines(60, {}),
      'ws/.venv/lib/python3.12/site-packages/openai/_base_client.py': lines(1100, {}),
    });
    const location = await resolve(
      { attributes: { 'exception.stacktrace': stacktrace('python-openai.txt') } },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/src/agent/agent.py',
      line: 42,
      column: undefined,
      rule: 'path-mapping',
    });
    assert.match(
      location?.detail ?? '',
      /^exception\.stacktrace frame run_tool \/app\/src\/agent\/agent\.py:42 re-based onto /,
    );
  });

  test('Windows paths from a .NET trace onto a Linux workspace', async () => {
    const workspace = new TempWorkspace({ 'ws/Agent/Tools/WeatherTool.cs': lines(50, {}) });
    const location = await resolve(
      { attributes: { 'exception.stacktrace': stacktrace('dotnet-openai.txt') } },
      workspace,
    );
    assert.deepEqual(brief(location, workspace), {
      file: 'ws/Agent/Tools/WeatherTool.cs',
      line: 42,
      column: undefined,
      rule: 'path-mapping',
    });
  });

  test('a tail naming exactly one workspace file, when re-basing fails; an ambiguous tail is not taken', async () => {
    const unique = new TempWorkspace({ 'ws/python/services/bot/agent.py': lines(10, {}) });
    const span = { attributes: { 'code.file.path': '/srv/build/services/bot/agent.py', 'code.line.number': 3 } };
    const location = await resolve(span, unique);
    assert.deepEqual(brief(location, unique), {
      file: 'ws/python/services/bot/agent.py',
      line: 3,
      column: undefined,
      rule: 'path-mapping',
    });
    assert.match(location?.detail ?? '', /found as …\/services\/bot\/agent\.py$/);

    const ambiguous = new TempWorkspace({ 'ws/a/bot/agent.py': 'x', 'ws/b/bot/agent.py': 'x' });
    assert.equal(await resolve(span, ambiguous), undefined);
  });

  test('mappedPaths: mappings, then WSL, then re-basing; file URLs and Windows drives normalised', () => {
    const folders = ['/home/me/proj'];
    assert.deepEqual(
      mappedPaths('/mnt/c/Users/me/proj/x.py', [{ from: '/mnt/c/Users/me', to: '/home/me' }], folders).slice(0, 3),
      [
        { path: '/home/me/proj/x.py', how: 'mapping /mnt/c/Users/me → /home/me' },
        { path: 'c:/Users/me/proj/x.py', how: 'WSL path' },
        { path: '/home/me/proj/mnt/c/Users/me/proj/x.py', how: 're-based onto /home/me/proj' },
      ],
    );
    assert.deepEqual(
      mappedPaths('file:///C:/build/src/a%20b.ts', [{ from: 'c:\\BUILD', to: '/home/me/proj' }], folders).map(
        (c) => c.path,
      ),
      [
        '/home/me/proj/src/a b.ts',
        '/home/me/proj/build/src/a b.ts',
        '/home/me/proj/src/a b.ts',
        '/home/me/proj/a b.ts',
      ],
    );
    assert.deepEqual(mappedPaths('//wsl.localhost/Ubuntu/home/me/x.py', [], [])[0], {
      path: '/home/me/x.py',
      how: 'WSL path',
    });
    // A prefix only matches whole path elements.
    assert.equal(mappedPaths('/application/x.py', [{ from: '/app', to: '/elsewhere' }], []).length, 0);
    assert.equal(slashPath('file://server/share/x.py'), '//server/share/x.py');
  });
});

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

describe('precedence', () => {
  test('code attributes over a stack trace, a stack trace over mapping, mapping over symbols', async () => {
    const workspace = new TempWorkspace({
      'ws/a.py': lines(10, {}),
      'ws/b.py': lines(10, {}),
      'ws/c.py': lines(10, {}),
    });
    workspace.declareSymbol('handler', undefined, { file: workspace.path('ws/c.py'), line: 3, column: undefined });
    const trace = `Traceback (most recent call last):\n  File "${workspace.path('ws/b.py')}", line 2, in handler`;
    const codeAndTrace = {
      attributes: { 'code.file.path': workspace.path('ws/a.py'), 'code.line.number': 1, 'exception.stacktrace': trace },
    };
    assert.equal((await resolve(codeAndTrace, workspace))?.rule, 'code-attributes');

    const mappedCodeAndTrace = {
      attributes: { 'code.file.path': '/app/a.py', 'code.line.number': 1, 'exception.stacktrace': trace },
    };
    assert.deepEqual(brief(await resolve(mappedCodeAndTrace, workspace), workspace), {
      file: 'ws/b.py',
      line: 2,
      column: undefined,
      rule: 'stack-trace',
    });

    const mappedAndSymbol = { attributes: { 'code.file.path': '/app/a.py', 'code.function.name': 'handler' } };
    assert.equal((await resolve(mappedAndSymbol, workspace))?.rule, 'path-mapping');

    const symbolOnly = { attributes: { 'code.file.path': '/app/missing.py', 'code.function.name': 'handler' } };
    assert.deepEqual(brief(await resolve(symbolOnly, workspace), workspace), {
      file: 'ws/c.py',
      line: 3,
      column: undefined,
      rule: 'symbol',
    });
  });

  test('symbols before tool registrations', async () => {
    const workspace = new TempWorkspace({
      'ws/server.ts': 'server.tool("get_weather", h)',
      'ws/impl.ts': lines(9, {}),
    });
    workspace.declareSymbol('fetchForecast', undefined, { file: workspace.path('ws/impl.ts'), line: 5, column: 3 });
    const location = await resolve(
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'get_weather',
          'code.function.name': 'fetchForecast',
        },
      },
      workspace,
    );
    assert.equal(location?.rule, 'symbol');
  });

  test('nothing resolves: undefined, after trying every rule that applies', async () => {
    const workspace = new TempWorkspace({ 'ws/unrelated.py': 'print("hello")' });
    const location = await resolve(
      {
        attributes: {
          'gen_ai.operation.name': 'chat',
          'code.file.path': '/app/gone.py',
          'code.function.name': 'vanished',
          'exception.stacktrace': stacktrace('node-openai.txt'),
          'gen_ai.system_instructions': 'You are a model that nobody wrote down anywhere.',
        },
      },
      workspace,
    );
    assert.equal(location, undefined);
    assert.ok(workspace.calls.includes('findSymbol .vanished'));
    assert.ok(workspace.calls.includes('searchText You are a model that nobody wrote down anywhere.'));
  });

  test('a span with no location data at all asks the workspace nothing', async () => {
    const workspace = new TempWorkspace({ 'ws/a.py': 'x' });
    assert.equal(await resolve({ name: 'GET /health' }, workspace), undefined);
    assert.deepEqual(workspace.calls, []);
  });
});

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { mappedPaths, slashPath } from '../../src/core/code/paths';
import { brief, lines, removeTempWorkspaces, resolve, stacktrace, TempWorkspace } from './resolveLocationWorkspace';

after(removeTempWorkspaces);

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

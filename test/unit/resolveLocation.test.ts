import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { brief, lines, removeTempWorkspaces, resolve, stacktrace, TempWorkspace } from './resolveLocationWorkspace';

after(removeTempWorkspaces);

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

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { StackFrame } from '../../src/core/code/stackTrace';
import { isLibraryFrame, javaSourcePath, parseStackTrace } from '../../src/core/code/stackTrace';

const FIXTURES = join(__dirname, '../fixtures/stacktraces');

function fixture(name: string): StackFrame[] {
  return parseStackTrace(readFileSync(join(FIXTURES, name), 'utf8'));
}

/** `function file:line[:column]` per frame, with an `L` mark on library frames: one readable line per frame. */
function describeFrames(frames: StackFrame[]): string[] {
  return frames.map((frame) => {
    const position = [frame.file, frame.line, frame.column].filter((part) => part !== undefined).join(':');
    return `${isLibraryFrame(frame) ? 'L ' : ''}${frame.function ?? '?'} ${position}`;
  });
}

describe('Python tracebacks', () => {
  const frames = fixture('python-openai.txt');

  test('frames come innermost first, the last printed traceback (the one that reached the caller) first', () => {
    assert.deepEqual(describeFrames(frames), [
      'L request /app/.venv/lib/python3.12/site-packages/openai/_base_client.py:1014',
      'L create /app/.venv/lib/python3.12/site-packages/openai/resources/chat/completions/completions.py:1087',
      'L wrapper /app/.venv/lib/python3.12/site-packages/openai/_utils/_utils.py:287',
      'run_tool /app/src/agent/agent.py:42',
      'main /app/src/agent/main.py:51',
      'L _run_code <frozen runpy>:88',
      'L run /usr/local/lib/python3.12/asyncio/runners.py:194',
      '<module> /app/src/agent/main.py:58',
      'L __exit__ /usr/local/lib/python3.12/contextlib.py:158',
      'L handle_request /app/.venv/lib/python3.12/site-packages/httpx/_transports/default.py:250',
      'L map_httpcore_exceptions /app/.venv/lib/python3.12/site-packages/httpx/_transports/default.py:101',
    ]);
    assert.ok(frames.every((frame) => frame.language === 'python' && frame.column === undefined));
  });

  test('Windows paths, dist-packages and a frame without a function', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "C:\\Users\\me\\agent\\run.py", line 7, in <module>',
      '  File "C:\\Python312\\Lib\\json\\decoder.py", line 353, in raw_decode',
      '  File "/usr/lib/python3/dist-packages/yaml/__init__.py", line 81, in load',
      '  File "<string>", line 1',
    ].join('\n');
    assert.deepEqual(describeFrames(parseStackTrace(text)), [
      'L ? <string>:1',
      'L load /usr/lib/python3/dist-packages/yaml/__init__.py:81',
      'L raw_decode C:\\Python312\\Lib\\json\\decoder.py:353',
      '<module> C:\\Users\\me\\agent\\run.py:7',
    ]);
  });
});

describe('Node/V8 stacks', () => {
  test('async frames, [as alias], file URLs (decoded), node: internals, anonymous frames and the error cause', () => {
    const frames = fixture('node-openai.txt');
    assert.deepEqual(describeFrames(frames), [
      'L OpenAI.makeRequest /app/node_modules/openai/core.mjs:316:19',
      'L process.processTicksAndRejections node:internal/process/task_queues:95:5',
      'runTool /app/src/agent.ts:42:13',
      'Agent.step /app/src/agent.ts:88:22',
      '? /app/src/main loop.mjs:12:3',
      'L ClientRequest.<anonymous> /app/node_modules/node-fetch/lib/index.js:1501:11',
      'L ClientRequest.emit node:events:519:28',
      'L TLSSocket.socketErrorListener node:_http_client:500:9',
    ]);
    assert.ok(frames.every((frame) => frame.language === 'node'));
  });

  test('constructors, bare paths, Windows paths and eval origins', () => {
    const text = [
      'TypeError: x is not a function',
      '    at new Agent (/app/agent.js:3:9)',
      '    at /app/x.js:1:2',
      '    at Object.<anonymous> (C:\\work\\bot\\index.js:10:4)',
      '    at eval (eval at compile (/app/templates.js:30:11), <anonymous>:1:1)',
      '    at internal/main/run_main_module.js:17:47',
    ].join('\n');
    assert.deepEqual(describeFrames(parseStackTrace(text)), [
      'Agent /app/agent.js:3:9',
      '? /app/x.js:1:2',
      'Object.<anonymous> C:\\work\\bot\\index.js:10:4',
      'eval /app/templates.js:30:11',
      'L ? internal/main/run_main_module.js:17:47',
    ]);
  });
});

describe('Java stacks', () => {
  const frames = fixture('java-openai.txt');

  test('simple file names, qualified methods without module or class-loader prefixes, causes, no native frames; platform and framework frames are libraries', () => {
    assert.deepEqual(describeFrames(frames), [
      'com.openai.core.handlers.ErrorHandler$withErrorHandler$1.handle ErrorHandler.kt:72',
      'com.openai.services.blocking.chat.ChatCompletionServiceImpl.create ChatCompletionServiceImpl.kt:58',
      'com.example.agent.Agent.runTool Agent.java:42',
      'com.example.agent.Agent.lambda$run$0 Agent.java:31',
      'L java.util.concurrent.CompletableFuture$AsyncSupply.run CompletableFuture.java:1768',
      'L java.lang.Thread.run Thread.java:1583',
      'L okhttp3.internal.http2.Http2Stream$StreamTimeout.newTimeoutException Http2Stream.kt:675',
      'com.example.agent.Http.send Http.java',
    ]);
  });

  test('the source path keeps the package and drops inner-class suffixes', () => {
    assert.equal(javaSourcePath(frames[2]!), 'com/example/agent/Agent.java');
    assert.equal(javaSourcePath(frames[0]!), 'com/openai/core/handlers/ErrorHandler.kt');
    const defaultPackage = parseStackTrace('\tat Main.main(Main.java:5)')[0]!;
    assert.equal(javaSourcePath(defaultPackage), 'Main.java');
  });
});

describe('Go goroutine dumps', () => {
  test('function line then location line; arguments removed; created-by frames; runtime and module cache are libraries', () => {
    assert.deepEqual(describeFrames(fixture('go-panic.txt')), [
      'L panic /usr/local/go/src/runtime/panic.go:785',
      'L github.com/sashabaranov/go-openai.(*Client).CreateChatCompletion /root/go/pkg/mod/github.com/sashabaranov/go-openai@v1.36.1/chat.go:367',
      'github.com/example/agent/internal/tools.(*Weather).Call /app/internal/tools/weather.go:42',
      'github.com/example/agent/internal/agent.(*Agent).runTool /app/internal/agent/agent.go:88',
      'L net/http.HandlerFunc.ServeHTTP /usr/local/go/src/net/http/server.go:2220',
      'github.com/example/agent/internal/agent.(*Agent).Run /app/internal/agent/agent.go:61',
    ]);
  });

  test('code in a GOPATH checkout under …/go/src is not a library, the main package neither', () => {
    const text = [
      'goroutine 1 [running]:',
      'github.com/me/bot.Run()',
      '\t/home/me/go/src/github.com/me/bot/run.go:12 +0x25',
      'main.main()',
      '\t/usr/local/go/src/bot/main.go:5 +0x1d',
    ].join('\n');
    assert.deepEqual(describeFrames(parseStackTrace(text)), [
      'github.com/me/bot.Run /home/me/go/src/github.com/me/bot/run.go:12',
      'main.main /usr/local/go/src/bot/main.go:5',
    ]);
  });
});

describe('.NET stacks', () => {
  test('CRLF text, frames with files only, compiler-generated names back to source methods', () => {
    assert.deepEqual(describeFrames(fixture('dotnet-openai.txt')), [
      'Agent.Tools.WeatherTool.RunAsync C:\\src\\Agent\\Tools\\WeatherTool.cs:42',
      'Agent.Tools.WeatherTool.Register C:\\src\\Agent\\Tools\\WeatherTool.cs:19',
      'Agent.Program.Main C:\\src\\Agent\\Program.cs:17',
    ]);
  });

  test('localised line labels, Unix paths; System, Microsoft and deterministic-build frames are libraries', () => {
    const text = [
      '   bei Agent.Run(String x) in /src/Agent.cs:Zeile 12',
      '   à Agent.Step() dans C:\\src\\Agent.cs:ligne 42',
      '   at System.Text.Json.JsonSerializer.Deserialize(String json) in /_/src/libraries/System.Text.Json/JsonSerializer.cs:line 9',
      '   at Microsoft.Extensions.AI.FunctionInvokingChatClient.InvokeAsync() in D:\\a\\_work\\1\\s\\Invoke.cs:line 3',
    ].join('\n');
    assert.deepEqual(describeFrames(parseStackTrace(text)), [
      'Agent.Run /src/Agent.cs:12',
      'Agent.Step C:\\src\\Agent.cs:42',
      'L System.Text.Json.JsonSerializer.Deserialize /_/src/libraries/System.Text.Json/JsonSerializer.cs:9',
      'L Microsoft.Extensions.AI.FunctionInvokingChatClient.InvokeAsync D:\\a\\_work\\1\\s\\Invoke.cs:3',
    ]);
  });
});

describe('mixed and non-trace text', () => {
  test('text without frames gives none', () => {
    assert.deepEqual(parseStackTrace(''), []);
    assert.deepEqual(parseStackTrace('Error: boom\nsomething happened at noon (maybe)\n\tindented prose: 12'), []);
  });

  test('a Python traceback logged after a Node stack: each run keeps its own order', () => {
    const text = [
      '    at handler (/srv/api.js:5:1)',
      'Traceback (most recent call last):',
      '  File "/srv/outer.py", line 1, in outer',
      '  File "/srv/inner.py", line 2, in inner',
    ].join('\n');
    assert.deepEqual(describeFrames(parseStackTrace(text)), [
      'handler /srv/api.js:5:1',
      'inner /srv/inner.py:2',
      'outer /srv/outer.py:1',
    ]);
  });
});

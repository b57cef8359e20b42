/**
 * Stack-trace parsing for the five runtimes AI apps are written in, as their runtimes print them (Python tracebacks,
 * V8 stacks, Java/Kotlin throwables, Go goroutine dumps, .NET exceptions). Each line is recognised on its own, except
 * Go, whose frames are a function line followed by an indented `file:line` line.
 *
 * Frames come back innermost first. Python prints the opposite (outermost first), so each run of consecutive Python
 * frames is reversed; for chained Python exceptions that puts the last printed traceback (the one that reached the
 * caller) first, like Java's and .NET's top exception.
 */
import { slashPath } from './paths';

export type StackLanguage = 'python' | 'node' | 'java' | 'go' | 'dotnet';

export interface StackFrame {
  /** As printed, except `file://` URLs, which become paths. Java frames carry the simple file name (`Agent.java`). */
  file: string;
  /** 1-based. */
  line: number | undefined;
  /** 1-based; only V8 prints it. */
  column: number | undefined;
  /** Qualified as printed (`com.example.Agent.run`, `main.(*Agent).runTool`), arguments removed. */
  function: string | undefined;
  language: StackLanguage;
}

const PYTHON_FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+?))?\s*$/;
/** `at Method(args) in path:line 42`; the three words are localised (`bei … in …:Zeile 42`, `à … dans …:ligne 42`). */
const DOTNET_FRAME = /^\s*\p{L}+ (\S+\(.*?\)) \p{L}+ (.+):\p{L}+ (\d+)\s*$/u;
/** `at pkg.Class.method(File.java:42)`: no space before the parenthesis, which V8 always prints. */
const JAVA_FRAME = /^\s*at ([^\s()]+)\(([^()]*)\)\s*$/;
const JAVA_SOURCE = /^([\w$-]+\.\w+)(?::(\d+))?$/;
/** The last frame is followed by ` {` when Node prints the error's own properties after the stack. */
const NODE_FRAME_WITH_FUNCTION = /^\s*at (.+?) \((.+)\)(?: \{)?\s*$/;
const NODE_FRAME_BARE = /^\s*at (?:async )?(\S.*?)(?: \{)?\s*$/;
const LOCATION = /^(.+?):(\d+)(?::(\d+))?$/;
const EVAL_ORIGIN = /\(([^()]+?):(\d+):(\d+)\)/;
const GO_LOCATION = /^\t(.+?):(\d+)(?: \+0x[0-9a-fA-F]+)?\s*$/;
const GO_CREATED_BY = /^created by (.+?)(?: in goroutine \d+)?$/;

export function parseStackTrace(text: string): StackFrame[] {
  const printed: StackFrame[] = [];
  let previousLine = '';
  for (const line of text.split(/\r?\n/)) {
    const frame = parseLine(line, previousLine);
    if (frame !== undefined) printed.push(frame);
    previousLine = line;
  }
  return innermostFirst(printed);
}

function parseLine(line: string, previousLine: string): StackFrame | undefined {
  return pythonFrame(line) ?? goFrame(line, previousLine) ?? dotnetFrame(line) ?? javaFrame(line) ?? nodeFrame(line);
}

function pythonFrame(line: string): StackFrame | undefined {
  const match = PYTHON_FRAME.exec(line);
  if (match === null) return undefined;
  const [, file, lineNumber, fn] = match;
  return { file: file!, line: Number(lineNumber), column: undefined, function: fn, language: 'python' };
}

/** Go prints `main.(*Agent).run(0xc000010000, {0x4c1234, 0x5})` (or `created by …`) then `\t/app/main.go:42 +0x1d`. */
function goFrame(line: string, previousLine: string): StackFrame | undefined {
  const match = GO_LOCATION.exec(line);
  if (match === null || previousLine === '' || /^\s/.test(previousLine)) return undefined;
  const [, file, lineNumber] = match;
  const header = previousLine.trim();
  const createdBy = GO_CREATED_BY.exec(header);
  const fn = createdBy !== null ? createdBy[1]! : withoutTrailingArguments(header);
  return { file: file!, line: Number(lineNumber), column: undefined, function: fn, language: 'go' };
}

function dotnetFrame(line: string): StackFrame | undefined {
  const match = DOTNET_FRAME.exec(line);
  if (match === null) return undefined;
  const [, method, file, lineNumber] = match;
  return {
    file: file!,
    line: Number(lineNumber),
    column: undefined,
    function: dotnetMethodName(method!),
    language: 'dotnet',
  };
}

function javaFrame(line: string): StackFrame | undefined {
  const match = JAVA_FRAME.exec(line);
  if (match === null) return undefined;
  const source = JAVA_SOURCE.exec(match[2]!);
  // `(Native Method)` and `(Unknown Source)` name no file.
  if (source === null) return undefined;
  // Java 9+ prefixes the module or class loader: `java.base/java.lang.Thread.run`, `app//com.example.Main.main`.
  const qualified = match[1]!;
  const method = qualified.slice(qualified.lastIndexOf('/') + 1);
  return {
    file: source[1]!,
    line: source[2] === undefined ? undefined : Number(source[2]),
    column: undefined,
    function: method,
    language: 'java',
  };
}

function nodeFrame(line: string): StackFrame | undefined {
  const withFunction = NODE_FRAME_WITH_FUNCTION.exec(line);
  const fn = withFunction === null ? undefined : nodeFunctionName(withFunction[1]!);
  const locationText = withFunction !== null ? withFunction[2] : NODE_FRAME_BARE.exec(line)?.[1];
  if (locationText === undefined) return undefined;
  const location = nodeLocation(locationText);
  if (location === undefined) return undefined;
  return { ...location, function: fn, language: 'node' };
}

/**
 * `/app/x.js:1:2`, `file:///app/x.mjs:1:2`, `node:internal/x:1:2`; for `eval at f (/app/x.js:3:5), <anonymous>:1:1`
 * the eval's origin.
 */
function nodeLocation(text: string): Pick<StackFrame, 'file' | 'line' | 'column'> | undefined {
  const origin = text.startsWith('eval at ') ? EVAL_ORIGIN.exec(text) : null;
  const match = origin ?? LOCATION.exec(text);
  // `<anonymous>`, `native`, `index 0` (Promise.all) carry no position.
  if (match === null) return undefined;
  const [, path, line, column] = match;
  const file = path!;
  return {
    file: file.startsWith('file://') ? slashPath(file) : file,
    line: Number(line),
    column: column === undefined ? undefined : Number(column),
  };
}

/** `async Agent.run [as execute]` → `Agent.run`; `new Agent` → `Agent`; `Object.<anonymous>` stays (not a symbol). */
function nodeFunctionName(text: string): string | undefined {
  const name = text
    .replace(/^async /, '')
    .replace(/^new /, '')
    .replace(/ \[as [^\]]+\]$/, '')
    .trim();
  return name === '' ? undefined : name;
}

/**
 * `Agent.Run(String x)` → `Agent.Run`; compiler-generated names back to the source method:
 * `Agent.<RunAsync>d__3.MoveNext()` → `Agent.RunAsync`, `Agent.<>c__DisplayClass2_0.<Run>b__0()` → `Agent.Run`.
 */
function dotnetMethodName(text: string): string {
  return withoutTrailingArguments(text)
    .replace(/\.MoveNext$/, '')
    .replace(/\.<>c(?:__DisplayClass[\w]*)?(?=\.)/g, '')
    .replace(/<([^<>]+)>[\w$|`]*/g, '$1');
}

/** Removes a final balanced `(…)`: Go and .NET print arguments, which can contain parentheses and braces. */
function withoutTrailingArguments(text: string): string {
  if (!text.endsWith(')')) return text;
  let depth = 0;
  for (let index = text.length - 1; index >= 0; index--) {
    const char = text[index];
    if (char === ')') depth++;
    else if (char === '(' && --depth === 0) return text.slice(0, index);
  }
  return text;
}

function innermostFirst(printed: StackFrame[]): StackFrame[] {
  const ordered: StackFrame[] = [];
  let runStart = 0;
  for (let index = 1; index <= printed.length; index++) {
    if (index < printed.length && printed[index]!.language === printed[runStart]!.language) continue;
    const run = printed.slice(runStart, index);
    ordered.push(...(printed[runStart]!.language === 'python' ? run.reverse() : run));
    runStart = index;
  }
  return ordered;
}

const LIBRARY_PATH = [
  /[\\/](?:site|dist)-packages[\\/]/i,
  /[\\/]lib[\\/]python\d[\d.]*[\\/]/i,
  /[\\/]python\d*[\\/]lib[\\/]/i,
  /[\\/]node_modules[\\/]/,
  /^node:/,
  // Node before 16 printed its own modules without the `node:` scheme.
  /^internal[\\/]/,
  /[\\/]pkg[\\/]mod[\\/]/,
  /[\\/]vendor[\\/]/,
  // .NET packages built with deterministic paths (SourceLink), such as the BCL and Azure SDKs.
  /^\/_\//,
];

/** GOROOT sources: `/usr/local/go/src`, `/usr/lib/go-1.22/src`, `~/sdk/go1.22.1/src`, Homebrew's `libexec/src`. */
const GO_ROOT_SOURCE = /[\\/](?:go(?:-?\d[\d.]*)?|libexec)[\\/]src[\\/]/i;
/** The platform, plus frameworks whose frames fill server stacks between the user's own (Spring, Netty, OkHttp, gRPC). */
const JAVA_LIBRARY_PACKAGES = [
  ...['java.', 'javax.', 'jakarta.', 'jdk.', 'sun.', 'com.sun.', 'kotlin.', 'kotlinx.', 'scala.'],
  ...[
    'org.springframework.',
    'org.apache.',
    'io.netty.',
    'reactor.',
    'okhttp3.',
    'okio.',
    'io.grpc.',
    'com.fasterxml.',
  ],
];
const DOTNET_PLATFORM = /^(?:System|Microsoft)\./;

/** Frames of the language runtime or of installed packages: never where the user's code is. */
export function isLibraryFrame(frame: StackFrame): boolean {
  // `<frozen importlib._bootstrap>`, `<string>`, `<anonymous>`: no source file at all.
  if (/^<.*>$/.test(frame.file)) return true;
  if (LIBRARY_PATH.some((pattern) => pattern.test(frame.file))) return true;
  const fn = frame.function ?? '';
  switch (frame.language) {
    case 'java':
      return JAVA_LIBRARY_PACKAGES.some((prefix) => fn.startsWith(prefix));
    case 'dotnet':
      return DOTNET_PLATFORM.test(fn);
    case 'go':
      // A GOPATH checkout also lives under `…/go/src/`; standard-library packages are the ones without a dot in
      // their first path element (`runtime`, `net/http`), apart from the program's own `main`.
      return GO_ROOT_SOURCE.test(frame.file) && isGoStandardPackage(fn);
    default:
      return false;
  }
}

/** `runtime.gopanic`, `net/http.(*conn).serve` and the builtin `panic` are standard; `github.com/…` and `main` are not. */
function isGoStandardPackage(fn: string): boolean {
  const firstElement = fn.includes('/') ? fn.slice(0, fn.indexOf('/')) : fn.split('.')[0]!;
  return firstElement !== '' && firstElement !== 'main' && !firstElement.includes('.');
}

/**
 * Where a Java frame's source lives relative to a source root: the class's package as folders plus the printed
 * file name (`com.example.Agent$Inner.run` in `Agent.java` → `com/example/Agent.java`).
 */
export function javaSourcePath(frame: StackFrame): string {
  const parts = (frame.function ?? '').split('.');
  // Drop the method and the class; what is left is the package.
  const packagePath = parts.slice(0, -2);
  return [...packagePath, frame.file].join('/');
}

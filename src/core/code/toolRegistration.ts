/**
 * Where a tool is registered, found in one file's text. The host's literal search finds files that name the tool;
 * these patterns then tell a registration (`server.tool("get_weather", …)`) from a definition (`def get_weather(`)
 * from a mere mention (`"get_weather"`), so that the best kind of match wins across files.
 */

export interface ToolMatch {
  /** 1-based. */
  line: number;
  /** 1-based, at the tool name. */
  column: number;
  /** Lower is better: 0 registration, 1 named tool definition, 2 function definition, 3 quoted mention. */
  rank: number;
  /** What was recognised, for the UI. */
  label: string;
}

interface ToolPattern {
  rank: number;
  label: string;
  regex: (name: string) => RegExp;
}

const QUOTED = (name: string) => `["'\`]${name}["'\`]`;

const PATTERNS: readonly ToolPattern[] = [
  {
    // `@tool("x")`, `@mcp.tool(name="x")`, `@function_tool(name_override="x")`.
    rank: 0,
    label: 'tool decorator',
    regex: (name) => new RegExp(`@[\\w.]*tool\\w*\\s*\\(\\s*(?:name(?:_override)?\\s*=\\s*)?${QUOTED(name)}`, 'g'),
  },
  {
    // MCP TypeScript SDK `server.tool("x"` / `server.registerTool("x"`, FastMCP `mcp.add_tool(…`, bare `registerTool('x'`.
    rank: 0,
    label: 'tool registration call',
    regex: (name) =>
      new RegExp(`(?:\\.|\\b)(?:tool|registerTool|addTool|add_tool|register_tool)\\s*\\(\\s*${QUOTED(name)}`, 'g'),
  },
  {
    // Vercel AI SDK and Mastra tools objects: `{ get_weather: tool({ … }) }`.
    rank: 0,
    label: 'tool({…}) keyed by name',
    regex: (name) => new RegExp(`(?:^|[\\s{,])["']?${name}["']?\\s*:\\s*(?:tool|dynamicTool|createTool)\\s*\\(`, 'gm'),
  },
  {
    // .NET MCP SDK and Semantic Kernel attributes.
    rank: 0,
    label: 'tool attribute',
    regex: (name) => new RegExp(`\\[\\s*(?:McpServerTool|KernelFunction)\\s*\\(\\s*(?:Name\\s*=\\s*)?"${name}"`, 'g'),
  },
  {
    // Tool definition objects and keyword arguments: OpenAI `{"name": "x"}`, LangChain `tool(fn, { name: 'x' })`,
    // `StructuredTool.from_function(name="x")`, Spring AI `@Tool(name = "x")`.
    rank: 1,
    label: 'tool definition naming it',
    regex: (name) => new RegExp(`\\bname["']?\\s*[:=]\\s*${QUOTED(name)}`, 'g'),
  },
  {
    rank: 2,
    label: 'function of the same name',
    regex: (name) =>
      new RegExp(`(?:\\b(?:def|function|func|fn)\\s+${name}\\s*[(<]|\\b(?:const|let|var)\\s+${name}\\s*=)`, 'g'),
  },
  {
    // A low-level MCP server dispatching on the name (`if name == "get_weather":`) is still where the tool runs.
    rank: 3,
    label: 'mention',
    regex: (name) => new RegExp(QUOTED(name), 'g'),
  },
];

const DECORATED_DEF = (name: string) => new RegExp(`^[ \\t]*(?:async[ \\t]+)?def[ \\t]+${name}[ \\t]*\\(`, 'gm');
/** `@mcp.tool`, `@tool`, `@function_tool`, `@agent.tool_plain`, `@server.tool()`. */
const TOOL_DECORATOR = /^[ \t]*@[\w.]*tool\w*\b/m;
/** How far above a `def` its decorators (possibly with multi-line arguments) are looked for. */
const DECORATOR_LOOKBACK_LINES = 8;

/** The best match for the tool in this file, first in the file among equals. */
export function findToolRegistration(text: string, toolName: string): ToolMatch | undefined {
  const name = escapeRegExp(toolName);
  let best: ToolMatch | undefined = decoratedFunction(text, name, toolName);
  for (const pattern of PATTERNS) {
    if (best !== undefined && best.rank <= pattern.rank) break;
    const match = pattern.regex(name).exec(text);
    if (match === null) continue;
    const at = match.index + match[0].indexOf(toolName);
    best = { ...positionOf(text, at), rank: pattern.rank, label: pattern.label };
  }
  return best;
}

/** A Python `def NAME(` under a tool decorator (`@mcp.tool`, `@tool`, `@function_tool`): the tool is named after it. */
function decoratedFunction(text: string, name: string, toolName: string): ToolMatch | undefined {
  for (const match of text.matchAll(DECORATED_DEF(name))) {
    const index = match.index ?? 0;
    if (!TOOL_DECORATOR.test(decoratorBlockAbove(text, index))) continue;
    const at = index + match[0].indexOf(toolName);
    return { ...positionOf(text, at), rank: 0, label: 'decorated tool function' };
  }
  return undefined;
}

/** The lines just above `index`, back to a blank line or the end of the previous statement block. */
function decoratorBlockAbove(text: string, index: number): string {
  const lines = text.slice(0, index).split(/\r?\n/);
  lines.pop();
  const block: string[] = [];
  for (let i = lines.length - 1; i >= 0 && block.length < DECORATOR_LOOKBACK_LINES; i--) {
    const line = lines[i]!;
    if (line.trim() === '' || /:\s*$/.test(line)) break;
    block.unshift(line);
  }
  return block.join('\n');
}

function positionOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  return { line, column: index - lineStart + 1 };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `ai-trace-lens mcp`: the traces served to coding agents (Claude Code, Copilot, Cursor…) as MCP tools over stdio,
 * the tools of core/agentTools. A store directory is followed, not loaded once, so an agent asking again sees the
 * runs recorded since. Stdout carries the MCP protocol alone: everything else goes to stderr.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { AGENT_TOOLS, runAgentTool } from '../core/agentTools';
import { agentToolSources, followStoreDirectory } from '../core/agentTools/sources';
import { OtlpFileError, readOtlpFile } from '../core/inputFiles';
import { loadOtlpFile } from '../core/traceFile';
import { describeError } from '../shared/errors';
import { plural } from '../shared/format';
import { CliError, HELP_OPTION, parseOptions } from './args';
import { extensionStoreCandidates, findExtensionStore } from './extensionStore';

export const MCP_USAGE = `  ai-trace-lens mcp [--store DIR | FILE...]
      Serves the traces to coding agents (Claude Code, Copilot, Cursor, …) as MCP tools over stdio: list_traces
      (TraceQL filter), get_trace, get_span, list_findings and model_stats (cost and latency by model). --store DIR
      follows the store that serve --store or the extension writes, so each call sees the runs recorded since;
      FILE... serves saved OTLP exports. With neither, it follows the VS Code extension's own store (in the global
      storage of VS Code, Insiders, VSCodium, Cursor, Windsurf or code-server: the one written last).
`;

const MCP_OPTIONS = { store: { type: 'string' }, help: HELP_OPTION } as const;

/** What clients show of the server, and tell the model about it. */
const INSTRUCTIONS =
  'AI Trace Lens records the OpenTelemetry traces of the app being developed: its LLM calls, agent steps and tool ' +
  'calls with prompts, answers, tokens, cost and timing. Start with list_traces (newest first) or list_findings ' +
  '(detected problems), then read a run with get_trace and one span with get_span.';

export async function mcp(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() => parseArgs({ args, options: MCP_OPTIONS, allowPositionals: true }));
  if (values.help) return help();
  const log = (message: string) => process.stderr.write(`ai-trace-lens mcp: ${message}\n`);
  const storeDir = values.store ?? (positionals.length === 0 ? await defaultStore() : undefined);
  if (storeDir !== undefined && !(await stat(storeDir).catch(() => undefined))?.isDirectory()) {
    throw new CliError(`${storeDir} is not a directory.`, 1);
  }
  const sources = agentToolSources(storeDir === undefined ? undefined : followStoreDirectory(storeDir, log));
  for (const path of positionals) {
    try {
      const loaded = loadOtlpFile(await readOtlpFile(path), path, sources);
      loaded.problems.forEach(log);
    } catch (error) {
      // OtlpFileError messages already start with the path.
      log(error instanceof OtlpFileError ? error.message : `${path}: ${describeError(error)}`);
    }
  }
  await sources.refresh?.();
  const from = storeDir === undefined ? plural(positionals.length, 'file') : storeDir;
  log(`serving ${plural(sources.traces.traceCount, 'trace')} from ${from} over stdio`);

  const server = new Server(
    { name: 'ai-trace-lens', title: 'AI Trace Lens', version: '1' },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: AGENT_TOOLS.map(({ name, title, description, inputSchema }) => ({
      name,
      title,
      description,
      inputSchema,
      annotations: { title, readOnlyHint: true, openWorldHint: false },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    const result = await runAgentTool(sources, params.name, params.arguments);
    return { content: [{ type: 'text', text: result.text }], isError: result.isError };
  });
  const closed = new Promise<void>((resolve) => (server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  // The client ends the session by closing stdin; the transport does not notice that by itself.
  process.stdin.once('end', () => void server.close());
  await closed;
  return 0;
}

async function defaultStore(): Promise<string> {
  const found = await findExtensionStore();
  if (found !== undefined) return found;
  throw new CliError(
    `found no AI Trace Lens store in VS Code's global storage; pass --store DIR or files. Looked in:\n` +
      extensionStoreCandidates()
        .map((dir) => `  ${dir}`)
        .join('\n'),
    1,
  );
}

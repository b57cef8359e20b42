/**
 * Each agent tool registered with `vscode.lm.registerTool` under the name package.json contributes it by. The tools
 * read the window's own stores, so they see what the Traces view shows, costs at the user's prices and the live
 * findings; a failure comes back as text the model reads and can act on, never as a thrown error.
 */
import * as vscode from 'vscode';
import { AGENT_TOOLS, runAgentTool, type AgentTool, type AgentToolSources } from '../core/agentTools';
import { LANGUAGE_MODEL_TOOL_PREFIX } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

/** The tools' input as the model wrote it: runAgentTool checks each field against the schema. */
type ToolInput = Record<string, unknown>;

/** Longest input value shown in the progress message, so a long TraceQL query keeps it on one line. */
const PROGRESS_VALUE_CHARS = 60;

export function registerLanguageModelTools(services: Services): vscode.Disposable {
  const sources: AgentToolSources = {
    traces: services.store,
    logs: services.logs,
    prices: services.prices,
    findings: services.findings,
  };
  const disposables = new DisposableStore();
  for (const tool of AGENT_TOOLS) {
    disposables.add(vscode.lm.registerTool(LANGUAGE_MODEL_TOOL_PREFIX + tool.name, languageModelTool(tool, sources)));
  }
  return disposables;
}

function languageModelTool(tool: AgentTool, sources: AgentToolSources): vscode.LanguageModelTool<ToolInput> {
  return {
    prepareInvocation: ({ input }) => ({ invocationMessage: progressMessage(tool, input) }),
    invoke: async ({ input }) => {
      const result = await runAgentTool(sources, tool.name, input);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.text)]);
    },
  };
}

/** The tool's title with the values it was called with, e.g. `Get a trace (4bf92f3577b34da6)`. */
function progressMessage(tool: AgentTool, input: unknown): string {
  if (typeof input !== 'object' || input === null) return tool.title;
  const values = Object.values(input)
    .filter((value) => typeof value === 'string' || typeof value === 'number')
    .map((value) => {
      const text = String(value);
      return text.length > PROGRESS_VALUE_CHARS ? `${text.slice(0, PROGRESS_VALUE_CHARS - 1)}…` : text;
    });
  return values.length === 0 ? tool.title : `${tool.title} (${values.join(', ')})`;
}

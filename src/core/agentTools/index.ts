/**
 * The tools coding agents use to read traces: one table for the MCP server (`ai-trace-lens mcp`) and VS Code's
 * Language Model Tools, and `runAgentTool`, which takes in new traces first and turns any failure into an error
 * result, so a bad call never stops the server.
 */
import { describeError } from '../../shared/errors';
import { getSpanTool } from './getSpan';
import { getTraceTool } from './getTrace';
import { listFindingsTool } from './listFindings';
import { listTracesTool } from './listTraces';
import { modelStatsTool } from './modelStats';
import { AgentToolError, type AgentTool, type AgentToolResult, type AgentToolSources } from './types';

export type { AgentTool, AgentToolResult, AgentToolSources } from './types';
export { RESULT_CHARS } from './lookup';

/** In the order a model would use them: find a run, read it, read a span; then the cross-trace views. */
export const AGENT_TOOLS: readonly AgentTool[] = [
  listTracesTool,
  getTraceTool,
  getSpanTool,
  listFindingsTool,
  modelStatsTool,
];

export async function runAgentTool(sources: AgentToolSources, name: string, input: unknown): Promise<AgentToolResult> {
  const tool = AGENT_TOOLS.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    return { text: `No tool "${name}"; the tools are ${AGENT_TOOLS.map((t) => t.name).join(', ')}.`, isError: true };
  }
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    return { text: `The input of ${name} must be a JSON object.`, isError: true };
  }
  try {
    await sources.refresh?.();
    return { text: tool.run(sources, (input ?? {}) as Record<string, unknown>), isError: false };
  } catch (error) {
    if (error instanceof AgentToolError) return { text: error.message, isError: true };
    return { text: `${name} failed: ${describeError(error)}`, isError: true };
  }
}

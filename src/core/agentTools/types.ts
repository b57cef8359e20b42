/**
 * What an agent tool is (a name, a title, a description written for a model, a JSON Schema of its input and a function
 * from the traces to text) and what it reads, so the MCP server and VS Code's Language Model Tools share one table.
 */
import type { PriceBook } from '../cost/priceBook';
import type { FindingsIndex } from '../findings/findingsIndex';
import type { LogStore } from '../store/logStore';
import type { TraceStore } from '../store/traceStore';

/** The traces the tools read, with their costs and findings kept up to date by whoever owns the stores. */
export interface AgentToolSources {
  readonly traces: TraceStore;
  readonly logs: LogStore;
  readonly prices: PriceBook;
  readonly findings: FindingsIndex;
  /** Takes in what arrived since the last call (a followed store directory); every tool call waits for it first. */
  refresh?(): Promise<void>;
}

/** The JSON Schema subset the tools' inputs use: an object of string and integer properties. */
export interface ToolInputSchema {
  type: 'object';
  properties: Record<string, ToolInputProperty>;
  required?: string[];
  additionalProperties: false;
}

export type ToolInputProperty =
  | { type: 'string'; description: string; enum?: readonly string[] }
  | { type: 'integer'; description: string; minimum: number; maximum: number };

export interface AgentTool {
  /** snake_case, as MCP clients show tool names. */
  readonly name: string;
  readonly title: string;
  /** For the people choosing tools (VS Code's tools picker): what it does, in a line. */
  readonly userDescription: string;
  /** For the model choosing a tool: what it answers, when to use it, and which ids it takes and gives. */
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  /** The answer as text; throws AgentToolError for input it cannot use. */
  run(sources: AgentToolSources, input: Readonly<Record<string, unknown>>): string;
}

/** A result the model reads; `isError` when the input could not be used, the text saying why and what to do. */
export interface AgentToolResult {
  text: string;
  isError: boolean;
}

/** Input a tool cannot use (an unknown id, a bad query): becomes an error result, never a failed server. */
export class AgentToolError extends Error {
  override readonly name = 'AgentToolError';
}

/**
 * The coding agents' feature: the agent tools (core/agentTools) as VS Code's Language Model Tools over this window's
 * live traces, for chat (`#aiTraces`) and agent mode, and, where VS Code has the API, `ai-trace-lens mcp` over the
 * shared store as an MCP server definition, so MCP clients inside VS Code find the same tools without configuration.
 */
import type * as vscode from 'vscode';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { registerLanguageModelTools } from './languageModelTools';
import { registerMcpServer } from './mcpServer';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  disposables.add(registerLanguageModelTools(services));
  disposables.add(registerMcpServer(services));
  return disposables;
}

/**
 * `ai-trace-lens mcp --store DIR` offered to VS Code's MCP clients (Copilot's agent mode) through an MCP server
 * definition provider, so they find the traces' tools without an mcp.json. The API came after the VS Code version
 * package.json's engines allow (and so after @types/vscode), so the little of it used is declared here and looked up
 * at run time: where it is missing, nothing is registered and the README's mcp.json snippet does the same.
 *
 * The server is the CLI bundled in the extension (dist/cli.js), run by the extension host's own executable: Node in
 * code-server and remote hosts, Electron made to act as Node (ELECTRON_RUN_AS_NODE) in the desktop app. It follows
 * the store this window shares with the others; with storage off the traces live in the window's memory alone, which
 * only the Language Model Tools read, so no server is offered.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { MCP_SERVER_PROVIDER_ID } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';

/** The part of VS Code's `McpStdioServerDefinition` (1.101) the provider fills in. */
interface StdioServerDefinition {
  readonly label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  version?: string;
}

type StdioServerDefinitionClass = new (
  label: string,
  command: string,
  args?: string[],
  env?: Record<string, string | number | null>,
  version?: string,
) => StdioServerDefinition;

interface ServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): StdioServerDefinition[];
}

type RegisterProvider = (id: string, provider: ServerDefinitionProvider) => vscode.Disposable;

interface McpApi {
  registerProvider: RegisterProvider;
  StdioServerDefinition: StdioServerDefinitionClass;
}

export function registerMcpServer(services: Services): vscode.Disposable {
  const api = findMcpApi();
  if (api === undefined) return { dispose: () => undefined };
  const disposables = new DisposableStore();
  const changed = disposables.add(new vscode.EventEmitter<void>());
  const { extension } = services.context;
  const { version } = extension.packageJSON as { version: string };
  const cli = join(extension.extensionPath, 'dist', 'cli.js');
  // The storage's change event fires on every batch it loads: tell VS Code only when the directory itself changed.
  let directory = services.storage.directory;
  disposables.add(
    services.storage.onDidChange(() => {
      if (services.storage.directory === directory) return;
      directory = services.storage.directory;
      changed.fire();
    }),
  );
  disposables.add(
    api.registerProvider(MCP_SERVER_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        if (directory === undefined) return [];
        const args = [cli, 'mcp', '--store', directory];
        return [new api.StdioServerDefinition('AI Trace Lens', process.execPath, args, ELECTRON_AS_NODE, version)];
      },
    }),
  );
  return disposables;
}

/** Makes the desktop app's Electron executable run the script as Node; plain Node ignores it. */
const ELECTRON_AS_NODE = { ELECTRON_RUN_AS_NODE: '1' };

/** VS Code's MCP server definition API, when this VS Code has it. */
function findMcpApi(): McpApi | undefined {
  const lm: object = vscode.lm;
  const api: object = vscode;
  if (!('registerMcpServerDefinitionProvider' in lm) || typeof lm.registerMcpServerDefinitionProvider !== 'function') {
    return undefined;
  }
  if (!('McpStdioServerDefinition' in api) || typeof api.McpStdioServerDefinition !== 'function') return undefined;
  const register = lm.registerMcpServerDefinitionProvider as RegisterProvider;
  return {
    registerProvider: (id, provider) => register.call(vscode.lm, id, provider),
    StdioServerDefinition: api.McpStdioServerDefinition as StdioServerDefinitionClass,
  };
}

/**
 * Starts the packaged extension (ai-trace-lens.vsix) in a real VS Code: code-server (installed by
 * scripts/e2e-setup.sh) runs VS Code's server and extension host; its workbench runs in Debian's Chromium, driven by
 * playwright-core. Every launch owns one code-server in its own process group on an ephemeral loopback port, with
 * fresh user data, extensions and workspace copy in a temp folder, and its own receiver port in the user settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { freePort } from './ports';
import { delay, STARTUP_TIMEOUT_MS } from './wait';

const REPO_ROOT = resolve(__dirname, '..', '..');
const INSTALL_ROOT = join(REPO_ROOT, '.vscode-test');
const NODE_24_BIN = join(INSTALL_ROOT, 'node24', 'node_modules', '.bin');
const CODE_SERVER = join(INSTALL_ROOT, 'code-server', 'node_modules', '.bin', 'code-server');
const FIXTURE_WORKSPACE = join(__dirname, 'fixtures', 'workspace');
/** `npm run package` writes this file; AI_TRACE_LENS_VSIX points elsewhere (e.g. a package built to /tmp). */
const VSIX = resolve(REPO_ROOT, process.env.AI_TRACE_LENS_VSIX ?? 'ai-trace-lens.vsix');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');
/** code-server exits by itself when no browser was connected for this long: a safety net if a test process dies. */
const IDLE_TIMEOUT_SECONDS = 300;

export interface LaunchOptions {
  /** Names screenshots and saved logs. */
  name: string;
  /** Extra user settings, merged over the defaults below. */
  settings?: Record<string, unknown>;
  /**
   * Machine settings (code-server's remote settings): where settings of `machine` scope, such as the gateway's
   * upstreams, take effect; VS Code ignores them in user settings in a remote window.
   */
  machineSettings?: Record<string, unknown>;
  /** The receiver port to configure; a free one by default. */
  receiverPort?: number;
  /** The OTLP/gRPC port to configure; a free one by default. */
  grpcPort?: number;
  /** The AI gateway's port to configure; a free one by default. */
  gatewayPort?: number;
  /**
   * How long a window's extension host outlives its closed browser tab (code-server keeps it for a reconnection, three
   * hours by default); a desktop window's ends with the window.
   */
  reconnectionGraceSeconds?: number;
  /** More packaged extensions to install beside the one under test, e.g. a test extension (fixtures/agent-tools-probe). */
  extraVsixes?: readonly string[];
  /** Extensions allowed the proposed APIs their package.json enables (a test extension reading what VS Code knows). */
  proposedApiExtensions?: readonly string[];
}

interface CodeServer {
  child: ChildProcess;
  exited: Promise<void>;
  port: number;
}

/** A running code-server with its workbench open in Chromium. */
export interface LaunchedWorkbench {
  page: Page;
  receiverPort: number;
  grpcPort: number;
  gatewayPort: number;
  /** The temp folder holding the user data, extensions, workspace copy and logs. */
  root: string;
  browser: Browser;
  server: CodeServer;
}

/** Installs the vsix into fresh user data, starts code-server on the workspace copy and opens it in Chromium. */
export async function launchWorkbench(options: LaunchOptions): Promise<LaunchedWorkbench> {
  if (!existsSync(CODE_SERVER)) throw new Error(`${CODE_SERVER} is missing: run scripts/e2e-setup.sh first.`);
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run \`npm run package\` (or set AI_TRACE_LENS_VSIX).`);
  const root = await mkdtemp(join(tmpdir(), 'atl-e2e-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    const userData = join(root, 'user-data');
    const extensions = join(root, 'extensions');
    const workspace = join(root, 'workspace');
    const receiverPort = options.receiverPort ?? (await freePort());
    // Sessions may run side by side: each gets its own free OTLP/gRPC port rather than the default 4317.
    const grpcPort = options.grpcPort ?? (await freePort());
    // Likewise the gateway, rather than the default 4319.
    const gatewayPort = options.gatewayPort ?? (await freePort());
    await mkdir(join(userData, 'User'), { recursive: true });
    await cp(FIXTURE_WORKSPACE, workspace, { recursive: true });
    const settings = {
      ...quietWorkbenchSettings(),
      'aiTraceLens.receiver.port': receiverPort,
      'aiTraceLens.receiver.grpcPort': grpcPort,
      'aiTraceLens.gateway.port': gatewayPort,
      ...options.settings,
    };
    await writeFile(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    if (options.machineSettings) {
      await mkdir(join(userData, 'Machine'), { recursive: true });
      await writeFile(join(userData, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings, null, 2));
    }
    await writeFile(join(root, 'config.yaml'), '');

    // About 4 s per session; a shared installed copy would save little and could be changed by a running server.
    await runCodeServerCli(root, [
      '--extensions-dir',
      extensions,
      '--user-data-dir',
      userData,
      '--install-extension',
      VSIX,
      ...(options.extraVsixes ?? []).flatMap((vsix) => ['--install-extension', vsix]),
    ]);
    server = await startCodeServer(root, [
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      ...(options.proposedApiExtensions ?? []).flatMap((id) => ['--enable-proposed-api', id]),
      '--idle-timeout-seconds',
      String(IDLE_TIMEOUT_SECONDS),
      ...(options.reconnectionGraceSeconds === undefined
        ? []
        : ['--reconnection-grace-time', String(options.reconnectionGraceSeconds)]),
      '--extensions-dir',
      extensions,
      '--user-data-dir',
      userData,
      workspace,
    ]);

    browser = await launchChromium();
    const origin = `http://127.0.0.1:${server.port}`;
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
    return { page, receiverPort, grpcPort, gatewayPort, root, browser, server };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    if (server !== undefined) await stopProcessGroup(server);
    await saveLogs(root, options.name).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** Another window of the same VS Code: a second tab on the same code-server, with an extension host of its own. */
export async function openAnotherPage({ page }: LaunchedWorkbench): Promise<Page> {
  const another = await page.context().newPage();
  await another.goto(page.url());
  await another.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
  return another;
}

/** Closes the browser, stops exactly this code-server's process group and removes the temp folder. */
export async function closeWorkbench({ browser, server, root }: LaunchedWorkbench): Promise<void> {
  await browser.close().catch(() => undefined);
  await stopProcessGroup(server);
  await rm(root, { recursive: true, force: true });
}

/** Settings that keep the workbench free of what code-server and VS Code show on a first start. */
function quietWorkbenchSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.enableExperiments': false,
    'workbench.hover.delay': 300,
    // The Traces view shares its container with Statistics, so its buttons are in its own header, shown on hover.
    'workbench.view.alwaysShowHeaderActions': true,
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    // The receiver's port would otherwise be auto-forwarded, with a notification of its own.
    'remote.autoForwardPorts': false,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
  };
}

function codeServerEnvironment(root: string): NodeJS.ProcessEnv {
  // code-server 4.139 needs Node 24 (the machine's Node is 20); its config and data stay inside the session folder.
  return {
    ...process.env,
    PATH: `${NODE_24_BIN}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
  };
}

/** Runs a one-shot code-server command (e.g. installing the vsix) and fails with its output when it fails. */
function runCodeServerCli(root: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(CODE_SERVER, ['--config', join(root, 'config.yaml'), ...args], {
      env: codeServerEnvironment(root),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
}

/** Starts code-server in its own process group and resolves once it reports the port it listens on. */
function startCodeServer(root: string, args: string[]): Promise<CodeServer> {
  const log = createWriteStream(join(root, 'code-server.log'));
  const child = spawn(CODE_SERVER, ['--config', join(root, 'config.yaml'), ...args], {
    env: codeServerEnvironment(root),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', () => {
      log.end();
      resolveExit();
    }),
  );
  return new Promise((resolveStart, reject) => {
    let output = '';
    let started = false;
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (started) return;
      void stopProcessGroup({ child, exited, port: 0 }).then(() => reject(new Error(`${error.message}\n${output}`)));
    };
    const timer = setTimeout(
      () => fail(new Error(`code-server did not report its port within ${STARTUP_TIMEOUT_MS} ms`)),
      STARTUP_TIMEOUT_MS,
    );
    const onOutput = (chunk: Buffer) => {
      log.write(chunk);
      if (started) return;
      output += chunk.toString();
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        started = true;
        clearTimeout(timer);
        resolveStart({ child, exited, port: Number(match[1]) });
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`code-server exited early (${code ?? signal})`)));
  });
}

/** Stops exactly the group code-server leads (its VS Code server and extension hosts), escalating if it lingers. */
async function stopProcessGroup({ child, exited }: CodeServer): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
  if (!stopped) signalGroup('SIGKILL');
  // Extension hosts may outlive the leader for a moment; make sure none is left behind.
  await delay(200);
  signalGroup('SIGKILL');
}

/** Keeps code-server's output and VS Code's logs (extension host, our output channel) of a failed session. */
export async function saveLogs(root: string, name: string): Promise<void> {
  const target = join(RESULTS_DIR, `${slug(name)}-logs`);
  await mkdir(target, { recursive: true });
  await cp(join(root, 'code-server.log'), join(target, 'code-server.log')).catch(() => undefined);
  await cp(join(root, 'user-data', 'logs'), join(target, 'vscode-logs'), { recursive: true }).catch(() => undefined);
}

/** A file-name-safe form of a test or session name. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

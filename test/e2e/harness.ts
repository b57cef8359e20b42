/**
 * End-to-end harness: the packaged extension (ai-trace-lens.vsix) in a real VS Code. code-server (installed by
 * scripts/e2e-setup.sh) runs VS Code's server and extension host; its workbench runs in Debian's Chromium, driven by
 * playwright-core. Every session owns one code-server in its own process group on an ephemeral loopback port, with
 * fresh user data, extensions and workspace copy in a temp folder, and its own receiver port in the user settings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

const REPO_ROOT = resolve(__dirname, '..', '..');
const INSTALL_ROOT = join(REPO_ROOT, '.vscode-test');
const NODE_24_BIN = join(INSTALL_ROOT, 'node24', 'node_modules', '.bin');
const CODE_SERVER = join(INSTALL_ROOT, 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const FIXTURE_WORKSPACE = join(__dirname, 'fixtures', 'workspace');
/** `npm run package` writes this file; AI_TRACE_LENS_VSIX points elsewhere (e.g. a package built to /tmp). */
const VSIX = resolve(REPO_ROOT, process.env.AI_TRACE_LENS_VSIX ?? 'ai-trace-lens.vsix');
const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');

export const STARTUP_TIMEOUT_MS = 90_000;
/** How long UI expectations wait: the tree and status bar refresh within a second, a loaded machine needs more. */
export const UI_TIMEOUT_MS = 15_000;
/** How long a trace row may stay collapsed after a click on its twistie (children loading) before another click. */
const EXPAND_RETRY_MS = 2_000;
const TEST_TIMEOUT_MS = 120_000;
const SIDE_BAR_WIDTH = 560;
/** code-server exits by itself when no browser was connected for this long: a safety net if a test process dies. */
const IDLE_TIMEOUT_SECONDS = 300;

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

interface Manifest {
  publisher: string;
  name: string;
  contributes?: {
    commands?: ManifestCommand[];
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    views?: Record<string, { id: string; name: string }[]>;
  };
}

/** The package.json the vsix was built from: titles and names in the UI come from it, never from the tests. */
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** The label the command palette shows for a contributed command: `Category: Title`. */
function paletteLabel(commandId: string): string {
  const command = manifest.contributes?.commands?.find((candidate) => candidate.command === commandId);
  if (command === undefined) throw new Error(`package.json contributes no command ${commandId}`);
  return command.category === undefined ? command.title : `${command.category}: ${command.title}`;
}

function viewContainerTitle(containerId: string): string {
  for (const containers of Object.values(manifest.contributes?.viewsContainers ?? {})) {
    const container = containers.find((candidate) => candidate.id === containerId);
    if (container !== undefined) return container.title;
  }
  throw new Error(`package.json contributes no view container ${containerId}`);
}

function viewName(viewId: string): string {
  for (const views of Object.values(manifest.contributes?.views ?? {})) {
    const view = views.find((candidate) => candidate.id === viewId);
    if (view !== undefined) return view.name;
  }
  throw new Error(`package.json contributes no view ${viewId}`);
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('the OS reported no port'))));
    });
  });
}

/** Holds a loopback port the way another collector would. */
export function occupyPort(port: number): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolveServer(server));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolveClose, reject) => server.close((error) => (error ? reject(error) : resolveClose())));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

/** Polls `probe` until it returns a value other than undefined; the last error or value goes into the message. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = UI_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await delay(200);
  }
}

export interface TreeRow {
  /** Position in the list (rows are virtualised and absolutely positioned, so DOM order is not list order). */
  index: number;
  level: number;
  label: string;
  description: string;
  ariaLabel: string;
  /** `codicon-…` classes of the row's icon. */
  icons: string[];
  expanded: boolean | undefined;
}

export interface TreeNode extends TreeRow {
  children: TreeNode[];
}

/** Nests rows (in list order) by their `aria-level`. */
function nestRows(rows: readonly TreeRow[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const stack: TreeNode[] = [];
  for (const row of rows) {
    const node: TreeNode = { ...row, children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.level >= row.level) stack.pop();
    (stack.length === 0 ? roots : stack[stack.length - 1]!.children).push(node);
    stack.push(node);
  }
  return roots;
}

/** The first node labelled `label` in a depth-first walk of `nodes`. */
export function findNode(nodes: readonly TreeNode[], label: string): TreeNode | undefined {
  for (const node of nodes) {
    if (node.label === label) return node;
    const found = findNode(node.children, label);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What the browser page offers that the tests read; declared here because the project compiles without the DOM lib. */
interface PageGlobals {
  navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };
  __xss?: unknown;
}

export interface SessionOptions {
  /** Names screenshots and saved logs. */
  name: string;
  /** Extra user settings, merged over the defaults below. */
  settings?: Record<string, unknown>;
  /** The receiver port to configure; a free one by default. */
  receiverPort?: number;
  /** The OTLP/gRPC port to configure; a free one by default. */
  grpcPort?: number;
}

export class VsCodeSession {
  private constructor(
    readonly name: string,
    readonly page: Page,
    readonly receiverPort: number,
    readonly grpcPort: number,
    private readonly browser: Browser,
    private readonly server: CodeServer,
    private readonly root: string,
  ) {}

  static async start(options: SessionOptions): Promise<VsCodeSession> {
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
      await mkdir(join(userData, 'User'), { recursive: true });
      await cp(FIXTURE_WORKSPACE, workspace, { recursive: true });
      const settings = {
        ...quietWorkbenchSettings(),
        'aiTraceLens.receiver.port': receiverPort,
        'aiTraceLens.receiver.grpcPort': grpcPort,
        ...options.settings,
      };
      await writeFile(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
      await writeFile(join(root, 'config.yaml'), '');

      // About 4 s per session; a shared installed copy would save little and could be changed by a running server.
      await runCodeServerCli(root, [
        '--extensions-dir',
        extensions,
        '--user-data-dir',
        userData,
        '--install-extension',
        VSIX,
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
        '--idle-timeout-seconds',
        String(IDLE_TIMEOUT_SECONDS),
        '--extensions-dir',
        extensions,
        '--user-data-dir',
        userData,
        workspace,
      ]);

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      const origin = `http://127.0.0.1:${server.port}`;
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
      const page = await context.newPage();
      await page.goto(`${origin}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
      return new VsCodeSession(options.name, page, receiverPort, grpcPort, browser, server, root);
    } catch (error) {
      await browser?.close().catch(() => undefined);
      if (server !== undefined) await stopProcessGroup(server);
      await saveLogs(root, options.name).catch(() => undefined);
      await rm(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The session's copy of the fixture workspace: the folder VS Code has open. */
  get workspaceFolder(): string {
    return join(this.root, 'workspace');
  }

  /** Closes the browser, stops exactly this code-server's process group and removes the temp folder. */
  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await stopProcessGroup(this.server);
    await rm(this.root, { recursive: true, force: true });
  }

  /** Runs one test's UI steps; on failure saves a screenshot and the VS Code logs under test-results/e2e/. */
  async runStep(step: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      await this.screenshot(`failure ${step}`).catch(() => undefined);
      await saveLogs(this.root, `${this.name}-${slug(step)}`).catch(() => undefined);
      throw error;
    }
  }

  async screenshot(name: string): Promise<string> {
    await mkdir(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${slug(this.name)}-${slug(name)}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  // ---- Command palette

  /** Runs a contributed command from the palette (F1), by the label package.json gives it. */
  async runCommand(commandId: string): Promise<void> {
    await this.runPaletteEntry(paletteLabel(commandId));
  }

  /** Opens the palette, types `label` and picks the entry whose label is exactly `label`. */
  private async runPaletteEntry(label: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    // Escape only closes a quick input left open; elsewhere (e.g. in the tree) it would clear the selection.
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = widget.locator('.quick-input-box input');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    await input.fill(`>${label}`);
    const entry = widget
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
    try {
      await entry.first().waitFor({ timeout: UI_TIMEOUT_MS });
    } catch {
      const shown = await widget.locator('.monaco-list-row .label-name').allTextContents();
      throw new Error(`The command palette offers no "${label}" (it shows: ${JSON.stringify(shown)})`);
    }
    await entry.first().click();
  }

  /** The Explorer's row of the workspace file `name` (at the top level), once the Explorer shows it. */
  async explorerRow(name: string): Promise<Locator> {
    await this.page.keyboard.press('ControlOrMeta+Shift+E');
    const row = this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) });
    await row.first().waitFor({ timeout: UI_TIMEOUT_MS });
    return row.first();
  }

  /** Right-clicks `target` and runs the entry `label` of the context menu that opens. */
  async runContextMenuEntry(target: Locator, label: string): Promise<void> {
    await target.click({ button: 'right' });
    const entry = this.page.locator('.monaco-menu .action-label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) });
    await entry.waitFor({ timeout: UI_TIMEOUT_MS });
    // The menu ignores a click that comes right after it opened: click until it closes.
    await eventually(`the context menu entry "${label}" to run`, async () => {
      if (await entry.isVisible()) await entry.click({ timeout: 1000 }).catch(() => undefined);
      return (await entry.isVisible()) ? undefined : true;
    });
  }

  /**
   * Answers the file dialog a command opened with `path`, until `answered` (what the command does with the file)
   * shows: code-server shows VS Code's own dialog, a quick input holding a path, which takes the typed path on Enter.
   */
  async answerFileDialog(path: string, answered: Locator): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    // The dialog fills in its default path once it has read the folder: typing before that would be overwritten.
    await eventually('the file dialog to show its default path', async () =>
      (await input.inputValue()) ? true : undefined,
    );
    // It can still put its folder back while it lists it, and then answers Enter with "Please select a file" (its
    // input hides for a moment meanwhile): type the path and press Enter until the command has the file.
    await eventually(`the file dialog to take ${path}`, async () => {
      if (await answered.isVisible()) return true;
      if (!(await input.isVisible())) return undefined;
      if ((await input.inputValue()) !== path) await input.fill(path);
      else await input.press('Enter');
      return undefined;
    });
  }

  /** Waits for the quick pick titled `title` (a command asking the user to choose) and returns its entries. */
  async quickPickLabels(title: string): Promise<string[]> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
    const rows = widget.locator('.monaco-list-row .label-name');
    // The list renders after the title; read it once two reads agree.
    let previous: string[] = [];
    return eventually(`the entries of the quick pick "${title}"`, async () => {
      const labels = (await rows.allTextContents()).map(normalizeSpaces);
      const stable = labels.length > 0 && labels.join('\n') === previous.join('\n');
      previous = labels;
      return stable ? labels : undefined;
    });
  }

  async pickQuickPickEntry(label: string | RegExp): Promise<void> {
    await this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: label }) })
      .first()
      .click();
  }

  // ---- The Traces view

  /** The view's pane (header and body) in the side bar. */
  get tracesPane(): Locator {
    const name = viewName('aiTraceLens.traces');
    return this.page
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}`, 'i') }) });
  }

  /** Opens the extension's view container from the activity bar, unless its side bar is already showing. */
  async openTracesView(): Promise<void> {
    if (await this.tracesPane.isVisible()) return;
    const title = viewContainerTitle('aiTraceLens');
    const item = this.page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`);
    await item.first().click({ timeout: UI_TIMEOUT_MS });
    await this.tracesPane.waitFor({ timeout: UI_TIMEOUT_MS });
    await this.widenSideBar(SIDE_BAR_WIDTH);
  }

  /** Drags the side bar's edge so rows show their descriptions untruncated in screenshots. */
  private async widenSideBar(width: number): Promise<void> {
    const sideBar = await this.page.locator('.part.sidebar').boundingBox();
    if (sideBar === null || sideBar.width >= width) return;
    const edge = sideBar.x + sideBar.width;
    for (const sash of await this.page.locator('.monaco-sash.vertical').all()) {
      const box = await sash.boundingBox();
      if (box === null || Math.abs(box.x + box.width / 2 - edge) > 4) continue;
      const y = box.y + box.height / 2;
      await this.page.mouse.move(box.x + box.width / 2, y);
      await this.page.mouse.down();
      await this.page.mouse.move(sideBar.x + width, y, { steps: 5 });
      await this.page.mouse.up();
      // Off the sash, or it stays highlighted.
      await this.page.mouse.move(sideBar.x + width + 200, y);
      return;
    }
  }

  /** The view's welcome content (shown while it has no traces), or undefined. */
  async welcomeText(): Promise<string | undefined> {
    const welcome = this.tracesPane.locator('.welcome-view-content');
    if (!(await welcome.isVisible())) return undefined;
    return normalizeSpaces(await welcome.innerText());
  }

  /** The rows the tree renders now, in list order. */
  async treeRows(): Promise<TreeRow[]> {
    // No named helpers inside: tsx compiles them with a `__name` wrapper that does not exist in the page.
    const rows: TreeRow[] = await this.tracesPane.locator('.monaco-list-row').evaluateAll((elements) =>
      elements.map((element) => {
        const icon = element.querySelector('.custom-view-tree-node-item-icon');
        const expanded = element.getAttribute('aria-expanded');
        return {
          index: Number(element.getAttribute('data-index')),
          level: Number(element.getAttribute('aria-level')),
          label: element.querySelector('.label-name')?.textContent ?? '',
          description: element.querySelector('.label-description')?.textContent ?? '',
          ariaLabel: element.getAttribute('aria-label') ?? '',
          icons: icon === null ? [] : [...icon.classList].filter((name: string) => name.startsWith('codicon-')),
          expanded: expanded === null ? undefined : expanded === 'true',
        };
      }),
    );
    return rows
      .map((row) => ({ ...row, label: normalizeSpaces(row.label), description: normalizeSpaces(row.description) }))
      .sort((a, b) => a.index - b.index);
  }

  /** The trace rows (top level) in list order. */
  async traceRows(): Promise<TreeRow[]> {
    return (await this.treeRows()).filter((row) => row.level === 1);
  }

  /** The row of the trace whose label (root span name) is `label`. */
  traceRow(label: string): Locator {
    return this.tracesPane
      .locator('.monaco-list-row[aria-level="1"]')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
  }

  /** Waits for the trace row `label`, expands it and returns its subtree as the view shows it. */
  async expandTrace(label: string): Promise<TreeNode> {
    const row = this.traceRow(label).first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    return this.traceTree(label, row);
  }

  /**
   * The subtree of an expanded trace row, once its rows have rendered. With `row`, a collapsed row is expanded, again
   * if a refresh of the view (a trace arriving while the click lands) collapsed it before its children loaded.
   */
  async traceTree(label: string, row?: Locator): Promise<TreeNode> {
    let lastClick = -Infinity;
    return eventually(`the expanded trace "${label}"`, async () => {
      const trace = nestRows(await this.treeRows()).find((node) => node.level === 1 && node.label === label);
      if (trace?.expanded === true && trace.children.length > 0) return trace;
      if (row !== undefined && trace?.expanded === false && Date.now() - lastClick > EXPAND_RETRY_MS) {
        lastClick = Date.now();
        await row.locator('.monaco-tl-twistie').click({ timeout: UI_TIMEOUT_MS / 3 });
      }
      const state =
        trace === undefined ? 'no such row' : `expanded: ${trace.expanded}, ${trace.children.length} children`;
      throw new Error(`the trace row shows ${state}`);
    });
  }

  /** Hovers a row and returns the tooltip's text (tree item tooltips are resolved on hover). */
  async rowTooltip(row: Locator): Promise<{ text: string; html: string }> {
    await this.page.mouse.move(0, 0);
    await row.hover();
    // The hover shows "Loading..." until the extension has resolved the item's tooltip.
    const hover = this.page
      .locator('.workbench-hover, .monaco-hover')
      .filter({ hasText: /\S/ })
      .filter({ hasNotText: /^\s*Loading\.\.\.\s*$/ })
      .last();
    await hover.waitFor({ timeout: UI_TIMEOUT_MS });
    return { text: normalizeSpaces(await hover.innerText()), html: await hover.innerHTML() };
  }

  // ---- Status bar, notifications, editors, clipboard

  /** The extension's receiver status bar item. */
  get statusBarItem(): Locator {
    return this.page.locator(`.statusbar-item[id="${EXTENSION_ID}.aiTraceLens.receiver" i]`);
  }

  async statusBarText(): Promise<string> {
    return normalizeSpaces(await this.statusBarItem.innerText({ timeout: UI_TIMEOUT_MS }));
  }

  /** Waits until the status bar item's text matches `pattern` and returns it. */
  async waitForStatusBar(pattern: RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
    return eventually(
      `a status bar item matching ${pattern}`,
      async () => {
        const text = await this.statusBarText();
        return pattern.test(text) ? text : undefined;
      },
      timeoutMs,
    );
  }

  /** Waits for the extension to activate (`onStartupFinished`) and its receiver to listen on the configured port. */
  async waitForReceiver(): Promise<string> {
    const address = new RegExp(`127\\.0\\.0\\.1:${this.receiverPort}$`);
    return eventually(
      `the status bar to show the receiver listening on port ${this.receiverPort}`,
      async () => {
        const text = await this.statusBarText();
        // While starting, the item shows the same address with a spinning icon.
        const starting = await this.statusBarItem.locator('.codicon-modifier-spin').count();
        return address.test(text) && starting === 0 ? text : undefined;
      },
      STARTUP_TIMEOUT_MS,
    );
  }

  /** The notification toast whose message matches `message`. */
  notification(message: string | RegExp): Locator {
    return this.page
      .locator('.notifications-toasts .notification-toast')
      .filter({ has: this.page.locator('.notification-list-item-message', { hasText: message }) });
  }

  async notificationButtons(toast: Locator): Promise<string[]> {
    return (await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map(
      normalizeSpaces,
    );
  }

  async clickNotificationButton(toast: Locator, label: string): Promise<void> {
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).click();
  }

  /** The editor group whose active tab's title contains `title`. */
  editorGroup(title: string): Locator {
    return (
      this.page
        .locator('.editor-group-container')
        // Not `.label-name` alone: VS Code 1.139 shows a file's extension in a separate `.label-suffix`.
        .filter({ has: this.page.locator('.tab.active', { hasText: title }) })
    );
  }

  /**
   * The whole text of the editor whose tab title contains `title`, once it is open: selected and copied, because
   * the editor renders only the lines in view.
   */
  async editorText(title: string): Promise<string> {
    const group = this.editorGroup(title).first();
    await group.waitFor({ timeout: UI_TIMEOUT_MS });
    await group.locator('.monaco-editor .view-lines').click();
    await this.writeClipboard('');
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+C');
    const text = await eventually('the copied editor text', async () => (await this.readClipboard()) || undefined);
    await this.page.keyboard.press('ControlOrMeta+Home');
    return text;
  }

  async readClipboard(): Promise<string> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
  }

  async writeClipboard(text: string): Promise<void> {
    await this.page.evaluate(
      (value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value),
      text,
    );
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P) by its absolute path, which Quick Open offers without waiting
   * for the file search, and waits for its editor tab.
   */
  async openFile(relativePath: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('ControlOrMeta+P');
    const input = widget.locator('.quick-input-box input');
    await input.waitFor({ timeout: UI_TIMEOUT_MS });
    await input.fill(join(this.workspaceFolder, relativePath));
    const name = relativePath.split('/').pop()!;
    await widget
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: name }) })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await input.press('Enter');
    await this.editorGroup(name).first().waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The cursor line the status bar shows for the active editor (`Ln 12, Col 5`), or undefined when it shows none. */
  async cursorLine(): Promise<number | undefined> {
    const item = this.page.locator('.statusbar-item[id="status.editor.selection"]');
    if (!(await item.isVisible())) return undefined;
    const match = /Ln (\d+)/.exec(await item.innerText());
    return match === null ? undefined : Number(match[1]);
  }

  /**
   * The CodeLens lines above the source line containing `lineText` in the editor titled `title`: each lens rendered
   * in the band between that line and the line before it.
   */
  async codeLensesAbove(title: string, lineText: string): Promise<string[]> {
    const editor = this.editorGroup(title).first().locator('.monaco-editor');
    const line = editor.locator('.view-lines .view-line').filter({ hasText: lineText }).first();
    const lineBox = await line.boundingBox();
    if (lineBox === null) return [];
    const texts: string[] = [];
    for (const lens of await editor.locator('.codelens-decoration').all()) {
      const box = await lens.boundingBox();
      if (box === null) continue;
      // The lens sits in a view zone right above its line: it ends where the line starts, within a line's height.
      const gap = lineBox.y - (box.y + box.height);
      if (gap >= -1 && gap < lineBox.height) texts.push(normalizeSpaces(await lens.innerText()));
    }
    return texts;
  }

  // ---- Webviews

  /**
   * The frame of the flame graph webview whose header names `rootName`. VS Code nests each webview's page in an
   * inner iframe; a panel hidden and shown again gets a new one, so the frame is looked up on every call.
   */
  async flameFrame(rootName: string): Promise<Frame> {
    return eventually(`the flame graph webview of "${rootName}"`, async () => {
      for (const frame of this.page.frames()) {
        if (frame.isDetached()) continue;
        const header = frame.locator('.trace-header .trace-name');
        const names = await header.allTextContents().catch(() => [] as string[]);
        if (names.includes(rootName)) return frame;
      }
      return undefined;
    });
  }

  /** How many pixels of the frame's flame chart canvas are painted (not fully transparent), and in how many colours. */
  async canvasInk(frame: Frame): Promise<{ painted: number; colors: number }> {
    return frame.locator('canvas.chart-canvas').evaluate((canvas: unknown) => {
      const element = canvas as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const { data } = element.getContext('2d').getImageData(0, 0, element.width, element.height);
      const colors = new Set<number>();
      let painted = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        painted++;
        colors.add(((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) >>> 0);
      }
      return { painted, colors: colors.size };
    });
  }

  /**
   * Moves the pointer down the flame chart at `xFraction` of its width and returns the first position whose tooltip
   * title is `spanName`, with the tooltip's lines: the chart exposes no model, so bars are found the way a user finds them.
   */
  async hoverFlameBar(
    frame: Frame,
    spanName: string,
    xFraction: number,
  ): Promise<{ x: number; y: number; lines: string[] }> {
    const canvas = frame.locator('canvas.chart-canvas');
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('The flame chart canvas is not visible');
    const x = Math.round(box.width * xFraction);
    const tooltip = frame.locator('.tooltip');
    const seen: string[] = [];
    for (let y = 3; y < Math.min(box.height, 400); y += 6) {
      await canvas.hover({ position: { x, y } });
      if (await tooltip.isHidden()) continue;
      const lines = (await tooltip.locator(':scope > div').allInnerTexts()).map(normalizeSpaces);
      if (lines[0] === spanName) return { x, y, lines };
      if (lines[0] !== undefined && !seen.includes(lines[0])) seen.push(lines[0]);
    }
    throw new Error(`No bar "${spanName}" at ${xFraction} of the chart's width (bars seen: ${JSON.stringify(seen)})`);
  }

  /** `window.__xss` in the workbench page and every frame (webviews, iframes); frames that went away count as clean. */
  async xssMarkers(): Promise<unknown[]> {
    const markers: unknown[] = [];
    for (const frame of this.page.frames()) {
      const marker = await frame
        .evaluate(() => (globalThis as unknown as PageGlobals).__xss)
        .catch((error: unknown) => (frame.isDetached() ? undefined : `unreadable: ${String(error)}`));
      markers.push(marker);
    }
    return markers;
  }
}

/**
 * A node:test test on the session `session()` returns (started in a `before` hook). A failure leaves a screenshot
 * and the VS Code logs under test-results/e2e/, named after the title.
 */
export function uiTest(title: string, session: () => VsCodeSession, body: () => Promise<void>): void {
  test(title, { timeout: TEST_TIMEOUT_MS }, () => session().runStep(title, body));
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

interface CodeServer {
  child: ChildProcess;
  exited: Promise<void>;
  port: number;
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
async function saveLogs(root: string, name: string): Promise<void> {
  const target = join(RESULTS_DIR, `${slug(name)}-logs`);
  await mkdir(target, { recursive: true });
  await cp(join(root, 'code-server.log'), join(target, 'code-server.log')).catch(() => undefined);
  await cp(join(root, 'user-data', 'logs'), join(target, 'vscode-logs'), { recursive: true }).catch(() => undefined);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

function normalizeSpaces(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

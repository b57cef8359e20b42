/**
 * End-to-end session: the packaged extension in a real VS Code (codeServer.ts starts it), driven through page
 * objects for the parts of the workbench the tests use (pages/), plus `uiTest` for tests that keep what a failure
 * looked like.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  closeWorkbench,
  launchWorkbench,
  openAnotherPage,
  RESULTS_DIR,
  saveLogs,
  slug,
  type LaunchedWorkbench,
  type LaunchOptions,
} from './codeServer';
import { CodeLenses } from './pages/codeLens';
import { Editors } from './pages/editor';
import { FlameGraph } from './pages/flameGraph';
import { Notifications } from './pages/notifications';
import { Palette } from './pages/palette';
import { Terminals } from './pages/terminal';
import { TracesView } from './pages/tree';
import { Workbench } from './pages/workbench';
import { eventually, STARTUP_TIMEOUT_MS } from './wait';

export { findNode, type TreeNode, type TreeRow } from './pages/tree';
export { eventually, STARTUP_TIMEOUT_MS, UI_TIMEOUT_MS } from './wait';

const TEST_TIMEOUT_MS = 120_000;

export class VsCodeSession {
  readonly page: Page;
  readonly receiverPort: number;
  readonly grpcPort: number;
  readonly gatewayPort: number;
  /** The session's copy of the fixture workspace: the folder VS Code has open. */
  readonly workspaceFolder: string;
  readonly workbench: Workbench;
  readonly palette: Palette;
  readonly tree: TracesView;
  readonly notifications: Notifications;
  readonly editors: Editors;
  readonly codeLens: CodeLenses;
  readonly terminals: Terminals;

  private constructor(
    readonly name: string,
    private readonly launched: LaunchedWorkbench,
    /** False for another window of a session: stopping it closes its tab only. */
    private readonly ownsServer = true,
  ) {
    this.page = launched.page;
    this.receiverPort = launched.receiverPort;
    this.grpcPort = launched.grpcPort;
    this.gatewayPort = launched.gatewayPort;
    this.workspaceFolder = join(launched.root, 'workspace');
    this.workbench = new Workbench(this.page, this.receiverPort);
    this.palette = new Palette(this.page);
    this.tree = new TracesView(this.page);
    this.notifications = new Notifications(this.page);
    this.editors = new Editors(this.page, this.workbench, this.palette, this.workspaceFolder);
    this.codeLens = new CodeLenses(this.editors);
    this.terminals = new Terminals(this.page, this.palette);
  }

  static async start(options: LaunchOptions): Promise<VsCodeSession> {
    return new VsCodeSession(options.name, await launchWorkbench(options));
  }

  /** Runs Developer: Reload Window and waits for the reloaded workbench and its receiver. */
  async reloadWindow(): Promise<void> {
    // A marker in the page tells the reloaded workbench from the old one.
    const marker = () => this.page.evaluate(() => (globalThis as { beforeReload?: boolean }).beforeReload === true);
    await this.page.evaluate(() => ((globalThis as { beforeReload?: boolean }).beforeReload = true));
    await this.palette.runLabel('Developer: Reload Window');
    await eventually(
      'the reloaded page',
      async () => ((await marker().catch(() => true)) ? undefined : true),
      STARTUP_TIMEOUT_MS,
    );
    await this.page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
    await this.workbench.waitForReceiver();
  }

  /** Opens another window of this VS Code (a second tab, with its own extension host), named `name`. */
  async openAnotherWindow(name: string): Promise<VsCodeSession> {
    const page = await openAnotherPage(this.launched);
    return new VsCodeSession(`${this.name}-${name}`, { ...this.launched, page }, false);
  }

  /**
   * Closes the browser, stops exactly this code-server's process group and removes the temp folder; for another
   * window, closes its tab.
   */
  async stop(): Promise<void> {
    if (this.ownsServer) await closeWorkbench(this.launched);
    else await this.page.close();
  }

  /** The flame graph webview whose header names `rootName`, looked up anew on every call. */
  flameGraph(rootName: string): Promise<FlameGraph> {
    return FlameGraph.find(this.page, rootName);
  }

  /** Runs one test's UI steps; on failure saves a screenshot and the VS Code logs under test-results/e2e/. */
  async runStep(step: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      await this.screenshot(`failure ${step}`).catch(() => undefined);
      await saveLogs(this.launched.root, `${this.name}-${slug(step)}`).catch(() => undefined);
      throw error;
    }
  }

  async screenshot(name: string): Promise<string> {
    await mkdir(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${slug(this.name)}-${slug(name)}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}

/**
 * A node:test test on the session `session()` returns (started in a `before` hook). A failure leaves a screenshot
 * and the VS Code logs under test-results/e2e/, named after the title.
 */
export function uiTest(title: string, session: () => VsCodeSession, body: () => Promise<void>): void {
  test(title, { timeout: TEST_TIMEOUT_MS }, () => session().runStep(title, body));
}

/** The workbench around the views: the receiver's status bar item, the clipboard, the Explorer and context menus. */
import type { Locator, Page } from 'playwright-core';
import { EXTENSION_ID } from '../manifest';
import { eventually, STARTUP_TIMEOUT_MS, UI_TIMEOUT_MS } from '../wait';
import { escapeRegExp, normalizeSpaces, wholeLabel } from './text';

/** What the tests read in the page beyond the DOM: the marker a script injected through span text would set. */
interface PageGlobals {
  __xss?: unknown;
}

export class Workbench {
  constructor(
    private readonly page: Page,
    private readonly receiverPort: number,
  ) {}

  /** The extension's receiver status bar item. */
  get statusBarItem(): Locator {
    return this.page.locator(`.statusbar-item[id="${EXTENSION_ID}.aiTraceLens.receiver" i]`);
  }

  async statusBarText(): Promise<string> {
    return normalizeSpaces(await this.statusBarItem.innerText({ timeout: UI_TIMEOUT_MS }));
  }

  /** What a screen reader announces for the status bar item: its text, and whether another window receives. */
  async statusBarLabel(): Promise<string> {
    return (await this.statusBarItem.getAttribute('aria-label', { timeout: UI_TIMEOUT_MS })) ?? '';
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

  async readClipboard(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText());
  }

  async writeClipboard(text: string): Promise<void> {
    await this.page.evaluate((value) => navigator.clipboard.writeText(value), text);
  }

  /** The Explorer's row of the workspace file `name` (at the top level), once the Explorer shows it. */
  async explorerRow(name: string): Promise<Locator> {
    await this.page.keyboard.press('ControlOrMeta+Shift+E');
    const row = this.page
      .locator('.explorer-folders-view .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: wholeLabel(name) }) });
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

  /** `window.__xss` in the workbench page and every frame (webviews, iframes); frames that went away count as clean. */
  async xssMarkers(): Promise<unknown[]> {
    const markers: unknown[] = [];
    for (const frame of this.page.frames()) {
      const marker = await frame
        .evaluate(() => (globalThis as PageGlobals).__xss)
        .catch((error: unknown) => (frame.isDetached() ? undefined : `unreadable: ${String(error)}`));
      markers.push(marker);
    }
    return markers;
  }
}

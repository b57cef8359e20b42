/** Editors: their groups by tab title, their whole text, opening a workspace file, the cursor line. */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import type { Palette } from './palette';
import type { Workbench } from './workbench';

export class Editors {
  constructor(
    private readonly page: Page,
    private readonly workbench: Workbench,
    private readonly palette: Palette,
    private readonly workspaceFolder: string,
  ) {}

  /** The editor group whose active tab's title contains `title`. */
  group(title: string): Locator {
    return (
      this.page
        .locator('.editor-group-container')
        // Not `.label-name` alone: VS Code 1.139 shows a file's extension in a separate `.label-suffix`.
        .filter({ has: this.page.locator('.tab.active', { hasText: title }) })
    );
  }

  /** The diff editor (at most one is open in these tests). */
  get diff(): Locator {
    return this.page.locator('.monaco-diff-editor');
  }

  /** The title of the active tab (of the only editor group). */
  async activeTabTitle(): Promise<string> {
    return this.page.locator('.tab.active').innerText();
  }

  /** The tab whose title contains `title`, in whichever group. */
  tab(title: string): Locator {
    return this.page.locator('.tab', { hasText: title }).first();
  }

  /**
   * The whole text of the editor whose tab title contains `title`, once it is open: selected and copied, because
   * the editor renders only the lines in view.
   */
  async text(title: string): Promise<string> {
    const group = this.group(title).first();
    await group.waitFor({ timeout: UI_TIMEOUT_MS });
    await group.locator('.monaco-editor .view-lines').click();
    await this.workbench.writeClipboard('');
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+C');
    const text = await eventually(
      'the copied editor text',
      async () => (await this.workbench.readClipboard()) || undefined,
    );
    await this.page.keyboard.press('ControlOrMeta+Home');
    return text;
  }

  /** Opens a workspace file through Quick Open by its absolute path and waits for its editor tab. */
  async open(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    await this.palette.quickOpen(join(this.workspaceFolder, relativePath), name);
    await this.group(name).first().waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The cursor line the status bar shows for the active editor (`Ln 12, Col 5`), or undefined when it shows none. */
  async cursorLine(): Promise<number | undefined> {
    const item = this.page.locator('.statusbar-item[id="status.editor.selection"]');
    if (!(await item.isVisible())) return undefined;
    const match = /Ln (\d+)/.exec(await item.innerText());
    return match === null ? undefined : Number(match[1]);
  }

  /** The resource name of the active tab of the active group. */
  async activeFile(): Promise<string | null> {
    return this.page.locator('.editor-group-container.active .tab.active').getAttribute('data-resource-name');
  }
}

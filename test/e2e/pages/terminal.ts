/** The integrated terminal: a new one, opened as a user does, with a command typed into it. */
import type { Page } from 'playwright-core';
import { UI_TIMEOUT_MS } from '../wait';
import type { Palette } from './palette';

export class Terminals {
  constructor(
    private readonly page: Page,
    private readonly palette: Palette,
  ) {}

  /** Opens a new integrated terminal and types `command` into it once it has the keyboard focus. */
  async runInNew(command: string): Promise<void> {
    await this.palette.runLabel('Terminal: Create New Terminal');
    await this.page.waitForFunction(
      () =>
        (
          globalThis as unknown as {
            document: { activeElement: { classList: { contains(name: string): boolean } } | null };
          }
        ).document.activeElement?.classList.contains('xterm-helper-textarea') === true,
      undefined,
      { timeout: UI_TIMEOUT_MS },
    );
    // Shell start-up may still be under way: what is typed waits in the terminal's input until the prompt reads it.
    await this.page.keyboard.type(`${command}\n`);
  }
}

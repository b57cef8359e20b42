/** The quick input widget: the command palette, Quick Open, quick picks and the file dialog code-server shows in it. */
import type { Locator, Page } from 'playwright-core';
import { paletteLabel } from '../manifest';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import { normalizeSpaces, wholeLabel } from './text';

export class Palette {
  readonly widget: Locator;
  /** The widget's text box: the palette's filter, a quick pick's filter, an input box's value. */
  readonly input: Locator;

  constructor(private readonly page: Page) {
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('.quick-input-box input');
  }

  /** Runs a contributed command from the palette (F1), by the label package.json gives it. */
  async run(commandId: string): Promise<void> {
    await this.runLabel(paletteLabel(commandId));
  }

  /** Opens the palette, types `label` and picks the entry whose label is exactly `label`. */
  async runLabel(label: string): Promise<void> {
    await this.openWith('F1');
    await this.input.fill(`>${label}`);
    const entry = this.row(wholeLabel(label));
    try {
      await entry.first().waitFor({ timeout: UI_TIMEOUT_MS });
    } catch {
      const shown = await this.widget.locator('.monaco-list-row .label-name').allTextContents();
      throw new Error(`The command palette offers no "${label}" (it shows: ${JSON.stringify(shown)})`);
    }
    await entry.first().click();
  }

  /**
   * Types `path` into Quick Open (Ctrl+P) and opens it once Quick Open lists `name`: an absolute path is offered
   * without waiting for the file search.
   */
  async quickOpen(path: string, name: string): Promise<void> {
    await this.openWith('ControlOrMeta+P');
    await this.input.fill(path);
    await this.row(name).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await this.input.press('Enter');
  }

  /** Waits for the quick input titled `title` (a command asking the user to choose or type). */
  async waitForTitle(title: string): Promise<void> {
    await this.widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** Waits for the quick pick titled `title` and returns its entries. */
  async pickLabels(title: string): Promise<string[]> {
    await this.waitForTitle(title);
    const rows = this.widget.locator('.monaco-list-row .label-name');
    // The list renders after the title; read it once two reads agree.
    let previous: string[] = [];
    return eventually(`the entries of the quick pick "${title}"`, async () => {
      const labels = (await rows.allTextContents()).map(normalizeSpaces);
      const stable = labels.length > 0 && labels.join('\n') === previous.join('\n');
      previous = labels;
      return stable ? labels : undefined;
    });
  }

  async pick(label: string | RegExp): Promise<void> {
    await this.row(label).first().click();
  }

  /**
   * Answers the file dialog a command opened with `path`, until `answered` (what the command does with the file)
   * shows: code-server shows VS Code's own dialog, a quick input holding a path, which takes the typed path on Enter.
   */
  async answerFileDialog(path: string, answered: Locator): Promise<void> {
    await this.input.waitFor({ timeout: UI_TIMEOUT_MS });
    // The dialog fills in its default path once it has read the folder: typing before that would be overwritten.
    await eventually('the file dialog to show its default path', async () =>
      (await this.input.inputValue()) ? true : undefined,
    );
    // It can still put its folder back while it lists it, and then answers Enter with "Please select a file" (its
    // input hides for a moment meanwhile): type the path and press Enter until the command has the file.
    await eventually(`the file dialog to take ${path}`, async () => {
      if (await answered.isVisible()) return true;
      if (!(await this.input.isVisible())) return undefined;
      if ((await this.input.inputValue()) !== path) await this.input.fill(path);
      else await this.input.press('Enter');
      return undefined;
    });
  }

  private row(label: string | RegExp): Locator {
    return this.widget
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: label }) });
  }

  private async openWith(key: string): Promise<void> {
    // Escape only closes a quick input left open; elsewhere (e.g. in the tree) it would clear the selection.
    if (await this.widget.isVisible()) await this.page.keyboard.press('Escape');
    await this.page.keyboard.press(key);
    await this.input.waitFor({ timeout: UI_TIMEOUT_MS });
  }
}

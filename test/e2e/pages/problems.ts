/**
 * The Problems panel, read the way a user reads it: each marker row's message, its source and code
 * (`AI Trace Lens(tool-loop)`) and its position (`[Ln 12, Col 5]`), under the row of its file. The quick fixes of a
 * marker are reached as a user does: the marker opened in its editor, then Quick Fix (Ctrl+.).
 */
import type { Locator, Page } from 'playwright-core';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import { normalizeSpaces } from './text';

export interface Problem {
  /** The row's whole text: message, source, code and position. */
  text: string;
  /** 1-based, as the panel shows it. */
  line: number;
}

export class ProblemsPanel {
  constructor(private readonly page: Page) {}

  get panel(): Locator {
    return this.page.locator('.markers-panel');
  }

  /** Opens (or focuses) the Problems panel. */
  async open(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+Shift+M');
    await this.panel.waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The marker rows the panel renders now whose text contains `source`, with their lines. */
  async problems(source: string): Promise<Problem[]> {
    const texts = await this.panel.locator('.monaco-list-row').allInnerTexts();
    const problems: Problem[] = [];
    for (const raw of texts) {
      const text = normalizeSpaces(raw);
      const position = /\[Ln (\d+), Col \d+\]/.exec(text);
      if (position !== null && text.includes(source)) problems.push({ text, line: Number(position[1]) });
    }
    return problems;
  }

  /** Waits until `count` markers of `source` are listed and returns them. */
  async waitForProblems(source: string, count: number): Promise<Problem[]> {
    return eventually(`${count} problems from ${source} in the Problems panel`, async () => {
      const problems = await this.problems(source);
      return problems.length === count ? problems : undefined;
    });
  }

  /** The marker row whose text contains `text`. */
  row(text: string): Locator {
    return this.panel.locator('.monaco-list-row', { hasText: text }).first();
  }

  /** Opens the marker's file at its position (double click: the editor takes focus) and runs one of its quick fixes. */
  async runQuickFix(rowText: string, title: string): Promise<void> {
    await this.row(rowText).dblclick();
    const rows = this.page.locator('.action-widget .monaco-list-row');
    const entry = await eventually(`the quick fix "${title}"`, async () => {
      if ((await rows.count()) === 0) await this.page.keyboard.press('ControlOrMeta+.');
      const found = rows.filter({ hasText: title }).first();
      return (await found.isVisible()) ? found : undefined;
    });
    await entry.click();
  }

  /** The titles the quick fix widget offers for the marker's line. */
  async quickFixTitles(rowText: string): Promise<string[]> {
    await this.row(rowText).dblclick();
    const rows = this.page.locator('.action-widget .monaco-list-row');
    return eventually('the quick fixes of the marker', async () => {
      if ((await rows.count()) === 0) await this.page.keyboard.press('ControlOrMeta+.');
      const titles = (await rows.allInnerTexts()).map(normalizeSpaces).filter((title) => title.length > 0);
      return titles.length > 0 ? titles : undefined;
    });
  }
}

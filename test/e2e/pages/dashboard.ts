/**
 * The AI Metrics dashboard webview, read through its frame. VS Code nests each webview's page in an inner iframe, and
 * a panel hidden and shown again gets a new one, so `find` looks the frame up anew each time it is called.
 */
import type { Frame, Page } from 'playwright-core';
import { eventually } from '../wait';
import { normalizeSpaces } from './text';

export class DashboardPage {
  private constructor(readonly frame: Frame) {}

  /** The dashboard page: the frame holding its time range control. */
  static async find(page: Page): Promise<DashboardPage> {
    return eventually('the AI Metrics dashboard webview', async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        if (
          (await frame
            .locator('.header .ranges')
            .count()
            .catch(() => 0)) > 0
        ) {
          return new DashboardPage(frame);
        }
      }
      return undefined;
    });
  }

  /** The titles of the charts that drew a canvas. */
  async drawnTitles(): Promise<string[]> {
    const charts = this.frame.locator('.chart', { has: this.frame.locator('canvas') });
    return (
      await charts.locator('h3').evaluateAll((titles) => titles.map((title) => title.firstChild?.textContent ?? ''))
    ).map(normalizeSpaces);
  }

  /** Every chart's title, drawn or empty. */
  async titles(): Promise<string[]> {
    return (
      await this.frame
        .locator('.chart h3')
        .evaluateAll((titles) => titles.map((title) => title.firstChild?.textContent ?? ''))
    ).map(normalizeSpaces);
  }

  /** The legend buttons' labels of the chart titled `title`. */
  async legend(title: string): Promise<string[]> {
    const chart = this.frame.locator('.chart', { has: this.frame.locator('h3', { hasText: title }) });
    return (await chart.locator('.legend-item').allTextContents()).map(normalizeSpaces);
  }

  /** The checked range's label. */
  async range(): Promise<string> {
    return normalizeSpaces(await this.frame.locator('.range[aria-checked="true"]').innerText());
  }

  async chooseRange(label: string): Promise<void> {
    await this.frame.getByRole('radio', { name: label }).click();
  }
}

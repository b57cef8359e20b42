/**
 * The Statistics view: its pane below Traces, and its webview page read through the page's frame (VS Code nests a
 * webview's page in an inner iframe, made anew when the view is hidden and shown, so the frame is looked up each time).
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { viewName } from '../manifest';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import { escapeRegExp, normalizeSpaces, wholeLabel } from './text';

/** How much of the side bar the expanded view takes, so its tables show whole in screenshots. */
const STATS_SHARE = 0.5;

export type StatsSection = 'models' | 'tools';

/** A table row as shown: the first cell's name (without its detail, a model's provider) and each column's text. */
export interface StatsRow {
  name: string;
  /** Header title → cell text. */
  cells: Record<string, string>;
}

export class StatisticsView {
  constructor(private readonly page: Page) {}

  get pane(): Locator {
    const name = viewName('aiTraceLens.statistics');
    return this.page
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}`, 'i') }) });
  }

  /** Expands the view (it starts collapsed, leaving Traces its room) and waits for its page to show figures. */
  async open(): Promise<void> {
    const header = this.pane.locator('.pane-header').first();
    await header.waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await this.frame();
    await this.growTo(STATS_SHARE);
  }

  /** Drags the sash above the pane so that it takes `share` of the side bar (an expanded view starts small). */
  private async growTo(share: number): Promise<void> {
    const [sideBar, pane] = await Promise.all([
      this.page.locator('.part.sidebar').boundingBox(),
      this.pane.first().boundingBox(),
    ]);
    if (sideBar === null || pane === null || pane.height >= sideBar.height * share) return;
    for (const sash of await this.page.locator('.part.sidebar .monaco-sash.horizontal').all()) {
      const box = await sash.boundingBox();
      if (box === null || Math.abs(box.y + box.height / 2 - pane.y) > 4) continue;
      const x = box.x + box.width / 2;
      await this.page.mouse.move(x, box.y + box.height / 2);
      await this.page.mouse.down();
      await this.page.mouse.move(x, sideBar.y + sideBar.height * (1 - share), { steps: 5 });
      await this.page.mouse.up();
      // Off the sash, or it stays highlighted.
      await this.page.mouse.move(sideBar.x + sideBar.width + 200, box.y);
      return;
    }
  }

  /** The page's frame, once it shows its scope line. */
  async frame(): Promise<Frame> {
    return eventually('the Statistics page', async () => {
      for (const frame of this.page.frames()) {
        if (frame.isDetached()) continue;
        if (
          (await frame
            .locator('.scope-label')
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    });
  }

  async scopeLabel(): Promise<string> {
    return normalizeSpaces(await (await this.frame()).locator('.scope-label').innerText());
  }

  async showAllTraces(): Promise<void> {
    await (await this.frame()).locator('button.show-all').click({ timeout: UI_TIMEOUT_MS });
  }

  /** The rows of a table in the order shown (tool groups one after the other). */
  async rows(section: StatsSection): Promise<StatsRow[]> {
    const table = (await this.frame()).locator(`section.${section}-section table`);
    // No named helpers inside: tsx compiles them with a `__name` wrapper that does not exist in the page.
    return table.evaluate((element: HTMLTableElement) => {
      const titles = [...element.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
      return [...element.querySelectorAll('tr.row')].map((tr) => {
        const cells: Record<string, string> = {};
        [...tr.children].forEach((cell, index) => {
          if (titles[index] !== undefined) cells[titles[index]] = cell.textContent?.trim() ?? '';
        });
        return { name: tr.firstElementChild?.firstChild?.textContent?.trim() ?? '', cells };
      });
    });
  }

  /** Waits until a table lists rows that `accept` takes, and returns them. */
  async waitForRows(section: StatsSection, accept: (rows: StatsRow[]) => boolean): Promise<StatsRow[]> {
    return eventually(`the Statistics ${section} table`, async () => {
      const rows = await this.rows(section).catch(() => [] as StatsRow[]);
      return accept(rows) ? rows : undefined;
    });
  }

  /** Clicks the header `title` of a table (sorting by it, or the other way when it already sorts). */
  async sortBy(section: StatsSection, title: string): Promise<void> {
    const frame = await this.frame();
    await frame
      .locator(`section.${section}-section thead th button`)
      .filter({ hasText: wholeLabel(title) })
      .click({ timeout: UI_TIMEOUT_MS });
  }

  /** The sorted column's title and direction (`aria-sort`). */
  async sortedBy(section: StatsSection): Promise<{ title: string; direction: string | null }> {
    const th = (await this.frame()).locator(`section.${section}-section th[aria-sort]`);
    return { title: normalizeSpaces(await th.innerText()), direction: await th.getAttribute('aria-sort') };
  }

  /** Focuses the row `name` with a click on its name and opens its slowest span with Enter, as a keyboard user does. */
  async openSlowest(section: StatsSection, name: string): Promise<void> {
    const row = await this.row(section, name);
    await row.focus();
    await row.press('Enter');
  }

  /** Clicks the row's button that opens its latest span. */
  async openLatest(section: StatsSection, name: string): Promise<void> {
    const row = await this.row(section, name);
    await row.hover();
    await row.locator('button[aria-label^="Open the latest"]').click({ timeout: UI_TIMEOUT_MS });
  }

  private async row(section: StatsSection, name: string): Promise<Locator> {
    const frame = await this.frame();
    return frame
      .locator(`section.${section}-section tr.row`)
      .filter({ has: frame.locator('th', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}(\\s|$)`) }) })
      .first();
  }
}

/**
 * The flame graph webview, read through its frame. VS Code nests each webview's page in an inner iframe; a panel
 * hidden and shown again gets a new one, so a FlameGraph holds the frame of one moment and `find` looks it up anew.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import { normalizeSpaces } from './text';

/** A point on the chart and the tooltip lines shown there. */
export interface FlameBar {
  x: number;
  y: number;
  lines: string[];
}

export class FlameGraph {
  private constructor(readonly frame: Frame) {}

  /** The flame graph webview whose header names `rootName`. */
  static async find(page: Page, rootName: string): Promise<FlameGraph> {
    return eventually(`the flame graph webview of "${rootName}"`, async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        const header = frame.locator('.trace-header .trace-name');
        const names = await header.allTextContents().catch(() => [] as string[]);
        if (names.includes(rootName)) return new FlameGraph(frame);
      }
      return undefined;
    });
  }

  get canvas(): Locator {
    return this.frame.locator('canvas.chart-canvas');
  }

  get details(): Locator {
    return this.frame.locator('.details');
  }

  /** The jump-to-code outcome line. */
  get jumpStatus(): Locator {
    return this.frame.locator('.jump-status');
  }

  /** The search box. */
  get search(): Locator {
    return this.frame.locator('vscode-textfield input');
  }

  /** What the search says it matched (`1 match`). */
  async matchCount(): Promise<string> {
    return this.frame.locator('.match-count').innerText();
  }

  /** The header's figures (duration, spans, calls, tokens) with their spacing made plain. */
  async figures(): Promise<string> {
    return (await this.frame.locator('.trace-figures').innerText()).replace(/\s+/g, ' ');
  }

  /** Waits for the details panel to show the span `name`. */
  async waitForSelected(name: string): Promise<void> {
    await this.frame.locator('.details-name', { hasText: name }).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The selected span's findings as the details list them, once it lists `count` of them. */
  async findings(count: number): Promise<{ severity: string; rule: string; message: string; hint: string }[]> {
    const items = this.frame.locator('.details .finding');
    await items.nth(count - 1).waitFor({ timeout: UI_TIMEOUT_MS });
    return items.evaluateAll((nodes) =>
      nodes.map((node) => ({
        severity: node.querySelector('.codicon')?.getAttribute('aria-label') ?? '',
        rule: node.querySelector('.finding-rule')?.textContent ?? '',
        message: node.querySelector('.finding-message')?.textContent ?? '',
        hint: node.querySelector('.finding-hint')?.textContent ?? '',
      })),
    );
  }

  /** How many pixels of the flame chart canvas are painted (not fully transparent), and in how many colours. */
  async ink(): Promise<{ painted: number; colors: number }> {
    return this.canvas.evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
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
  async hoverBar(spanName: string, xFraction: number): Promise<FlameBar> {
    const box = await this.canvas.boundingBox();
    if (box === null) throw new Error('The flame chart canvas is not visible');
    const x = Math.round(box.width * xFraction);
    const tooltip = this.frame.locator('.tooltip');
    const seen: string[] = [];
    for (let y = 3; y < Math.min(box.height, 400); y += 6) {
      await this.canvas.hover({ position: { x, y } });
      if (await tooltip.isHidden()) continue;
      const lines = (await tooltip.locator(':scope > div').allInnerTexts()).map(normalizeSpaces);
      if (lines[0] === spanName) return { x, y, lines };
      if (lines[0] !== undefined && !seen.includes(lines[0])) seen.push(lines[0]);
    }
    throw new Error(`No bar "${spanName}" at ${xFraction} of the chart's width (bars seen: ${JSON.stringify(seen)})`);
  }

  /**
   * What the chart draws while `action` runs (hovering redraws it): the text of each label, and how many TTFT notches
   * (the 2 × 4 px marks at a bar's top and bottom edges). Canvas pixels hold no text, so the drawing calls are watched.
   */
  async drawnWhile(action: () => Promise<unknown>): Promise<{ labels: string[]; ttftNotches: number }> {
    await this.frame.evaluate(() => {
      const proto = CanvasRenderingContext2D.prototype;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called back with their own `this` below.
      const { fillText, fillRect } = proto;
      const drawn = { labels: [] as string[], ttftNotches: 0 };
      proto.fillText = function (this: CanvasRenderingContext2D, text: string, x: number, y: number) {
        drawn.labels.push(text);
        fillText.call(this, text, x, y);
      };
      proto.fillRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
        if (w === 2 && h === 4) drawn.ttftNotches++;
        fillRect.call(this, x, y, w, h);
      };
      // No named helpers in here: tsx would wrap them in a `__name` call the page does not have.
      Object.assign(globalThis, { atlDrawn: { drawn, restore: { fillText, fillRect } } });
    });
    try {
      await action();
    } finally {
      await this.frame.evaluate(() =>
        Object.assign(
          CanvasRenderingContext2D.prototype,
          (globalThis as unknown as { atlDrawn: { restore: object } }).atlDrawn.restore,
        ),
      );
    }
    return this.frame.evaluate(
      () =>
        (globalThis as unknown as { atlDrawn: { drawn: { labels: string[]; ttftNotches: number } } }).atlDrawn.drawn,
    );
  }

  /** Clicks the bar `hoverBar` found, which selects its span. */
  async click(bar: FlameBar): Promise<void> {
    await this.canvas.click({ position: { x: bar.x, y: bar.y } });
  }

  /** The model-server lanes under the chart: each header's text and how many canvas pixels its lane painted. */
  async lanes(): Promise<{ name: string; painted: number }[]> {
    return this.frame.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('canvas.lane-canvas')].map((canvas) => {
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let alpha = 3; alpha < data.length; alpha += 4) if (data[alpha]! > 0) painted++;
        const header = canvas.previousElementSibling;
        return { name: header?.textContent?.trim() ?? '', painted };
      }),
    );
  }

  /** The details panel's summary table as label → value. */
  async summary(): Promise<Map<string, string>> {
    return this.tableRows('.details .details-summary tr');
  }

  /** The attribute table of the details panel (filled by the host's reply) as key → value. */
  async attributes(): Promise<Map<string, string>> {
    return this.tableRows('.details .details-extra .attributes tr');
  }

  private async tableRows(selector: string): Promise<Map<string, string>> {
    const rows = await this.frame
      .locator(selector)
      .evaluateAll((elements) =>
        elements.map((row) => [row.querySelector('th')?.textContent ?? '', row.querySelector('td')?.textContent ?? '']),
      );
    return new Map(rows.map(([key, value]) => [key!, value!]));
  }
}

/**
 * The service map webview, read through its frame. VS Code nests each webview's page in an inner iframe, and a panel
 * hidden and shown again gets a new one, so `find` looks the frame up anew each time it is called.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { eventually } from '../wait';
import { normalizeSpaces } from './text';

export class ServiceMapPage {
  private constructor(readonly frame: Frame) {}

  /** The service map page: the frame holding its header. */
  static async find(page: Page): Promise<ServiceMapPage> {
    return eventually('the service map webview', async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        if (
          (await frame
            .locator('#app > .header > .figures')
            .count()
            .catch(() => 0)) > 0
        ) {
          return new ServiceMapPage(frame);
        }
      }
      return undefined;
    });
  }

  /** The empty state's text, or '' while the map shows. */
  async emptyText(): Promise<string> {
    const empty = this.frame.locator('.empty');
    return (await empty.isVisible()) ? normalizeSpaces(await empty.innerText()) : '';
  }

  /** The header's figures: traces, services, MCP servers, models, calls. */
  async figures(): Promise<string> {
    return normalizeSpaces(await this.frame.locator('.header .figures').innerText());
  }

  /** Each node's name, in the order Tab visits them. */
  async nodeLabels(): Promise<string[]> {
    return (await this.frame.locator('.node .label').allTextContents()).map(normalizeSpaces);
  }

  /** Each edge's figures (`2 calls · p50 1.75 s`). */
  async edgeLabels(): Promise<string[]> {
    return (await this.frame.locator('.edge-label').allTextContents()).map(normalizeSpaces);
  }

  node(label: string): Locator {
    return this.frame.locator('.node', { has: this.frame.locator('.label', { hasText: label }) });
  }

  /** The name of the node that has the keyboard focus, or undefined. */
  async focusedLabel(): Promise<string | undefined> {
    return this.frame.evaluate(
      () => document.activeElement?.closest('.node')?.querySelector('.label')?.textContent ?? undefined,
    );
  }

  /** Whether any two nodes' or edge labels' boxes overlap, or one sticks out of the drawing. */
  async overlaps(): Promise<string[]> {
    return this.frame.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>('.node, .edge-label')].map((box) => ({
        name: box.textContent ?? '',
        rect: box.getBoundingClientRect(),
      }));
      const found: string[] = [];
      for (const [index, a] of boxes.entries()) {
        for (const b of boxes.slice(index + 1)) {
          const apart =
            a.rect.right <= b.rect.left ||
            b.rect.right <= a.rect.left ||
            a.rect.bottom <= b.rect.top ||
            b.rect.bottom <= a.rect.top;
          if (!apart) found.push(`${a.name} / ${b.name}`);
        }
      }
      return found;
    });
  }
}

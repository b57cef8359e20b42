/** The Traces view: opening it, its welcome content, and its tree read row by row as the user sees it. */
import type { Locator, Page } from 'playwright-core';
import { viewContainerTitle, viewName } from '../manifest';
import { eventually, UI_TIMEOUT_MS } from '../wait';
import { escapeRegExp, normalizeSpaces, wholeLabel } from './text';

/** How long a trace row may stay collapsed after a click on its twistie (children loading) before another click. */
const EXPAND_RETRY_MS = 2_000;
const SIDE_BAR_WIDTH = 560;

export interface TreeRow {
  /** Position in the list (rows are virtualised and absolutely positioned, so DOM order is not list order). */
  index: number;
  level: number;
  label: string;
  description: string;
  ariaLabel: string;
  /** `codicon-…` classes of the row's icon. */
  icons: string[];
  expanded: boolean | undefined;
  /** Part of the label is highlighted (a span the view's filter matches). */
  highlighted: boolean;
}

export interface TreeNode extends TreeRow {
  children: TreeNode[];
}

/** Nests rows (in list order) by their `aria-level`. */
function nestRows(rows: readonly TreeRow[]): TreeNode[] {
  const roots: TreeNode[] = [];
  const stack: TreeNode[] = [];
  for (const row of rows) {
    const node: TreeNode = { ...row, children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.level >= row.level) stack.pop();
    (stack.length === 0 ? roots : stack[stack.length - 1]!.children).push(node);
    stack.push(node);
  }
  return roots;
}

/** The first node labelled `label` in a depth-first walk of `nodes`. */
export function findNode(nodes: readonly TreeNode[], label: string): TreeNode | undefined {
  for (const node of nodes) {
    if (node.label === label) return node;
    const found = findNode(node.children, label);
    if (found !== undefined) return found;
  }
  return undefined;
}

export class TracesView {
  constructor(private readonly page: Page) {}

  /** The view's pane (header and body) in the side bar. */
  get pane(): Locator {
    const name = viewName('aiTraceLens.traces');
    return this.page
      .locator('.pane')
      .filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}`, 'i') }) });
  }

  /** Opens the extension's view container from the activity bar, unless its side bar is already showing. */
  async open(): Promise<void> {
    if (await this.pane.isVisible()) return;
    const title = viewContainerTitle('aiTraceLens');
    const item = this.page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`);
    await item.first().click({ timeout: UI_TIMEOUT_MS });
    await this.pane.waitFor({ timeout: UI_TIMEOUT_MS });
    await this.widenSideBar(SIDE_BAR_WIDTH);
  }

  /** Drags the side bar's edge so rows show their descriptions untruncated in screenshots. */
  private async widenSideBar(width: number): Promise<void> {
    const sideBar = await this.page.locator('.part.sidebar').boundingBox();
    if (sideBar === null || sideBar.width >= width) return;
    const edge = sideBar.x + sideBar.width;
    for (const sash of await this.page.locator('.monaco-sash.vertical').all()) {
      const box = await sash.boundingBox();
      if (box === null || Math.abs(box.x + box.width / 2 - edge) > 4) continue;
      const y = box.y + box.height / 2;
      await this.page.mouse.move(box.x + box.width / 2, y);
      await this.page.mouse.down();
      await this.page.mouse.move(sideBar.x + width, y, { steps: 5 });
      await this.page.mouse.up();
      // Off the sash, or it stays highlighted.
      await this.page.mouse.move(sideBar.x + width + 200, y);
      return;
    }
  }

  /**
   * A button of the view's header (shown without hovering it: codeServer.ts turns on
   * `workbench.view.alwaysShowHeaderActions`), not of the Statistics view below it.
   */
  titleAction(title: string): Locator {
    return this.pane.locator(`.pane-header .action-label[aria-label^="${title}"]`).first();
  }

  async clickTitleAction(title: string): Promise<void> {
    await this.titleAction(title).click({ timeout: UI_TIMEOUT_MS });
  }

  /** The message shown above the tree (filter counts, evictions), or '' when there is none. */
  async message(): Promise<string> {
    const message = this.pane.locator('.message').first();
    return (await message.isVisible()) ? normalizeSpaces(await message.innerText()) : '';
  }

  /** The view's welcome content (shown while it has no traces), or undefined. */
  async welcomeText(): Promise<string | undefined> {
    const welcome = this.pane.locator('.welcome-view-content');
    if (!(await welcome.isVisible())) return undefined;
    return normalizeSpaces(await welcome.innerText());
  }

  async welcomeButtons(): Promise<string[]> {
    return this.pane.locator('.welcome-view-content .monaco-button').allInnerTexts();
  }

  /** Clicks the welcome content's button labelled exactly `label`. */
  async clickWelcomeButton(label: string): Promise<void> {
    await this.pane
      .locator('.welcome-view-content .monaco-button')
      .filter({ hasText: wholeLabel(label) })
      .first()
      .click({ timeout: UI_TIMEOUT_MS });
  }

  /** Turns on capture without instrumentation from the welcome content, as a user who has no OpenTelemetry would. */
  async captureLlmCalls(): Promise<void> {
    await this.clickWelcomeButton('Capture LLM Calls Without Instrumentation');
  }

  /** The rows the tree renders now, in list order. */
  async rows(): Promise<TreeRow[]> {
    // No named helpers inside: tsx compiles them with a `__name` wrapper that does not exist in the page.
    const rows: TreeRow[] = await this.pane.locator('.monaco-list-row').evaluateAll((elements) =>
      elements.map((element) => {
        const icon = element.querySelector('.custom-view-tree-node-item-icon');
        const expanded = element.getAttribute('aria-expanded');
        return {
          index: Number(element.getAttribute('data-index')),
          level: Number(element.getAttribute('aria-level')),
          label: element.querySelector('.label-name')?.textContent ?? '',
          description: element.querySelector('.label-description')?.textContent ?? '',
          ariaLabel: element.getAttribute('aria-label') ?? '',
          icons: icon === null ? [] : [...icon.classList].filter((name: string) => name.startsWith('codicon-')),
          expanded: expanded === null ? undefined : expanded === 'true',
          highlighted: element.querySelector('.label-name .highlight') !== null,
        };
      }),
    );
    return rows
      .map((row) => ({ ...row, label: normalizeSpaces(row.label), description: normalizeSpaces(row.description) }))
      .sort((a, b) => a.index - b.index);
  }

  /** The top-level rows (traces, or sessions when grouped) in list order. */
  async traceRows(): Promise<TreeRow[]> {
    return (await this.rows()).filter((row) => row.level === 1);
  }

  /** The top-level row whose label (a trace's root span name) is `label`. */
  traceRow(label: string): Locator {
    return this.pane
      .locator('.monaco-list-row[aria-level="1"]')
      .filter({ has: this.page.locator('.label-name', { hasText: wholeLabel(label) }) });
  }

  /** The rows whose text contains `text`, at `level` when given. */
  rowsContaining(text: string, level?: number): Locator {
    return this.pane
      .locator(level === undefined ? '.monaco-list-row' : `.monaco-list-row[aria-level="${level}"]`)
      .filter({ hasText: text });
  }

  /** Hovers the trace row `label` and clicks its inline action whose name starts with `action`. */
  async clickRowAction(label: string, action: string): Promise<void> {
    const row = this.traceRow(label).first();
    await row.hover();
    await row.locator(`.action-label[aria-label^="${action}"]`).click({ timeout: UI_TIMEOUT_MS });
  }

  /** Waits for the trace row `label`, expands it and returns its subtree as the view shows it. */
  async expandTrace(label: string): Promise<TreeNode> {
    const row = this.traceRow(label).first();
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    return this.traceTree(label, row);
  }

  /**
   * The subtree of an expanded trace row, once its rows have rendered. With `row`, a collapsed row is expanded, again
   * if a refresh of the view (a trace arriving while the click lands) collapsed it before its children loaded.
   */
  async traceTree(label: string, row?: Locator): Promise<TreeNode> {
    let lastClick = -Infinity;
    return eventually(`the expanded trace "${label}"`, async () => {
      const trace = nestRows(await this.rows()).find((node) => node.level === 1 && node.label === label);
      if (trace?.expanded === true && trace.children.length > 0) return trace;
      if (row !== undefined && trace?.expanded === false && Date.now() - lastClick > EXPAND_RETRY_MS) {
        lastClick = Date.now();
        await row.locator('.monaco-tl-twistie').click({ timeout: UI_TIMEOUT_MS / 3 });
      }
      const state =
        trace === undefined ? 'no such row' : `expanded: ${trace.expanded}, ${trace.children.length} children`;
      throw new Error(`the trace row shows ${state}`);
    });
  }

  /** Hovers a row and returns the tooltip's text (tree item tooltips are resolved on hover). */
  async rowTooltip(row: Locator): Promise<{ text: string; html: string }> {
    await this.page.mouse.move(0, 0);
    await row.hover();
    // The hover shows "Loading..." until the extension has resolved the item's tooltip.
    const hover = this.page
      .locator('.workbench-hover, .monaco-hover')
      .filter({ hasText: /\S/ })
      .filter({ hasNotText: /^\s*Loading\.\.\.\s*$/ })
      .last();
    await hover.waitFor({ timeout: UI_TIMEOUT_MS });
    return { text: normalizeSpaces(await hover.innerText()), html: await hover.innerHTML() };
  }
}

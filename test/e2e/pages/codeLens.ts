/** CodeLenses as the editor renders them: view zones above their lines, so found by position. */
import type { Locator } from 'playwright-core';
import type { Editors } from './editor';
import { normalizeSpaces } from './text';

export class CodeLenses {
  constructor(private readonly editors: Editors) {}

  /**
   * The CodeLens lines above the source line containing `lineText` in the editor titled `title`: each lens rendered
   * in the band between that line and the line before it.
   */
  async above(title: string, lineText: string): Promise<string[]> {
    const editor = this.editors.group(title).first().locator('.monaco-editor');
    const line = editor.locator('.view-lines .view-line').filter({ hasText: lineText }).first();
    const lineBox = await line.boundingBox();
    if (lineBox === null) return [];
    const texts: string[] = [];
    for (const lens of await editor.locator('.codelens-decoration').all()) {
      const box = await lens.boundingBox();
      if (box === null) continue;
      // The lens sits in a view zone right above its line: it ends where the line starts, within a line's height.
      const gap = lineBox.y - (box.y + box.height);
      if (gap >= -1 && gap < lineBox.height) texts.push(normalizeSpaces(await lens.innerText()));
    }
    return texts;
  }

  /** The clickable lens with text `text` in the editor titled `title`. */
  link(title: string, text: string): Locator {
    return this.editors.group(title).first().locator('.codelens-decoration a', { hasText: text });
  }
}

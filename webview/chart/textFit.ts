/**
 * Label fitting for the text pass: the longest prefix of a label that fits a bar, with an ellipsis. Widths come from a
 * cache, since measureText is the costly call of a frame; the cache is per font and device pixel ratio (text metrics
 * change with both), and bounded so a long session of zooming through many labels does not grow it without end.
 */
const ELLIPSIS = '…';
const MAX_CACHED = 20_000;

export class TextFitter {
  private widths = new Map<string, number>();
  private key = '';

  constructor(private readonly context: CanvasRenderingContext2D) {}

  /** Drops the cache when the font or the pixel ratio changed since the last frame. */
  begin(font: string, pixelRatio: number): void {
    const key = `${font}@${pixelRatio}`;
    if (key !== this.key) {
      this.key = key;
      this.widths.clear();
    }
    this.context.font = font;
  }

  width(text: string): number {
    let width = this.widths.get(text);
    if (width === undefined) {
      width = this.context.measureText(text).width;
      if (this.widths.size >= MAX_CACHED) this.widths.clear();
      this.widths.set(text, width);
    }
    return width;
  }

  /** `text`, or its longest prefix + '…' that fits `maxWidth`, or '' when not even one character and the ellipsis fit. */
  fit(text: string, maxWidth: number): string {
    if (this.width(text) <= maxWidth) return text;
    if (this.width(ELLIPSIS) > maxWidth) return '';
    // Binary search on the prefix length: width grows with length.
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.width(text.slice(0, middle) + ELLIPSIS) <= maxWidth) low = middle;
      else high = middle - 1;
    }
    return low === 0 ? '' : text.slice(0, low) + ELLIPSIS;
  }
}

/** Literal text search in a file's text, for the resolver's prompt and registration searches. */
import type { SourcePosition } from './resolveLocation';

/** Appends the 1-based positions of `literal` in `text`, counting lines only up to each match. */
export function collectMatches(
  text: string,
  literal: string,
  file: string,
  maxResults: number,
  results: SourcePosition[],
): void {
  let line = 1;
  let lineStart = 0;
  let at = text.indexOf(literal);
  while (at >= 0 && results.length < maxResults) {
    let newline = text.indexOf('\n', lineStart);
    while (newline >= 0 && newline < at) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', lineStart);
    }
    results.push({ file, line, column: at - lineStart + 1 });
    at = text.indexOf(literal, at + literal.length);
  }
}

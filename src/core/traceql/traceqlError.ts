/**
 * The one error a TraceQL query gets, bad syntax or a construct we do not run: the message names the column and what
 * was found or expected, and `from`/`to` let an editor underline the part (`caretLines` draws it for a terminal).
 */

export class TraceQLError extends Error {
  /** Character offsets into the query text; `to` may equal `from` (a missing part). */
  readonly from: number;
  readonly to: number;

  constructor(message: string, from: number, to: number = from) {
    super(message);
    this.name = 'TraceQLError';
    this.from = from;
    this.to = to;
  }
}

/** An error at `from..to` of `text`, its message prefixed with the 1-based line and column. */
export function traceqlError(text: string, from: number, to: number, what: string): TraceQLError {
  const { line, column } = position(text, from);
  const where = text.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`;
  return new TraceQLError(`TraceQL ${where}: ${what}`, from, to);
}

/** The query's line that holds the error, and a caret line under the erroneous part: for a terminal or a log. */
export function caretLines(text: string, error: TraceQLError): string {
  const { line, column } = position(text, error.from);
  const source = text.split('\n')[line - 1] ?? '';
  const width = Math.max(1, Math.min(error.to, lineEnd(text, error.from)) - error.from);
  return `  ${source}\n  ${' '.repeat(column - 1)}${'^'.repeat(width)}`;
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end === -1 ? text.length : end;
}

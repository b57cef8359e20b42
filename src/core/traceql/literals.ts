/** TraceQL literal text to values: durations as Go writes them (`300ms`, `1.5h`, `1h30m`), quoted strings and names. */

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let offset = 0;
  while (offset < text.length) {
    part.lastIndex = offset;
    const match = part.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * DURATION_UNITS[match[2]!]!;
    offset = part.lastIndex;
  }
  return offset === 0 ? undefined : total;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', "'": "'", '\\': '\\', '`': '`' };

/**
 * A double-quoted string with Go's common escapes (`\"`, `\\`, `\n`, `\t`, `\uXXXX`), or a backquoted raw string.
 * Any other escape keeps its backslash, so a regular expression such as `"\d+"` means what its author meant.
 */
export function parseStringLiteral(source: string): string {
  const body = source.slice(1, -1);
  if (source.startsWith('`')) return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (escape, code: string) => {
    if (code.length === 5) return String.fromCharCode(parseInt(code.slice(1), 16));
    return Object.hasOwn(ESCAPES, code) ? ESCAPES[code]! : escape;
  });
}

/** `http."a b".c` → `http.a b.c`: quoted parts of an attribute name may hold dots and spaces, and `\"` `\\`. */
export function unquoteAttributeName(identifier: string): string {
  return identifier.replace(/"((?:[^"\\]|\\.)*)"/g, (_, inner: string) => inner.replace(/\\(["\\])/g, '$1'));
}

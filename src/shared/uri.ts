/** Percent-decoding that never throws: text that is not valid percent-encoding (a stray `%`) is kept as it is. */
export function decodeUriOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

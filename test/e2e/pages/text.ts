/** Text as the page objects compare it: rendered spaces made plain, labels matched whole. */

export function normalizeSpaces(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches an element's text that is exactly `label`, give or take surrounding whitespace. */
export function wholeLabel(label: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
}

/**
 * Escaping for the HTML the host writes for webviews. Span text enters that HTML only escaped (the page title) or as
 * inlined JSON data, which the webview parses and sets as text, never as markup.
 */

/** JSON that can sit inside a `<script>` element: no `</script>`, no `<!--`, and no JS line terminators. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

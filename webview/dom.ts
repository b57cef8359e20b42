/** DOM helpers that only ever set text: span data never reaches innerHTML. */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A codicon from the stylesheet the host links (dist/codicons/codicon.css). */
export function codicon(name: string): HTMLElement {
  const icon = element('span', `codicon codicon-${name}`);
  icon.setAttribute('aria-hidden', 'true');
  return icon;
}

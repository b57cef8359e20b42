/**
 * The charts' colours from the VS Code theme's variables, read again when the theme changes (VS Code swaps the body's
 * class and the variables with it). A model, tool or target keeps one colour across every chart of the page.
 */

export interface ChartTheme {
  readonly foreground: string;
  readonly grid: string;
  readonly font: string;
  readonly palette: readonly string[];
}

const PALETTE_VARIABLES: readonly [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-foreground', '#cccccc'],
];

export function readTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: variable('--vscode-descriptionForeground', '#9d9d9d'),
    grid: variable('--vscode-charts-lines', 'rgba(128, 128, 128, 0.25)'),
    font: `11px ${style.fontFamily}`,
    palette: PALETTE_VARIABLES.map(([name, fallback]) => variable(name, fallback)),
  };
}

/** Calls `onChange` when VS Code switches the theme. */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

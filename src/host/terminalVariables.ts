/**
 * The extension's one environment variable collection, shared by the features that give new terminals variables: the
 * receiver's OpenTelemetry export variables and the gateway's model SDK base URLs. Each feature sets only its own part;
 * the collection holds the union, and its description (shown when hovering a terminal's tab) says what each part does.
 */
import * as vscode from 'vscode';

/** The features with a part, in the order their variables and descriptions appear. */
const PARTS = ['receiver', 'gateway'] as const;
export type TerminalVariablesPart = (typeof PARTS)[number];

export interface TerminalContribution {
  readonly variables: readonly { readonly name: string; readonly value: string }[];
  /** Markdown, shown as untrusted. */
  readonly description: string;
}

export class TerminalVariables {
  /** Each part's contribution once it said what it wants; `undefined` for a part that wants nothing. */
  private readonly parts = new Map<TerminalVariablesPart, TerminalContribution | undefined>();
  /** What the collection holds, so that an unchanged state does not mark open terminals as stale. */
  private applied: string | undefined;

  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    // Restored at startup before activation, so terminals VS Code brings back get the variables too.
    this.collection.persistent = true;
  }

  /**
   * Sets one part. Until every part has been set once, the collection keeps what the last session left, so that a
   * part still starting (a receiver binding its port) does not empty it while terminals are being restored.
   */
  set(part: TerminalVariablesPart, contribution: TerminalContribution | undefined): void {
    this.parts.set(part, contribution);
    if (PARTS.some((name) => !this.parts.has(name))) return;
    const contributions = PARTS.map((name) => this.parts.get(name)).filter((entry) => entry !== undefined);
    const key = JSON.stringify(contributions);
    if (key === this.applied) return;
    this.applied = key;
    this.collection.clear();
    for (const { variables } of contributions) {
      for (const { name, value } of variables) this.collection.replace(name, value);
    }
    if (contributions.length === 0) return;
    const description = new vscode.MarkdownString(contributions.map((entry) => entry.description).join('\n\n'));
    description.isTrusted = false;
    this.collection.description = description;
  }
}

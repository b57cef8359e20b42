/**
 * Asking for another port for a server whose own is taken (the receivers, the gateway): the first port free now above
 * the configured one is offered, since a nearby port is easier to remember and to type into an app's environment, and
 * only a whole number within the setting's limits is taken.
 */
import * as vscode from 'vscode';
import { findFreePort } from '../core/endpoint';

/** How many ports above the configured one are tried before letting the OS pick. */
const NEARBY_PORTS = 12;

export interface PortPrompt {
  title: string;
  host: string;
  configured: number;
  limits: { readonly minimum: number; readonly maximum: number };
  /** The input box's prompt, naming the port offered. */
  prompt: (suggestion: number) => string;
}

/** The port the user chose, or undefined when they dismissed the box. */
export async function askForPort({ title, host, configured, limits, prompt }: PortPrompt): Promise<number | undefined> {
  const { minimum, maximum } = limits;
  const nearby = Array.from({ length: NEARBY_PORTS }, (_, index) => configured + 1 + index).filter(
    (port) => port <= maximum,
  );
  const suggestion = await findFreePort(host, nearby).catch(() => configured);
  const value = await vscode.window.showInputBox({
    title,
    prompt: prompt(suggestion),
    value: String(suggestion),
    validateInput: (text) => {
      const port = Number(text.trim());
      return Number.isInteger(port) && port >= minimum && port <= maximum && text.trim() !== ''
        ? undefined
        : `Enter a whole number from ${minimum} to ${maximum}.`;
    },
  });
  return value === undefined ? undefined : Number(value.trim());
}

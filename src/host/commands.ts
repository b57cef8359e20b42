/**
 * Registering a feature's commands. Arguments from menus, CodeLenses and other extensions are `unknown`: handlers
 * parse them (commandTarget.ts). Every failure is logged and shown, never thrown back into VS Code.
 */
import * as vscode from 'vscode';
import { describeError } from '../shared/errors';
import type { CommandId } from './contributions';
import { DisposableStore } from './disposable';

export type CommandHandler = (...args: unknown[]) => unknown;

/**
 * Registers one handler for each command of `group` (a feature's group in contributions.ts, by short name): a
 * command of the group without a handler, or a handler for another command, is a compile error.
 */
export function registerCommands<Group extends Readonly<Record<string, CommandId>>>(
  log: vscode.LogOutputChannel,
  group: Group,
  handlers: { readonly [Name in keyof Group]: CommandHandler },
): vscode.Disposable {
  const disposables = new DisposableStore();
  for (const name of Object.keys(group) as (keyof Group & string)[]) {
    const id = group[name]!;
    const handler = handlers[name];
    disposables.add(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          log.error(`Command ${id} failed: ${describeError(error)}`);
          void vscode.window.showErrorMessage(`AI Trace Lens: ${describeError(error)}`);
          return undefined;
        }
      }),
    );
  }
  return disposables;
}

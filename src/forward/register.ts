/**
 * The forwarding feature: what the receivers accept also goes to the team's collector (forwarding.ts), and a command
 * keeps the headers sent with it (an API key, often) in VS Code's secret storage, never in settings or logs.
 */
import * as vscode from 'vscode';
import { parseOtlpHeaders } from '../core/forward/otlpHeaders';
import { registerCommands } from '../host/commands';
import { ForwardCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { plural } from '../shared/format';
import { FORWARD_HEADERS_SECRET, Forwarding } from './forwarding';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  disposables.add(new Forwarding(services));
  disposables.add(
    registerCommands(services.log, ForwardCommands, {
      setForwardingHeaders: () => setForwardingHeaders(services.context.secrets),
    }),
  );
  return disposables;
}

/** Asks for `name=value,…` headers (the `OTEL_EXPORTER_OTLP_HEADERS` form); an empty answer removes them. */
async function setForwardingHeaders(secrets: vscode.SecretStorage): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'AI Trace Lens: Forwarding Headers',
    prompt:
      'Headers sent with every forwarded request, as in OTEL_EXPORTER_OTLP_HEADERS: name=value pairs separated by ' +
      'commas. Kept in VS Code’s secret storage. Leave empty to send none.',
    placeHolder: 'x-api-key=…,x-team=agents',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => {
      const { skipped } = parseOtlpHeaders(text);
      return skipped.length === 0 ? undefined : `Write name=value pairs separated by commas: ${skipped.join('; ')}.`;
    },
  });
  if (value === undefined) return;
  if (value.trim() === '') {
    await secrets.delete(FORWARD_HEADERS_SECRET);
    void vscode.window.showInformationMessage('Forwarded requests are sent without headers of their own.');
    return;
  }
  await secrets.store(FORWARD_HEADERS_SECRET, value.trim());
  const names = Object.keys(parseOtlpHeaders(value).headers);
  // Names only: the values are the secret.
  void vscode.window.showInformationMessage(
    `Forwarded requests now carry ${plural(names.length, 'header')}: ${names.join(', ')}.`,
  );
}

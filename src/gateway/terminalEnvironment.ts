/**
 * Capture in VS Code's terminals: the gateway's part of the extension's environment variable collection
 * (host/terminalVariables.ts) points new terminals' OpenAI, Anthropic and Gemini SDKs at the gateway while capture is
 * on and the gateway listens, follows its port, and is emptied otherwise, so no SDK is sent to a port nothing serves.
 */
import type * as vscode from 'vscode';
import { describeGatewayVariables, gatewayCaptureVariables } from '../core/gateway/environment';
import { DisposableStore } from '../host/disposable';
import type { Services } from '../host/services';
import { STOP_CAPTURING_TITLE } from './commands';

export class GatewayTerminalEnvironment implements vscode.Disposable {
  private readonly disposables = new DisposableStore();

  constructor(private readonly services: Services) {
    this.disposables.add(services.gateway.onDidChangeState(() => this.update()));
    this.disposables.add(services.settings.onDidChange('gateway', () => this.update()));
    this.update();
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private update(): void {
    const state = this.services.gateway.state;
    const capture = this.services.settings.gateway.capture;
    // While (re)starting, the last bound address is kept: a restart on the same port should not churn terminals.
    if (capture && state.kind === 'starting') return;
    const variables = gatewayCaptureVariables(state, capture);
    this.services.terminalVariables.set(
      'gateway',
      variables === undefined
        ? undefined
        : { variables, description: describeGatewayVariables(variables, STOP_CAPTURING_TITLE) },
    );
  }
}

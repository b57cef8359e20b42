/**
 * Capture for F5: while capture is on and the gateway listens, every launch (whatever the debugger) gets the base-URL
 * variables that send its model SDK calls through the gateway. The configuration's own `env` wins, so a launch that
 * sets `OPENAI_BASE_URL` itself keeps its target.
 */
import type * as vscode from 'vscode';
import { gatewayCaptureVariables } from '../core/gateway/environment';
import type { GatewaySupervisor } from '../core/gateway/gatewaySupervisor';
import { mergeLaunchEnvironment } from '../core/exportEnvironment';
import type { SettingsService } from '../host/settings';

export class GatewayLaunchEnvironmentProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly gateway: GatewaySupervisor,
    private readonly settings: SettingsService,
  ) {}

  /** Runs after every other provider and after `${…}` substitution, so the debugger type and `env` are final. */
  resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration {
    // An attached process already has its environment.
    if (configuration.request !== 'launch') return configuration;
    const variables = gatewayCaptureVariables(this.gateway.state, this.settings.gateway.capture);
    if (variables === undefined) return configuration;
    const env = mergeLaunchEnvironment(configuration.env, variables);
    return env === undefined ? configuration : { ...configuration, env };
  }
}

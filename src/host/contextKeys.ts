/**
 * The context keys package.json's `when` clauses read, each with its value's type, set through one object that tells
 * VS Code only about changes (`setContext` is a round trip to the workbench).
 */
import * as vscode from 'vscode';
import type { GatewayStateKind } from '../core/gateway/gatewaySupervisor';
import type { ReceiverStateKind } from '../core/receiver/receiverSupervisor';
import { ContextKeys } from './contributions';

interface ContextKeyTypes {
  receiverState: ReceiverStateKind;
  defaultEndpoint: boolean;
  hasTraces: boolean;
  terminalEnvironment: boolean;
  groupBySession: boolean;
  traceFilter: boolean;
  olderTracesOnDisk: boolean;
  gatewayState: GatewayStateKind;
  gatewayCapture: boolean;
  replayDocument: boolean;
}

export class ContextKeyValues {
  private readonly values = new Map<keyof ContextKeyTypes, unknown>();

  set<K extends keyof ContextKeyTypes>(key: K, value: ContextKeyTypes[K]): void {
    if (this.values.has(key) && this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', ContextKeys[key], value);
  }
}

/**
 * The composition root: the services every feature shares (host/services.ts), then the features over them, each one
 * folder with one `register`. Activation starts the receivers, then the gateway, without waiting for them, so VS
 * Code's startup is not held up; everything they do later reports through the log, the status bar and the Traces view.
 */
import type * as vscode from 'vscode';
import { register as registerCode } from './code/register';
import type { GatewaySupervisor } from './core/gateway/gatewaySupervisor';
import type { ReceiverSupervisor } from './core/receiver/receiverSupervisor';
import { register as registerDetails } from './details/register';
import { register as registerFlame } from './flame/register';
import { register as registerForward } from './forward/register';
import { register as registerGateway } from './gateway/register';
import { DisposableStore } from './host/disposable';
import { createServices } from './host/services';
import { register as registerReceiver } from './receiver/register';
import { register as registerTraces } from './traces/register';

const FEATURES = [
  registerReceiver,
  registerGateway,
  registerForward,
  registerTraces,
  registerDetails,
  registerFlame,
  registerCode,
];

let receiver: ReceiverSupervisor | undefined;
let gateway: GatewaySupervisor | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // Disposed in reverse: the features, then the services they use.
  const root = new DisposableStore();
  context.subscriptions.push(root);
  const { services, disposable } = createServices(context);
  root.add(disposable);
  for (const register of FEATURES) root.add(register(services));
  receiver = services.receiver;
  gateway = services.gateway;
  void receiver.restart();
  void gateway.restart();
}

/** Waits for the receiver's and the gateway's sockets to close, so a reload can bind the same ports at once. */
export async function deactivate(): Promise<void> {
  const stopping = [receiver, gateway].filter((supervisor) => supervisor !== undefined);
  receiver = undefined;
  gateway = undefined;
  await Promise.all(stopping.map((supervisor) => supervisor.stop()));
}

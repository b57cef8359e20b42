/**
 * The composition root: the services every feature shares (host/services.ts), then the features over them, each one
 * folder with one `register`. Activation starts the durable store shared by the windows without waiting for it, so VS
 * Code's startup is not held up: it starts the receivers and the gateway when this window is the first, and loads the
 * stored traces newest first. Everything later reports through the log, the status bar and the Traces view.
 */
import type * as vscode from 'vscode';
import { register as registerAgentTools } from './agentTools/register';
import { register as registerCode } from './code/register';
import type { GatewaySupervisor } from './core/gateway/gatewaySupervisor';
import type { ReceiverSupervisor } from './core/receiver/receiverSupervisor';
import type { SharedStore } from './core/storage/sharedStore';
import { register as registerDetails } from './details/register';
import { register as registerEvaluation } from './evaluation/register';
import { register as registerFindings } from './findings/register';
import { register as registerFlame } from './flame/register';
import { register as registerForward } from './forward/register';
import { register as registerGateway } from './gateway/register';
import { DisposableStore } from './host/disposable';
import { createServices } from './host/services';
import { register as registerModelServers } from './modelServers/register';
import { register as registerReceiver } from './receiver/register';
import { register as registerReplay } from './replay/register';
import { register as registerServiceMap } from './serviceMap/register';
import { register as registerStats } from './stats/register';
import { register as registerTraces } from './traces/register';

const FEATURES = [
  registerReceiver,
  registerGateway,
  registerForward,
  registerTraces,
  registerDetails,
  registerFlame,
  registerCode,
  registerFindings,
  registerStats,
  registerServiceMap,
  registerAgentTools,
  registerReplay,
  registerEvaluation,
  registerModelServers,
];

let receiver: ReceiverSupervisor | undefined;
let gateway: GatewaySupervisor | undefined;
let storage: SharedStore | undefined;

export function activate(context: vscode.ExtensionContext): void {
  // Disposed in reverse: the features, then the services they use.
  const root = new DisposableStore();
  context.subscriptions.push(root);
  const { services, disposable } = createServices(context);
  root.add(disposable);
  for (const register of FEATURES) root.add(register(services));
  receiver = services.receiver;
  gateway = services.gateway;
  storage = services.storage;
  void storage.start();
}

/**
 * Waits for the receiver's and the gateway's sockets to close, then flushes the store and gives its lock up, so a
 * reload, or another window, can bind the same ports at once.
 */
export async function deactivate(): Promise<void> {
  const stopping = [receiver, gateway].filter((supervisor) => supervisor !== undefined);
  const closing = storage;
  receiver = undefined;
  gateway = undefined;
  storage = undefined;
  await Promise.all(stopping.map((supervisor) => supervisor.stop()));
  await closing?.close();
}

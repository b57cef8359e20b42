/**
 * The replay feature: Replay LLM Call… on a model call (the Traces view's context menu, the flame graph's details, the
 * Command Palette) opens its request as an editable document; ▶ Run Replay and Run ×N… send it through a model route
 * and show the comparison with the original call, or how N answers differ.
 */
import type * as vscode from 'vscode';
import { registerCommands } from '../host/commands';
import { ReplayCommands } from '../host/contributions';
import { DisposableStore } from '../host/disposable';
import { forgetApiKeys } from '../host/modelRoutes';
import type { Services } from '../host/services';
import { replayLlmCall, runReplayOnce, runReplayTimes } from './commands';
import { ReplayDocuments } from './replayDocuments';
import { RunsDocuments } from './runsDocuments';

export function register(services: Services): vscode.Disposable {
  const disposables = new DisposableStore();
  const documents = disposables.add(new ReplayDocuments(services.contextKeys));
  const runs = disposables.add(new RunsDocuments());
  disposables.add(
    registerCommands(services.log, ReplayCommands, {
      replayLlmCall: (...args) => replayLlmCall(services, documents, args),
      runReplay: (uri) => runReplayOnce(services, documents, uri),
      runReplayTimes: (uri) => runReplayTimes(services, documents, runs, uri),
      diffReplayAnswers: (uri) => runs.diffAnswers(uri),
      forgetModelApiKeys: () => forgetApiKeys(services.context.secrets),
    }),
  );
  return disposables;
}

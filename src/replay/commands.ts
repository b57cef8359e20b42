/**
 * Replay's commands: open an LLM span's request as an editable document, run it once (then Compare Traces opens on
 * the original call and the replay) or N times (then a summary of how the answers differ), through a model route the
 * user picks (src/host/modelRoutes.ts).
 */
import * as vscode from 'vscode';
import { buildReplayDocument } from '../core/replay/buildDocument';
import { parseReplayDocument, type ReplayDocument } from '../core/replay/replayDocument';
import {
  DEFAULT_REPLAY_RUNS,
  MAX_REPLAY_RUNS,
  REPLAY_CONCURRENCY,
  replayCallOptions,
  runConcurrently,
  runOutcome,
} from '../core/replay/runReplay';
import { summarizeRuns } from '../core/replay/runsSummary';
import type { SpanNode } from '../core/store/types';
import { parseCommandTarget, targetSpan, warnGone } from '../host/commandTarget';
import { Commands } from '../host/contributions';
import { pickModelRoute, routeLabel, sendModelRequest, type ModelRoute } from '../host/modelRoutes';
import { NO_TRACES_MESSAGE, pickSpan } from '../host/pickers';
import type { Services } from '../host/services';
import type { ReplayDocuments } from './replayDocuments';
import type { RunsDocuments } from './runsDocuments';

/** Opens the request of the LLM span the command was invoked on (from the palette: one picked) to edit and run. */
export async function replayLlmCall(services: Services, documents: ReplayDocuments, args: unknown[]): Promise<void> {
  const node = await spanToReplay(services, args);
  if (node === undefined) return;
  const built = buildReplayDocument(node.span, services.logs.forSpan(node.span.traceId, node.span.spanId));
  if ('error' in built) {
    void vscode.window.showWarningMessage(built.error);
    return;
  }
  await documents.show(built.document);
}

async function spanToReplay(services: Services, args: unknown[]): Promise<SpanNode | undefined> {
  const target = parseCommandTarget(args);
  if (target.kind === 'rows' || target.kind === 'spanDocument') {
    const node = targetSpan(services.store, target);
    if (node === 'gone') warnGone('span');
    return node === 'gone' ? undefined : node;
  }
  const trace = services.tracesView.currentTrace();
  if (trace === undefined) {
    void vscode.window.showInformationMessage(NO_TRACES_MESSAGE);
    return undefined;
  }
  const selected = services.tracesView.selectedRows[0];
  if (selected?.type === 'span') {
    const node = trace.getSpan(selected.spanId);
    if (node?.ai.kind === 'llm') return node;
  }
  return pickSpan(trace, `Replay LLM Call: ${trace.summary.rootName}`, 'Pick the model call to replay');
}

/** The replay document to run, checked; undefined (the user told why) when it is not one or does not parse. */
function documentToRun(documents: ReplayDocuments, uri: unknown): ReplayDocument | undefined {
  const text = documents.documentOf(uri);
  if (text === undefined) {
    void vscode.window.showInformationMessage('Open a request to replay first: Replay LLM Call… on a model call.');
    return undefined;
  }
  const parsed = parseReplayDocument(text.getText());
  if ('error' in parsed) {
    void vscode.window.showErrorMessage(parsed.error, { modal: false });
    return undefined;
  }
  return parsed.document;
}

/** Runs the document once; Compare Traces then opens on the original call's trace and the replay's. */
export async function runReplayOnce(services: Services, documents: ReplayDocuments, uri: unknown): Promise<void> {
  const document = documentToRun(documents, uri);
  if (document === undefined) return;
  const route = await pickModelRoute(services, document.provider, 'Run Replay');
  if (route === undefined) return;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Replaying ${document.replayOf.name} on ${routeLabel(route)}…`,
      cancellable: true,
    },
    (_progress, token) => sendModelRequest(services, route, document, replayCallOptions(document), token),
  );
  if (result.error !== undefined) void vscode.window.showErrorMessage(`The replay failed: ${result.error}`);
  const original = document.replayOf.traceId;
  if (services.store.getTrace(original) === undefined) {
    void vscode.window.showInformationMessage('The replay is in the Traces view; the original call is no longer held.');
    return;
  }
  const rows = [original, result.traceId].map((traceId) => ({ type: 'trace', traceId }) as const);
  await vscode.commands.executeCommand(Commands.compareTraces, rows[0], rows);
}

/** Asks N, runs the document N times (a few at once), then shows how the answers differ. */
export async function runReplayTimes(
  services: Services,
  documents: ReplayDocuments,
  runs: RunsDocuments,
  uri: unknown,
): Promise<void> {
  const document = documentToRun(documents, uri);
  if (document === undefined) return;
  const count = await askRunCount();
  if (count === undefined) return;
  const route = await pickModelRoute(services, document.provider, `Run Replay ×${count}`);
  if (route === undefined) return;
  const outcomes = await runTimes(services, document, route, count);
  await runs.show(`Replay ×${count} of ${document.replayOf.name}`, summarizeRuns(outcomes));
}

async function askRunCount(): Promise<number | undefined> {
  const answer = await vscode.window.showInputBox({
    title: 'Run Replay ×N',
    prompt: `How many runs (2 to ${MAX_REPLAY_RUNS}; ${REPLAY_CONCURRENCY} at a time)`,
    value: String(DEFAULT_REPLAY_RUNS),
    validateInput: (value) => {
      const count = Number(value.trim());
      return Number.isInteger(count) && count >= 2 && count <= MAX_REPLAY_RUNS
        ? undefined
        : `Enter a whole number from 2 to ${MAX_REPLAY_RUNS}.`;
    },
  });
  return answer === undefined ? undefined : Number(answer.trim());
}

function runTimes(services: Services, document: ReplayDocument, route: ModelRoute, count: number) {
  const title = `Replaying ${document.replayOf.name} ×${count} on ${routeLabel(route)}`;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      let done = 0;
      const options = replayCallOptions(document);
      return runConcurrently(
        count,
        REPLAY_CONCURRENCY,
        async () => runOutcome(await sendModelRequest(services, route, document, options, token)),
        () => progress.report({ increment: 100 / count, message: `${++done} of ${count} done` }),
      );
    },
  );
}

/**
 * Evaluate with a Judge Model…: the target (targets.ts), the evaluators that apply to it (built in and the
 * workspace's `.ai-trace-lens/evaluators/*.md`; a broken file is reported and the others offered), the judge's model
 * route (src/host/modelRoutes.ts), then `evaluate` with each judge call traced in service `ai-trace-lens judge`,
 * linked to the graded span, its cost shown like any call's. The results become `gen_ai.evaluation.result` events.
 */
import * as vscode from 'vscode';
import {
  BUILT_IN_EVALUATORS,
  EvaluationError,
  evaluate,
  evaluationRecord,
  readEachWorkspaceEvaluator,
  scaleText,
  tracedJudge,
  type EvaluationOutcome,
  type EvaluationTarget,
  type Evaluator,
  type JudgeModel,
  type JudgeModelName,
} from '../core/evaluation';
import { outcomeLogLine, outcomesSummary } from '../core/evaluation/present';
import { pickModelRoute, routeLabel, sendModelRequest, type ModelRoute } from '../host/modelRoutes';
import type { Services } from '../host/services';
import { storeEvaluationRecords } from './storeEvaluationRecords';
import { chooseTarget } from './targets';

export async function evaluateWithJudge(services: Services, args: readonly unknown[]): Promise<void> {
  const choice = await chooseTarget(services, args);
  if (choice === undefined) return;
  let target: EvaluationTarget;
  try {
    target = choice.build();
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    void vscode.window.showWarningMessage(error.message);
    return;
  }
  const evaluators = await pickEvaluators(services, target);
  if (evaluators === undefined || evaluators.length === 0) return;
  const route = await pickModelRoute(services, choice.judgeModel.provider, `Judge ${target.description}`);
  if (route === undefined) return;
  const outcomes = await runJudge(services, target, evaluators, route, choice.judgeModel);
  const now = BigInt(Date.now()) * 1_000_000n;
  await storeEvaluationRecords(
    services,
    outcomes.flatMap((outcome) => (outcome.kind === 'result' ? [evaluationRecord(outcome.result, now)] : [])),
  );
  await report(services, target, route, outcomes);
}

interface EvaluatorPick extends vscode.QuickPickItem {
  readonly evaluator: Evaluator;
}

/** The evaluators that apply to the target's kind, all picked: built in, then the workspace's. */
async function pickEvaluators(services: Services, target: EvaluationTarget): Promise<Evaluator[] | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const read = await Promise.all(folders.map((folder) => readEachWorkspaceEvaluator(folder.uri.fsPath)));
  const errors = read.flatMap((folder) => folder.errors.map((error) => error.message));
  for (const error of errors) services.log.warn(`Evaluator file skipped: ${error}`);
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more in the log)` : '';
    void vscode.window.showWarningMessage(`An evaluator file cannot be read: ${errors[0]}${more}`);
  }
  const applicable = [...BUILT_IN_EVALUATORS, ...read.flatMap((folder) => folder.evaluators)].filter((evaluator) =>
    evaluator.appliesTo.includes(target.scope),
  );
  const items: EvaluatorPick[] = applicable.map((evaluator) => ({
    evaluator,
    label: evaluator.name,
    description: `${scaleText(evaluator.scale)} · ${sourceText(evaluator.source)}`,
    detail: evaluator.description,
    picked: true,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Evaluate ${target.description}`,
    placeHolder: 'Evaluators to run (Space toggles, Enter runs)',
    canPickMany: true,
    matchOnDetail: true,
  });
  return picked?.map((item) => item.evaluator);
}

function sourceText(source: string): string {
  return source === 'built-in' ? 'built in' : vscode.workspace.asRelativePath(source);
}

/** Runs the evaluators in turn behind a cancellable progress notification; cancelled ones end as errors. */
function runJudge(
  services: Services,
  target: EvaluationTarget,
  evaluators: readonly Evaluator[],
  route: ModelRoute,
  judgeModel: JudgeModelName,
): Thenable<EvaluationOutcome[]> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Judging ${target.description} on ${routeLabel(route)}`,
      cancellable: true,
    },
    (progress, token) => {
      const traced = tracedJudge(
        (request, options) => sendModelRequest(services, route, request, options, token),
        judgeModel,
      );
      const judge: JudgeModel = async (request, subject) => {
        if (token.isCancellationRequested) throw new Error('cancelled');
        progress.report({ message: subject.evaluator.name });
        try {
          return await traced(request, subject);
        } finally {
          progress.report({ increment: 100 / evaluators.length });
        }
      };
      return evaluate(target, evaluators, judge);
    },
  );
}

/** One notification summing the outcomes up; each one's explanation, skip reason or error in the output channel. */
async function report(
  services: Services,
  target: EvaluationTarget,
  route: ModelRoute,
  outcomes: readonly EvaluationOutcome[],
): Promise<void> {
  services.log.info(`Judged ${target.description} (trace ${target.traceId}) on ${routeLabel(route)}:`);
  for (const outcome of outcomes) services.log.info(`  ${outcomeLogLine(outcome)}`);
  const summary = outcomesSummary(target.description, outcomes);
  const failed = outcomes.some((outcome) => outcome.kind === 'error');
  const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const action = await show(summary, 'Show Details');
  if (action === 'Show Details') services.log.show(true);
}

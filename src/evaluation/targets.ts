/**
 * What Evaluate with a Judge Model… grades: an LLM call (a span row, the flame graph's details), an agent run (a trace
 * row) or a session (a session row when the Traces view groups by session); from the Command Palette, the selected
 * row, else one picked. Each comes with the judge model to name by default: the graded calls' own provider and model.
 */
import * as vscode from 'vscode';
import {
  llmCallTarget,
  sessionTarget,
  traceTarget,
  type EvaluationTarget,
  type JudgeModelName,
  type LogsOf,
} from '../core/evaluation';
import { providerIdOf } from '../core/replay/buildDocument';
import { sessionIdOfTrace } from '../core/sessions';
import type { SpanNode, TraceRecord } from '../core/store/types';
import { parseCommandTarget, targetSpan, targetTrace, warnGone } from '../host/commandTarget';
import { pickTrace } from '../host/pickers';
import type { Services } from '../host/services';

export interface TargetChoice {
  /** Reads the target's recorded content; throws `EvaluationError` (saying how to record it) when there is none. */
  readonly build: () => EvaluationTarget;
  readonly judgeModel: JudgeModelName;
}

/** The target the command was invoked on, or asked for; undefined when there is none (the user was told). */
export async function chooseTarget(services: Services, args: readonly unknown[]): Promise<TargetChoice | undefined> {
  const [first] = args;
  if (isSessionRow(first)) return sessionChoice(services, first.sessionId);
  const target = parseCommandTarget(args);
  if (target.kind === 'rows' || target.kind === 'spanDocument') {
    const trace = targetTrace(services.store, target);
    const node = targetSpan(services.store, target);
    if (trace === 'gone' || node === 'gone' || trace === undefined) {
      warnGone(trace === 'gone' ? 'trace' : 'span');
      return undefined;
    }
    const spanRow = target.kind === 'spanDocument' || target.rows[0]?.type === 'span';
    return spanRow && node?.ai.kind === 'llm' ? llmChoice(services, trace, node) : traceChoice(services, trace);
  }
  const sessionId = services.tracesView.selectedSessionId;
  if (sessionId !== undefined) return sessionChoice(services, sessionId);
  const selected = services.tracesView.selectedRows[0];
  if (selected !== undefined) return chooseTarget(services, [selected]);
  const trace = await pickTrace(services.store.traces(), 'Evaluate with a Judge Model');
  return trace === undefined ? undefined : pickInTrace(services, trace);
}

function isSessionRow(value: unknown): value is { type: 'session'; sessionId: string } {
  const row = value as { type?: unknown; sessionId?: unknown } | null;
  return typeof row === 'object' && row !== null && row.type === 'session' && typeof row.sessionId === 'string';
}

const logsOf =
  (services: Services): LogsOf =>
  (span) =>
    services.logs.forSpan(span.traceId, span.spanId);

/** The provider and model of the first model call, which the judge runs on unless the route names its own. */
function judgeModelOf(nodes: readonly SpanNode[]): JudgeModelName {
  const call = nodes.find((node) => node.ai.kind === 'llm')?.ai;
  return { provider: providerIdOf(call?.provider), model: call?.requestModel ?? call?.responseModel ?? '' };
}

function llmChoice(services: Services, trace: TraceRecord, node: SpanNode): TargetChoice {
  return { build: () => llmCallTarget(trace, node, logsOf(services)), judgeModel: judgeModelOf([node]) };
}

function traceChoice(services: Services, trace: TraceRecord): TargetChoice {
  return { build: () => traceTarget(trace, logsOf(services)), judgeModel: judgeModelOf(trace.spans()) };
}

function sessionChoice(services: Services, sessionId: string): TargetChoice | undefined {
  // The store lists traces newest first; a session is read as the conversation went.
  const turns = services.store
    .traces()
    .filter((trace) => sessionIdOfTrace(trace) === sessionId)
    .reverse();
  if (turns.length === 0) {
    void vscode.window.showWarningMessage(
      `Session ${sessionId} is no longer held: its traces were cleared or evicted.`,
    );
    return undefined;
  }
  return {
    build: () => sessionTarget(sessionId, turns, logsOf(services)),
    judgeModel: judgeModelOf(turns.flatMap((trace) => trace.spans())),
  };
}

interface ChoicePick extends vscode.QuickPickItem {
  readonly choice: () => TargetChoice | undefined;
}

/** The trace's run, its session when it has one, or one of its model calls. */
async function pickInTrace(services: Services, trace: TraceRecord): Promise<TargetChoice | undefined> {
  const sessionId = sessionIdOfTrace(trace);
  const calls = trace.spans().filter((node) => node.ai.kind === 'llm');
  const items: ChoicePick[] = [
    {
      label: '$(run-all) The agent run',
      description: trace.summary.rootName,
      choice: () => traceChoice(services, trace),
    },
    ...(sessionId === undefined
      ? []
      : [
          {
            label: '$(comment-discussion) The session',
            description: sessionId,
            choice: () => sessionChoice(services, sessionId),
          },
        ]),
    ...calls.map((node) => ({
      label: `$(sparkle) ${node.span.name}`,
      description: 'LLM call',
      choice: () => llmChoice(services, trace, node),
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `Evaluate with a Judge Model: ${trace.summary.rootName}`,
    placeHolder: 'What should the judge grade?',
  });
  return picked?.choice();
}

/**
 * The judge evaluation feature: Evaluate with a Judge Model… on an LLM call, an agent run or a session (the Traces
 * view's context menu, the flame graph's details, the Command Palette). Scores then show as the view's badges and in
 * the flame graph's details, which follow the evaluation index.
 */
import type * as vscode from 'vscode';
import { registerCommands } from '../host/commands';
import { EvaluationCommands } from '../host/contributions';
import type { Services } from '../host/services';
import { evaluateWithJudge } from './commands';

export function register(services: Services): vscode.Disposable {
  return registerCommands(services.log, EvaluationCommands, {
    evaluateWithJudge: (...args) => evaluateWithJudge(services, args),
  });
}

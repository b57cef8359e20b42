/** Judge evaluation's public API: evaluators, targets, the `evaluate` entry point and its events, the live index. */
export { BUILT_IN_EVALUATORS, builtInEvaluator, scaleText, type EvaluationScope, type Evaluator } from './evaluators';
export {
  EVALUATORS_DIR,
  EvaluatorFileError,
  parseEvaluatorFile,
  readEachWorkspaceEvaluator,
  readEvaluatorFile,
  readWorkspaceEvaluators,
} from './customEvaluators';
export {
  EvaluationError,
  llmCallTarget,
  sessionTarget,
  traceTarget,
  type EvaluationTarget,
  type LogsOf,
} from './targetContent';
export type { JudgeRequest } from './judgePrompt';
export {
  evaluate,
  evaluationRecord,
  type EvaluationOutcome,
  type EvaluationResult,
  type JudgeCallSubject,
  type JudgeModel,
} from './evaluate';
export { EVALUATION_EVENT, evaluationsOfSpan, evaluationsOfTrace } from './evaluationEvents';
export { EvaluationIndex, type EvaluationsChange } from './evaluationIndex';
export {
  JUDGE_OF_ATTRIBUTE,
  JUDGE_SERVICE,
  judgeCallOptions,
  judgeModelRequest,
  tracedJudge,
  type JudgeModelName,
  type SendTraced,
} from './tracedJudge';

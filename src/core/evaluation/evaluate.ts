/**
 * The one entry point of judge evaluation: `evaluate(target, evaluators, judge)` asks the judge model once per
 * applicable evaluator and returns each outcome (a result, a skip with its reason, or an error), and
 * `evaluationRecord` turns a result into the OTel GenAI `gen_ai.evaluation.result` event, a log record parented to the
 * evaluated span, as the conventions model it. The judge is injected: any route (an OpenAI-compatible endpoint,
 * VS Code's language models, a test's script) is a `JudgeModel`.
 */
import type { InstrumentationScope, Resource } from '../model';
import type { LogRecord } from '../otlp/logModel';
import { describeError } from '../../shared/errors';
import { EVALUATION_ATTRIBUTES, EVALUATION_EVENT } from './evaluationEvents';
import type { Evaluator } from './evaluators';
import { parseJudgeAnswer } from './judgeAnswer';
import { buildJudgeRequest, type JudgeRequest } from './judgePrompt';
import { EvaluationError, type EvaluationTarget } from './targetContent';

/** What a judge call grades: a traced judge links its call to the target's span and names it for the evaluator. */
export interface JudgeCallSubject {
  readonly evaluator: Evaluator;
  readonly target: EvaluationTarget;
}

/** A judge model: one request in, the model's text out (rejects when the model cannot be reached). */
export type JudgeModel = (request: JudgeRequest, subject: JudgeCallSubject) => Promise<{ text: string }>;

export interface EvaluationResult {
  readonly evaluator: Evaluator;
  readonly target: EvaluationTarget;
  readonly score: number;
  readonly label: string;
  readonly explanation: string;
}

export type EvaluationOutcome =
  | { readonly kind: 'result'; readonly result: EvaluationResult }
  /** The evaluator does not apply to this target (its scope, or content it needs was not recorded). */
  | {
      readonly kind: 'skipped';
      readonly evaluator: Evaluator;
      readonly target: EvaluationTarget;
      readonly reason: string;
    }
  | {
      readonly kind: 'error';
      readonly evaluator: Evaluator;
      readonly target: EvaluationTarget;
      readonly message: string;
    };

const PART_NAMES = {
  question: 'user question',
  systemPrompt: 'system prompt',
  context: 'context or tool results',
  toolCalls: 'tool calls',
  answer: 'answer',
} as const;

/** Why the evaluator does not apply to the target, or undefined when it does. */
function skipReason(evaluator: Evaluator, target: EvaluationTarget): string | undefined {
  if (!evaluator.appliesTo.includes(target.scope)) return `it applies to ${evaluator.appliesTo.join(', ')}`;
  const missing = evaluator.requires.filter((part) => target.content[part] === '');
  return missing.length === 0 ? undefined : `no ${missing.map((part) => PART_NAMES[part]).join(' or ')} recorded`;
}

/** One judge call per applicable evaluator, in turn (a local judge serves one request at a time). */
export async function evaluate(
  target: EvaluationTarget,
  evaluators: readonly Evaluator[],
  judge: JudgeModel,
): Promise<EvaluationOutcome[]> {
  const outcomes: EvaluationOutcome[] = [];
  for (const evaluator of evaluators) {
    const reason = skipReason(evaluator, target);
    if (reason !== undefined) {
      outcomes.push({ kind: 'skipped', evaluator, target, reason });
      continue;
    }
    try {
      const answer = await judge(buildJudgeRequest(evaluator, target), { evaluator, target });
      const verdict = parseJudgeAnswer(answer.text, evaluator.scale);
      outcomes.push({ kind: 'result', result: { evaluator, target, ...verdict } });
    } catch (error) {
      const message = error instanceof EvaluationError ? error.message : `the judge failed: ${describeError(error)}`;
      outcomes.push({ kind: 'error', evaluator, target, message });
    }
  }
  return outcomes;
}

/** Who wrote the events: the resource and scope of every record `evaluationRecord` makes. */
const EVALUATOR_RESOURCE: Resource = {
  attributes: new Map([['service.name', 'ai-trace-lens-eval']]),
  droppedAttributesCount: 0,
};
const EVALUATOR_SCOPE: InstrumentationScope = {
  name: 'ai-trace-lens.evaluation',
  version: '',
  attributes: new Map(),
  droppedAttributesCount: 0,
};

/** The result as a `gen_ai.evaluation.result` event on the evaluated span, at `timeUnixNano`. */
export function evaluationRecord(result: EvaluationResult, timeUnixNano: bigint): LogRecord {
  const { target } = result;
  const attributes = new Map<string, string | number>([
    [EVALUATION_ATTRIBUTES.name, result.evaluator.name],
    [EVALUATION_ATTRIBUTES.score, result.score],
    [EVALUATION_ATTRIBUTES.label, result.label],
    [EVALUATION_ATTRIBUTES.explanation, result.explanation],
  ]);
  if (target.responseId !== undefined) attributes.set(EVALUATION_ATTRIBUTES.responseId, target.responseId);
  return {
    timeUnixNano,
    observedTimeUnixNano: timeUnixNano,
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes,
    droppedAttributesCount: 0,
    flags: 1,
    traceId: target.traceId,
    spanId: target.spanId,
    eventName: EVALUATION_EVENT,
    resource: EVALUATOR_RESOURCE,
    scope: EVALUATOR_SCOPE,
  };
}

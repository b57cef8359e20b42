/**
 * What a judge model is asked to grade: the evaluator (its name, what it applies to, its scale, its instructions and
 * which parts of a target it needs), and the five built in. Custom evaluators (customEvaluators.ts) have the same
 * shape. The instructions are the judge's rubric; the output format and the material are added by judgePrompt.ts.
 */

/** An LLM call (one model span), an agent run (one trace) or a session (the traces of one conversation). */
export type EvaluationScope = 'llm' | 'trace' | 'session';

export const EVALUATION_SCOPES: readonly EvaluationScope[] = ['llm', 'trace', 'session'];

/** A numeric range with optional names of its integer steps (from `min`), or pass (1) / fail (0). */
export type EvaluationScale =
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly labels?: readonly string[] }
  | { readonly kind: 'pass-fail' };

/** The parts of a target's recorded content (targetContent.ts) an evaluator can need. */
export type ContentPart = 'question' | 'systemPrompt' | 'context' | 'toolCalls' | 'answer';

export interface Evaluator {
  /** `gen_ai.evaluation.name` of its results. */
  readonly name: string;
  /** One line: what it grades. */
  readonly description: string;
  readonly appliesTo: readonly EvaluationScope[];
  readonly scale: EvaluationScale;
  /** The judge's rubric. */
  readonly instructions: string;
  /** Without these the evaluator does not apply to a target (skipped, not failed). */
  readonly requires: readonly ContentPart[];
  /** 'built-in', or the file it was read from. */
  readonly source: string;
}

const ONE_TO_FIVE: EvaluationScale = {
  kind: 'range',
  min: 1,
  max: 5,
  labels: ['poor', 'weak', 'acceptable', 'good', 'excellent'],
};

export const BUILT_IN_EVALUATORS: readonly Evaluator[] = [
  {
    name: 'relevance',
    description: "how directly the answer addresses the user's question",
    appliesTo: ['llm', 'trace', 'session'],
    scale: ONE_TO_FIVE,
    requires: ['question', 'answer'],
    source: 'built-in',
    instructions: `Grade how well the answer addresses what the user asked.
- 5: answers every part of the question directly, with nothing off-topic.
- 4: answers the question; a minor part is missing or there is a little padding.
- 3: partly answers it, or buries the answer in unrelated material.
- 2: mostly about something else; touches the question only in passing.
- 1: does not address the question at all, or refuses without reason.
Judge relevance only: do not lower the score for factual errors or style, which other evaluators grade.`,
  },
  {
    name: 'faithfulness',
    description: 'whether every claim in the answer is supported by the context and tool results',
    appliesTo: ['llm', 'trace'],
    scale: ONE_TO_FIVE,
    requires: ['answer', 'context'],
    source: 'built-in',
    instructions: `Grade whether the answer's claims are supported by the context and tool results given.
- 5: every factual claim is stated in or follows directly from the context; nothing is invented.
- 4: all important claims are supported; a minor detail goes beyond the context without contradicting it.
- 3: some claims are unsupported, but none contradicts the context.
- 2: an important claim is unsupported, or a tool error is ignored as if the call had succeeded.
- 1: the answer contradicts the context or invents facts (figures, names, results) it does not contain.
General knowledge the answer presents as an estimate, saying so, is not unsupported. Name the unsupported claims.`,
  },
  {
    name: 'system-prompt-adherence',
    description: "whether the answer follows the system prompt's instructions and constraints",
    appliesTo: ['llm', 'trace'],
    scale: ONE_TO_FIVE,
    requires: ['systemPrompt', 'answer'],
    source: 'built-in',
    instructions: `Grade whether the assistant followed the system prompt: its role, rules, required steps, format, tone
and anything it forbids.
- 5: follows every instruction.
- 4: follows all important instructions; a minor one (tone, format detail) is missed.
- 3: misses one important instruction.
- 2: misses several important instructions.
- 1: ignores the system prompt or does what it forbids.
Quote the instruction that was not followed.`,
  },
  {
    name: 'tool-call-correctness',
    description: 'whether the right tools were called with the right arguments for the request',
    appliesTo: ['llm', 'trace'],
    scale: ONE_TO_FIVE,
    requires: ['question', 'toolCalls'],
    source: 'built-in',
    instructions: `Grade the tool calls made for the user's request (the tools available are those named in the system
prompt and in the calls).
- 5: every tool needed was called, with correct and complete arguments, and no needless call was made.
- 4: the right tools with correct arguments; one call was redundant.
- 3: a needed call is missing, or one call has a wrong or missing argument.
- 2: mostly the wrong tools, or arguments that cannot serve the request.
- 1: the calls have nothing to do with the request.
Judge the calls themselves, not whether the tool then succeeded. Name the call that is wrong.`,
  },
  {
    name: 'task-completion',
    description: "whether the agent run accomplished the user's task",
    appliesTo: ['trace', 'session'],
    scale: { kind: 'pass-fail' },
    requires: ['question', 'answer'],
    source: 'built-in',
    instructions: `Decide whether the agent completed the task the user gave it, from the final answer and the steps taken.
- pass (score 1): the user got what they asked for; any part the agent could not do is stated plainly together with
  a reasonable alternative.
- fail (score 0): the task was not done, only partly done without saying so, or the answer claims results the steps
  did not produce.`,
  },
];

/** The built-in evaluator of that name, or undefined. */
export function builtInEvaluator(name: string): Evaluator | undefined {
  return BUILT_IN_EVALUATORS.find((evaluator) => evaluator.name === name);
}

/** The scale as the judge reads it: `an integer from 1 to 5 (1 poor, …)` or `1 for pass, 0 for fail`. */
export function scaleDescription(scale: EvaluationScale): string {
  if (scale.kind === 'pass-fail') return '1 for pass or 0 for fail, with the label "pass" or "fail"';
  const steps = scale.labels?.map((label, index) => `${scale.min + index} ${label}`).join(', ');
  const whole = Number.isInteger(scale.min) && Number.isInteger(scale.max) ? 'an integer' : 'a number';
  return `${whole} from ${scale.min} to ${scale.max}${steps === undefined ? '' : ` (${steps})`}`;
}

/** The scale as a user reads it: `1–5` or `pass/fail`. */
export function scaleText(scale: EvaluationScale): string {
  return scale.kind === 'pass-fail' ? 'pass/fail' : `${scale.min}–${scale.max}`;
}

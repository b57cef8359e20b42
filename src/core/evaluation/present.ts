/**
 * How evaluations read in the editor's text surfaces: the Traces view's tooltip block, Compare Traces' lines and what
 * Evaluate with a Judge Model… reports. Pure text (span text escaped for Markdown), so the host glue stays thin and
 * this is unit-tested.
 */
import { formatScore, scoreText, type SpanEvaluation } from '../../shared/evaluations';
import { plural } from '../../shared/format';
import { escapeMarkdown } from '../tooltip';
import type { EvaluationOutcome, EvaluationResult } from './evaluate';

/** `**2 evaluations**` then `` `relevance` 4 (good): explanation `` a line each; empty when there are none. */
export function evaluationsTooltipMarkdown(evaluations: readonly SpanEvaluation[]): string {
  if (evaluations.length === 0) return '';
  const lines = evaluations.map((evaluation) => {
    const explanation = evaluation.explanation === '' ? '' : `: ${escapeMarkdown(evaluation.explanation)}`;
    return `\`${evaluation.name.replaceAll('`', "'")}\` ${escapeMarkdown(scoreText(evaluation))}${explanation}`;
  });
  return [`**${plural(evaluations.length, 'evaluation')}**`, ...lines].join('  \n');
}

/** One line per evaluation for a comparison: `evaluation relevance: 4 (good) · explanation`. */
export function evaluationLines(evaluations: readonly SpanEvaluation[]): string[] {
  return evaluations.map((evaluation) => {
    const explanation = evaluation.explanation === '' ? '' : ` · ${evaluation.explanation}`;
    return `evaluation ${evaluation.name}: ${scoreText(evaluation)}${explanation}`;
  });
}

/** `relevance 4/5 good`, or `task-completion pass`. */
function resultText({ evaluator, score, label }: EvaluationResult): string {
  const scale = evaluator.scale.kind === 'pass-fail' ? label : `${formatScore(score)}/${evaluator.scale.max} ${label}`;
  return `${evaluator.name} ${scale}`.trim();
}

/** The notification after a run: `Judged LLM call "chat": relevance 4/5 good · 1 skipped · 1 failed (see the log)`. */
export function outcomesSummary(description: string, outcomes: readonly EvaluationOutcome[]): string {
  const results = outcomes.flatMap((outcome) => (outcome.kind === 'result' ? [resultText(outcome.result)] : []));
  const skipped = outcomes.filter((outcome) => outcome.kind === 'skipped').length;
  const failed = outcomes.filter((outcome) => outcome.kind === 'error').length;
  const parts = [
    ...results,
    ...(skipped > 0 ? [`${skipped} skipped`] : []),
    ...(failed > 0 ? [`${failed} failed (see the log)`] : []),
  ];
  return `Judged ${description}: ${parts.join(' · ') || 'nothing to grade'}`;
}

/** One outcome for the log: the result with its explanation, or why it was skipped or failed. */
export function outcomeLogLine(outcome: EvaluationOutcome): string {
  if (outcome.kind === 'skipped') return `${outcome.evaluator.name}: skipped, ${outcome.reason}`;
  if (outcome.kind === 'error') return `${outcome.evaluator.name}: failed, ${outcome.message}`;
  return `${resultText(outcome.result)}: ${outcome.result.explanation}`;
}

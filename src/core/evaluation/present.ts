/**
 * How evaluations read in the editor's text surfaces: the Traces view's tooltip block and Compare Traces' lines. Pure
 * text (span text escaped for Markdown), so the host glue stays thin and this is unit-tested.
 */
import { scoreText, type SpanEvaluation } from '../../shared/evaluations';
import { plural } from '../../shared/format';
import { escapeMarkdown } from '../tooltip';

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

/**
 * Evaluation results as every view shows them (the Traces view's badges, the flame graph's details, Compare Traces):
 * one `gen_ai.evaluation.result` event on one span, whoever sent it (the `eval` command or the app itself), and the
 * short texts they read. Browser-safe: the flame graph page formats them too.
 */

/** One evaluation of one span. Score and label are optional in the conventions, so either may be missing. */
export interface SpanEvaluation {
  readonly spanId: string;
  /** `gen_ai.evaluation.name`: relevance, faithfulness, … */
  readonly name: string;
  readonly score: number | undefined;
  readonly label: string;
  readonly explanation: string;
}

/** The mark before evaluation badges: plain text, since tree descriptions render no icons. */
export const EVALUATION_MARK = '⚖';

/** `4 (good)`, `pass`, `0.82`, or `no score` when the event carried neither. */
export function scoreText(evaluation: Pick<SpanEvaluation, 'score' | 'label'>): string {
  const score = evaluation.score === undefined ? '' : formatScore(evaluation.score);
  if (score === '') return evaluation.label === '' ? 'no score' : evaluation.label;
  return evaluation.label === '' || evaluation.label === score ? score : `${score} (${evaluation.label})`;
}

/** Scores up to two decimals, as judges and apps send integers and ratios. */
export function formatScore(score: number): string {
  return String(Math.round(score * 100) / 100);
}

/** Badges listed on a span row before the rest are counted. */
const LISTED_BADGES = 3;

/** A span row's badge: `⚖ relevance 4 · faithfulness 2`; undefined when it has none. */
export function spanEvaluationBadge(evaluations: readonly SpanEvaluation[]): string | undefined {
  if (evaluations.length === 0) return undefined;
  const listed = evaluations
    .slice(0, LISTED_BADGES)
    .map((evaluation) => `${evaluation.name} ${shortScore(evaluation)}`);
  const more = evaluations.length - LISTED_BADGES;
  return `${EVALUATION_MARK} ${listed.join(' · ')}${more > 0 ? ` · +${more}` : ''}`;
}

/** A trace row's badge: `⚖ 3 evaluations, lowest faithfulness 2`; undefined when it has none. */
export function traceEvaluationBadge(evaluations: readonly SpanEvaluation[]): string | undefined {
  if (evaluations.length === 0) return undefined;
  const count = `${evaluations.length} ${evaluations.length === 1 ? 'evaluation' : 'evaluations'}`;
  const lowest = lowestScored(evaluations);
  return lowest === undefined
    ? `${EVALUATION_MARK} ${count}`
    : `${EVALUATION_MARK} ${count}, lowest ${lowest.name} ${shortScore(lowest)}`;
}

/** The scored evaluation with the lowest score (scales differ, so this is a hint where to look, not a grade). */
export function lowestScored(evaluations: readonly SpanEvaluation[]): SpanEvaluation | undefined {
  let lowest: SpanEvaluation | undefined;
  for (const evaluation of evaluations) {
    if (evaluation.score !== undefined && (lowest === undefined || evaluation.score < lowest.score!)) {
      lowest = evaluation;
    }
  }
  return lowest;
}

/** The score alone, else the label: a badge has no room for both. */
function shortScore(evaluation: SpanEvaluation): string {
  if (evaluation.score !== undefined) return formatScore(evaluation.score);
  return evaluation.label === '' ? '?' : evaluation.label;
}

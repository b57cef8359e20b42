/**
 * The judge's answer read as `{score, label, explanation}`. Models wrap JSON in Markdown fences or add a sentence
 * around it, so the first JSON object in the text that parses is taken; its score must be on the evaluator's scale.
 * Anything else is an `EvaluationError` quoting the start of the answer, and no result is recorded.
 */
import type { EvaluationScale } from './evaluators';
import { EvaluationError } from './targetContent';

export interface JudgeVerdict {
  readonly score: number;
  readonly label: string;
  readonly explanation: string;
}

/** Characters of a bad answer quoted in the error. */
const QUOTED = 200;

export function parseJudgeAnswer(text: string, scale: EvaluationScale): JudgeVerdict {
  const object = firstJsonObject(text);
  if (object === undefined) throw badAnswer('it holds no JSON object', text);
  const { score, label, explanation } = object;
  if (typeof score !== 'number' || !Number.isFinite(score)) throw badAnswer('"score" is not a number', text);
  if (explanation !== undefined && typeof explanation !== 'string') throw badAnswer('"explanation" is not text', text);
  if (label !== undefined && label !== null && typeof label !== 'string') throw badAnswer('"label" is not text', text);
  return {
    score,
    label: checkedLabel(score, typeof label === 'string' ? label.trim() : '', scale, text),
    explanation: explanation?.trim() ?? '',
  };
}

/** The label the score has on the scale, the judge's own when the scale names none; throws for a score off the scale. */
function checkedLabel(score: number, label: string, scale: EvaluationScale, text: string): string {
  if (scale.kind === 'pass-fail') {
    if (score !== 0 && score !== 1) throw badAnswer(`score ${score} is not 1 (pass) or 0 (fail)`, text);
    return score === 1 ? 'pass' : 'fail';
  }
  if (score < scale.min || score > scale.max) {
    throw badAnswer(`score ${score} is outside the scale ${scale.min} to ${scale.max}`, text);
  }
  const named = Number.isInteger(score) ? scale.labels?.[score - scale.min] : undefined;
  return named ?? label;
}

function badAnswer(reason: string, text: string): EvaluationError {
  const quoted = text.length > QUOTED ? `${text.slice(0, QUOTED)}…` : text;
  return new EvaluationError(
    `the judge's answer is not usable (${reason}); expected {"score", "label", "explanation"}, got: ${JSON.stringify(quoted)}`,
  );
}

/** The first `{…}` in the text that parses as a JSON object: fenced, bare, or with prose around it. */
function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    const end = matchingBrace(text, start);
    if (end < 0) continue;
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not JSON from this brace: try the next one.
    }
  }
  return undefined;
}

/** The index of the brace closing the one at `start`, skipping braces inside JSON strings; -1 when unbalanced. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}

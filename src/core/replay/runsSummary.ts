/**
 * Replay ×N: how the answers of N runs of one request differ. Answers that differ only in whitespace are one answer;
 * the distinct ones come most frequent first, with the runs that gave each. Tokens, duration and time to first token
 * are summed up as min, median and max, so the variance of identical prompts shows at a glance.
 */
import { formatDuration, formatTokens, plural } from '../../shared/format';
import { median } from '../code/locationStats';

/** What one run gave: its answer or failure, and the figures its span recorded. */
export interface RunOutcome {
  readonly text: string;
  readonly error: string | undefined;
  readonly traceId: string;
  readonly durationMs: number;
  readonly ttftMs: number | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
}

export interface DistinctAnswer {
  /** The answer as the first run that gave it wrote it. */
  readonly text: string;
  /** 1-based numbers of the runs that gave it. */
  readonly runs: number[];
}

export interface Spread {
  readonly min: number;
  readonly p50: number;
  readonly max: number;
}

export interface RunsSummary {
  readonly runCount: number;
  readonly answers: DistinctAnswer[];
  readonly failures: { run: number; error: string }[];
  readonly durationMs: Spread | undefined;
  readonly ttftMs: Spread | undefined;
  readonly inputTokens: Spread | undefined;
  readonly outputTokens: Spread | undefined;
}

/** The answer's identity: its words, whatever the spacing and line breaks between them. */
function normalizedAnswer(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function summarizeRuns(outcomes: readonly RunOutcome[]): RunsSummary {
  const byAnswer = new Map<string, DistinctAnswer>();
  const failures: { run: number; error: string }[] = [];
  outcomes.forEach((outcome, index) => {
    const run = index + 1;
    if (outcome.error !== undefined) {
      failures.push({ run, error: outcome.error });
      return;
    }
    const key = normalizedAnswer(outcome.text);
    const answer = byAnswer.get(key);
    if (answer === undefined) byAnswer.set(key, { text: outcome.text, runs: [run] });
    else answer.runs.push(run);
  });
  // Stable: equally frequent answers stay in the order they first came.
  const answers = [...byAnswer.values()].sort((a, b) => b.runs.length - a.runs.length);
  const answered = outcomes.filter((outcome) => outcome.error === undefined);
  return {
    runCount: outcomes.length,
    answers,
    failures,
    durationMs: spreadOf(answered.map((outcome) => outcome.durationMs)),
    ttftMs: spreadOf(answered.map((outcome) => outcome.ttftMs)),
    inputTokens: spreadOf(answered.map((outcome) => outcome.inputTokens)),
    outputTokens: spreadOf(answered.map((outcome) => outcome.outputTokens)),
  };
}

function spreadOf(values: readonly (number | undefined)[]): Spread | undefined {
  const known = values.filter((value) => value !== undefined);
  if (known.length === 0) return undefined;
  return { min: Math.min(...known), p50: median(known), max: Math.max(...known) };
}

/** The summary as Markdown: the figures, then each distinct answer under its count. */
export function renderRunsSummary(summary: RunsSummary, title: string): string {
  const lines = [`# ${title}: ${plural(summary.runCount, 'run')}`, ''];
  const distinct = summary.answers.length;
  lines.push(
    `${plural(distinct, 'distinct answer')}${summary.failures.length > 0 ? `, ${plural(summary.failures.length, 'failed run')}` : ''}.`,
    '',
  );
  lines.push('| | min | median | max |', '|---|---|---|---|');
  const row = (label: string, spread: Spread | undefined, format: (value: number) => string) => {
    if (spread !== undefined)
      lines.push(`| ${label} | ${format(spread.min)} | ${format(spread.p50)} | ${format(spread.max)} |`);
  };
  row('duration', summary.durationMs, formatDuration);
  row('time to first token', summary.ttftMs, formatDuration);
  row('input tokens', summary.inputTokens, formatTokens);
  row('output tokens', summary.outputTokens, formatTokens);
  summary.answers.forEach((answer, index) => {
    const runs = `${answer.runs.length === 1 ? 'run' : 'runs'} ${answer.runs.join(', ')}`;
    lines.push('', `## Answer ${index + 1}: ${answer.runs.length} of ${summary.runCount} (${runs})`, '');
    lines.push(fenced(answer.text));
  });
  for (const failure of summary.failures) lines.push('', `## Run ${failure.run} failed`, '', fenced(failure.error));
  return `${lines.join('\n')}\n`;
}

/** Text in a code fence longer than any backtick run inside it, so an answer's own Markdown shows as it is. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

/**
 * `ai-trace-lens eval`: recorded runs graded by a judge model for people and CI. Saved OTLP exports (or a store) are
 * read as summarize reads them, each evaluator is run on its targets through an OpenAI-compatible endpoint (a traced
 * call, core/modelRoutes/tracedCall.ts), each result printed, the results written as `gen_ai.evaluation.result`
 * events with --out beside the judge's own calls, and the exit code says whether any score fell below --min-score.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  BUILT_IN_EVALUATORS,
  EvaluationError,
  EvaluatorFileError,
  evaluate,
  evaluationRecord,
  llmCallTarget,
  readEvaluatorFile,
  readWorkspaceEvaluators,
  scaleText,
  sessionTarget,
  traceTarget,
  tracedJudge,
  type EvaluationOutcome,
  type EvaluationScope,
  type EvaluationTarget,
  type Evaluator,
  type LogsOf,
} from '../core/evaluation';
import type { Span } from '../core/model';
import { sendTraced } from '../core/modelRoutes/tracedCall';
import type { LogRecord } from '../core/otlp/logModel';
import { sessionIdOfTrace } from '../core/sessions';
import type { TraceRecord } from '../core/store/types';
import { chronological } from '../core/summarize';
import { traceFileText } from '../core/traceFile';
import { describeError } from '../shared/errors';
import { formatScore } from '../shared/evaluations';
import { plural } from '../shared/format';
import { CliError, parseOptions, usageError } from './args';
import { INPUT_OPTIONS, readInputFiles } from './summarize';

export const EVAL_USAGE = `  ai-trace-lens eval (FILE... | --store DIR) --judge-url URL --judge-model MODEL [--evaluator NAME|FILE]...
                    [--target llm|trace|session] [--json] [--min-score X] [--out FILE]
      Grades recorded runs with a judge model behind an OpenAI-compatible endpoint (POST URL/chat/completions, with
      OPENAI_API_KEY as bearer token when set). Evaluators: the built-in relevance, faithfulness,
      system-prompt-adherence, tool-call-correctness and task-completion, custom ones from
      .ai-trace-lens/evaluators/*.md by name, or a Markdown evaluator FILE; without --evaluator, all of those.
      Each evaluator runs on its finest target: every LLM call when it applies to LLM calls, else every trace (agent
      run), else every session; --target picks one. An evaluator missing content it needs (no system prompt, no
      tool calls) is skipped. Prints each result (score, label, target, explanation), or with --json one document
      {"results":[...],"skipped":[...],"errors":[...]}; --out writes the results as OTLP JSON Lines of
      gen_ai.evaluation.result events on the evaluated spans, with the judge's calls as a trace of service
      "ai-trace-lens judge" (tokens, latency; Open Trace File and summarize read them).
      Exit code 1 when a score is below --min-score (a pass/fail result: when it fails), when the judge's answer is
      unusable or the judge cannot be reached, or when a target recorded no content; 2 on usage errors.
`;

const EVAL_OPTIONS = {
  ...INPUT_OPTIONS,
  'judge-url': { type: 'string' },
  'judge-model': { type: 'string' },
  evaluator: { type: 'string', multiple: true },
  target: { type: 'string' },
  'min-score': { type: 'string' },
  out: { type: 'string' },
} as const;

const SCOPES: readonly EvaluationScope[] = ['llm', 'trace', 'session'];

export async function evalCommand(args: string[], help: () => number): Promise<number> {
  const { values, positionals } = parseOptions(() =>
    parseArgs({ args, options: EVAL_OPTIONS, allowPositionals: true }),
  );
  if (values.help) return help();
  if (positionals.length === 0 && values.store === undefined)
    throw usageError('eval needs at least one file or --store DIR.');
  const judgeUrl = values['judge-url'];
  const judgeModel = values['judge-model'];
  if (judgeUrl === undefined || !/^https?:\/\//.test(judgeUrl)) throw usageError('eval needs --judge-url http(s)://…');
  if (judgeModel === undefined || judgeModel === '') throw usageError('eval needs --judge-model MODEL.');
  const minScore = parseMinScore(values['min-score']);
  const only = parseTarget(values.target);
  const evaluators = await resolveEvaluators(values.evaluator ?? []);
  const { store, logs, failed } = await readInputFiles(positionals, values.store);
  const logsOf: LogsOf = (span) => logs.forSpan(span.traceId, span.spanId);
  const judgeSpans: Span[] = [];
  const judge = endpointJudge(judgeUrl, judgeModel, judgeSpans);
  const outcomes: EvaluationOutcome[] = [];
  const targetErrors: string[] = [];
  const traces = chronological(store);
  for (const [scope, scoped] of plan(evaluators, only)) {
    for (const target of targetsOf(scope, traces, logsOf, targetErrors)) {
      const done = await evaluate(target, scoped, judge);
      outcomes.push(...done);
      if (!values.json) process.stdout.write(done.map(outcomeText).join(''));
    }
  }
  const results = outcomes.flatMap((outcome) => (outcome.kind === 'result' ? [outcome.result] : []));
  const errors = [
    ...targetErrors,
    ...outcomes.flatMap((outcome) => (outcome.kind === 'error' ? [errorText(outcome)] : [])),
  ];
  for (const error of errors) process.stderr.write(`ai-trace-lens: ${error}\n`);
  const below = results.filter((result) =>
    minScore === undefined
      ? false
      : result.evaluator.scale.kind === 'pass-fail'
        ? result.score === 0
        : result.score < minScore,
  );
  if (values.json) process.stdout.write(`${JSON.stringify(jsonDocument(outcomes, errors), null, 2)}\n`);
  else process.stdout.write(countLine(outcomes, errors.length, below.length, minScore));
  if (values.out !== undefined) {
    const records = results.map((result) => evaluationRecord(result, BigInt(Date.now()) * 1_000_000n));
    await writeOut(values.out, judgeSpans, records);
  }
  return failed || errors.length > 0 || below.length > 0 ? 1 : 0;
}

/** Per judge call: a judge that hangs must not hang CI. */
const JUDGE_TIMEOUT_MS = 120_000;

/**
 * The judge behind the OpenAI-compatible endpoint, each call traced as the editor traces it (service
 * `ai-trace-lens judge`, linked to the graded span) into `spans`; `OPENAI_API_KEY` goes only into its header.
 */
function endpointJudge(url: string, model: string, spans: Span[]) {
  const route = { kind: 'endpoint', url, model, apiKey: process.env.OPENAI_API_KEY || undefined } as const;
  return tracedJudge(
    (request, options) =>
      sendTraced(route, request, options, {
        onSpans: (callSpans) => {
          spans.push(...callSpans);
        },
        // The judge's prompt is the app's recorded content: its call span keeps the figures, not the text again.
        recordContent: false,
        proxy: undefined,
        signal: AbortSignal.timeout(JUDGE_TIMEOUT_MS),
      }),
    { provider: 'openai', model },
  );
}

function parseMinScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw usageError(`--min-score takes a number, not "${text}".`);
  return value;
}

function parseTarget(text: string | undefined): EvaluationScope | undefined {
  if (text === undefined || SCOPES.includes(text as EvaluationScope)) return text as EvaluationScope | undefined;
  throw usageError(`--target takes llm, trace or session, not "${text}".`);
}

/** Built-ins by name, the workspace's evaluators by name, or Markdown files; all built-in and workspace ones by default. */
async function resolveEvaluators(names: readonly string[]): Promise<Evaluator[]> {
  let workspace: Evaluator[];
  try {
    workspace = await readWorkspaceEvaluators(process.cwd());
  } catch (error) {
    throw new CliError(describeError(error), 2);
  }
  const known = [...BUILT_IN_EVALUATORS, ...workspace];
  if (names.length === 0) return known;
  return Promise.all(
    names.map(async (name) => {
      const named = known.find((evaluator) => evaluator.name === name);
      if (named !== undefined) return named;
      if (!name.endsWith('.md') && !existsSync(name)) {
        throw usageError(
          `--evaluator "${name}" is neither a known evaluator (${known.map((e) => e.name).join(', ')}) nor a file.`,
        );
      }
      try {
        return await readEvaluatorFile(name);
      } catch (error) {
        if (error instanceof EvaluatorFileError) throw new CliError(error.message, 2);
        throw error;
      }
    }),
  );
}

/** Which evaluators run on which kind of target: `only`, else each evaluator's finest scope. */
function plan(evaluators: readonly Evaluator[], only: EvaluationScope | undefined): Map<EvaluationScope, Evaluator[]> {
  const byScope = new Map<EvaluationScope, Evaluator[]>();
  for (const evaluator of evaluators) {
    const scope = only ?? SCOPES.find((candidate) => evaluator.appliesTo.includes(candidate));
    if (scope === undefined || !evaluator.appliesTo.includes(scope)) continue;
    byScope.set(scope, [...(byScope.get(scope) ?? []), evaluator]);
  }
  return byScope;
}

/** The targets of one scope in time order; one that recorded no content is an error, and the others go on. */
function targetsOf(
  scope: EvaluationScope,
  traces: readonly TraceRecord[],
  logsOf: LogsOf,
  errors: string[],
): EvaluationTarget[] {
  const attempts: (() => EvaluationTarget)[] = [];
  if (scope === 'llm') {
    for (const trace of traces) {
      for (const node of trace.spans())
        if (node.ai.kind === 'llm') attempts.push(() => llmCallTarget(trace, node, logsOf));
    }
  } else if (scope === 'trace') {
    for (const trace of traces) attempts.push(() => traceTarget(trace, logsOf));
  } else {
    const sessions = new Map<string, TraceRecord[]>();
    for (const trace of traces) {
      const sessionId = sessionIdOfTrace(trace);
      if (sessionId !== undefined) sessions.set(sessionId, [...(sessions.get(sessionId) ?? []), trace]);
    }
    for (const [sessionId, turns] of sessions) attempts.push(() => sessionTarget(sessionId, turns, logsOf));
  }
  return attempts.flatMap((attempt) => {
    try {
      return [attempt()];
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      errors.push(error.message);
      return [];
    }
  });
}

function where(target: EvaluationTarget): string {
  return `${target.description} (trace ${target.traceId}, span ${target.spanId})`;
}

function outcomeText(outcome: EvaluationOutcome): string {
  if (outcome.kind === 'skipped')
    return `skipped ${outcome.evaluator.name} on ${where(outcome.target)}: ${outcome.reason}\n`;
  if (outcome.kind === 'error') return '';
  const { evaluator, score, label, explanation, target } = outcome.result;
  const scale =
    evaluator.scale.kind === 'pass-fail' ? label : `${formatScore(score)}/${evaluator.scale.max} ${label}`.trim();
  return `${evaluator.name}: ${scale} on ${where(target)}\n  ${explanation}\n`;
}

function errorText(outcome: Extract<EvaluationOutcome, { kind: 'error' }>): string {
  return `${outcome.evaluator.name} on ${where(outcome.target)}: ${outcome.message}`;
}

function countLine(
  outcomes: readonly EvaluationOutcome[],
  errors: number,
  below: number,
  minScore: number | undefined,
): string {
  const count = (kind: EvaluationOutcome['kind']) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const parts = [plural(count('result'), 'result'), `${count('skipped')} skipped`, plural(errors, 'error')];
  if (minScore !== undefined) parts.push(`${below} below --min-score ${minScore}`);
  return `\n${parts.join(', ')}\n`;
}

function jsonDocument(outcomes: readonly EvaluationOutcome[], errors: readonly string[]) {
  const targetJson = (target: EvaluationTarget) => ({
    scope: target.scope,
    target: target.description,
    traceId: target.traceId,
    spanId: target.spanId,
  });
  return {
    results: outcomes.flatMap((outcome) => {
      if (outcome.kind !== 'result') return [];
      const { evaluator, score, label, explanation, target } = outcome.result;
      return [
        {
          evaluator: evaluator.name,
          scale: scaleText(evaluator.scale),
          score,
          label,
          explanation,
          ...targetJson(target),
        },
      ];
    }),
    skipped: outcomes.flatMap((outcome) =>
      outcome.kind === 'skipped'
        ? [{ evaluator: outcome.evaluator.name, reason: outcome.reason, ...targetJson(outcome.target) }]
        : [],
    ),
    errors,
  };
}

/** The judge's calls and the evaluation events as OTLP JSON Lines, which summarize and Open Trace File read. */
async function writeOut(path: string, spans: readonly Span[], records: readonly LogRecord[]): Promise<void> {
  try {
    await writeFile(path, spans.length === 0 && records.length === 0 ? '' : traceFileText(spans, records));
  } catch (error) {
    throw new CliError(`cannot write --out ${path}: ${describeError(error)}`, 1);
  }
}
